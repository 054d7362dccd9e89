using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DeepMotion.Bridge.Core.Wire;
using DeepMotion.Bridge.Transport;
using Grpc.Core;
using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Streams prompts from a DeepMotion server onto this character: Generate() and the NPC moves
    /// as soon as level 1 arrives, refining while it plays, then blends back to its Animator
    /// (DeepMotionPlayer decides how). A new prompt replaces the running one; Release() hands the
    /// character back at any moment; disabling the component cancels the stream on the server.
    /// </summary>
    [RequireComponent(typeof(DeepMotionPlayer))]
    [AddComponentMenu("DeepMotion/DeepMotion NPC")]
    public sealed class DeepMotionNpc : MonoBehaviour
    {
        static readonly HashSet<string> licenceShown = new HashSet<string>();

        [Header("Server")]
        [Tooltip("http://host:port for cleartext HTTP/2, https://host:port for TLS")]
        public string address = "http://127.0.0.1:50051";
        [Tooltip("Bearer token when the server was started with --token-file")]
        public string token = "";
        public ReconnectPolicy reconnect = new ReconnectPolicy();

        [Header("Request")]
        [TextArea(2, 4)] public string prompt = "a person walks forward and waves";
        [Tooltip("Seconds; 0 lets the model choose the length")]
        [Range(0f, 10f)] public float duration = 4f;
        [Tooltip("-1 for a new motion every time")]
        public long seed = -1;
        [Tooltip("0 uses the server's default")]
        public float guidanceScale = 0f;
        [Tooltip("Highest level to stream (0 = all)")]
        [Range(0, 3)] public int maxLevel = 0;
        public bool generateOnStart;

        DeepMotionPlayer player;
        CancellationTokenSource cancellation;
        Task streamTask;

        /// <summary>What the server runs (model, limits, licence of its weights), once known.</summary>
        public ModelInfoData ModelInfo { get; private set; }
        public DeepMotionPlayer Player => player;
        /// <summary>A stream is open on the server (messages may still arrive).</summary>
        public bool IsStreaming => streamTask != null && !streamTask.IsCompleted;

        void Awake() => player = GetComponent<DeepMotionPlayer>();

        void Start()
        {
            if (generateOnStart) Generate();
        }

        /// <summary>Streams `prompt`; a stream already running is cancelled and none of its messages reach this one.</summary>
        public void Generate() => Generate(prompt);

        public void Generate(string text)
        {
            Stop();
            var request = new GenerateRequestData
            {
                Text = text ?? "",
                DurationS = duration,
                GuidanceScale = guidanceScale,
                MaxLevel = (uint)Mathf.Max(0, maxLevel),
                Output = new OutputOptionsData { RootMotion = RootMotionMode.World },
            };
            if (seed >= 0) { request.Seed = (ulong)seed; request.HasSeed = true; }
            MotionStreamClient client;
            try
            {
                client = new MotionStreamClient(address, token) { Reconnect = reconnect };
            }
            catch (ArgumentException e)
            {
                player.ReportError(e.Message);
                return;
            }
            int generation = player.BeginStream();
            if (generation < 0) return;
            var cts = new CancellationTokenSource();
            cancellation = cts;
            ShowLicenceOnce(client);
            streamTask = Task.Run(async () =>
            {
                try
                {
                    await client.StreamAsync(request, message => player.Post(generation, message), cts.Token).ConfigureAwait(false);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cts.IsCancellationRequested) { }
                catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
                catch (RpcException e) { player.Fail(generation, $"{e.StatusCode}: {e.Status.Detail}"); }
                catch (Exception e) { player.Fail(generation, e.Message); }
                finally
                {
                    // Disposed here, after the call has ended, never under a running call.
                    cts.Dispose();
                }
            });
        }

        /// <summary>Cancels the running stream (the server frees its work); what arrived keeps playing.</summary>
        public void Stop()
        {
            var cts = cancellation;
            cancellation = null;
            if (cts == null) return;
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream had already ended and its task disposed the source.
            }
        }

        /// <summary>Cancels the stream and blends back to the Animator (seconds; negative: the player's setting).</summary>
        public void Release(float seconds = -1f)
        {
            Stop();
            player.Release(seconds);
        }

        void ShowLicenceOnce(MotionStreamClient client)
        {
            if (ModelInfo != null) return;
            var context = SynchronizationContext.Current;
            string key = address;
            client.GetModelInfoAsync(CancellationToken.None).ContinueWith(t =>
            {
                if (t.Status != TaskStatus.RanToCompletion) return;  // the stream reports connection errors
                var info = t.Result;
                ModelInfo = info;
                bool first;
                lock (licenceShown) first = licenceShown.Add(key + "|" + info.ModelVersion);
                if (!first) return;
                string text = $"DeepMotion server {key}: model {info.ModelVersion}; licence of its weights: {info.Licence}";
                if (context != null) context.Post(_ => Debug.Log(text, this), null);
                else Debug.Log(text);
            });
        }

        void OnDisable() => Stop();

        void OnDestroy() => Stop();
    }
}
