using System;
using System.Threading;
using System.Threading.Tasks;
using DeepMotion.Bridge.Core.Wire;
using DeepMotion.Bridge.Transport;
using DeepMotion.Bridge.V1;
using Grpc.Core;
using UnityEngine;
using UnityEngine.Events;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Drop on an NPC with a Humanoid Animator: Generate() streams the prompt from a DeepMotion
    /// server and the NPC moves as soon as the first level arrives, refining while it plays.
    /// Bones are written in LateUpdate, after the Animator, so the stream wins for as long as
    /// it plays. Disabling or destroying the component cancels the stream on the server.
    /// </summary>
    [RequireComponent(typeof(Animator))]
    [AddComponentMenu("DeepMotion/DeepMotion NPC")]
    public sealed class DeepMotionNpc : MonoBehaviour
    {
        [Header("Server")]
        [Tooltip("http://host:port for cleartext HTTP/2, https://host:port for TLS")]
        public string address = "http://127.0.0.1:50051";
        [Tooltip("Bearer token when the server was started with --token")]
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

        [Header("Playback")]
        [Tooltip("Move this GameObject along the generated path; off keeps the NPC in place")]
        public bool rootMotion = true;
        [Range(0f, 1f)] public float crossFadeSeconds = 0.25f;
        public bool generateOnStart;

        [Header("Events")]
        public UnityEvent<int> onLevelArrived = new UnityEvent<int>();
        public UnityEvent onCompleted = new UnityEvent();
        public UnityEvent<string> onError = new UnityEvent<string>();

        StreamPlayer player;
        CancellationTokenSource cancellation;

        public StreamPlayer Player => player;
        public bool IsStreaming => cancellation != null;

        void Awake()
        {
            player = new StreamPlayer(GetComponent<Animator>());
            player.LevelArrived += level => onLevelArrived.Invoke(level);
            player.Completed += () => onCompleted.Invoke();
            player.Failed += message => onError.Invoke(message);
        }

        void Start()
        {
            if (generateOnStart) Generate();
        }

        /// <summary>Starts streaming `prompt`; a stream already running is cancelled first.</summary>
        public void Generate()
        {
            Stop();
            Prepare();
            var request = new GenerateRequest
            {
                Text = prompt ?? "",
                DurationS = duration,
                GuidanceScale = guidanceScale,
                MaxLevel = (uint)Mathf.Max(0, maxLevel),
                Output = new OutputOptions { RootMotion = V1.RootMotion.World },
            };
            if (seed >= 0) { request.Seed = (ulong)seed; request.HasSeed = true; }
            MotionStreamClient client;
            try
            {
                client = new MotionStreamClient(address, token) { Reconnect = reconnect };
            }
            catch (ArgumentException e)
            {
                onError.Invoke(e.Message);
                return;
            }
            var cts = cancellation = new CancellationTokenSource();
            Task.Run(async () =>
            {
                try
                {
                    await client.StreamAsync(request, player.Post, cts.Token);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cts.IsCancellationRequested) { }
                catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
                catch (RpcException e) { player.Fail($"{e.StatusCode}: {e.Status.Detail}"); }
                catch (Exception e) { player.Fail(e.Message); }
                finally { client.Dispose(); }
            });
        }

        /// <summary>Plays a .dmrec recording (bytes of a TextAsset) without a server.</summary>
        public void PlayRecording(byte[] recording, bool realTime = true)
        {
            Stop();
            Prepare();
            System.Collections.Generic.List<RecordedMessage> records;
            try
            {
                records = RecordingReader.Parse(recording, "recording");
            }
            catch (RecordingFormatException e)
            {
                onError.Invoke(e.Message);
                return;
            }
            var cts = cancellation = new CancellationTokenSource();
            Task.Run(async () =>
            {
                var start = DateTime.UtcNow;
                foreach (var r in records)
                {
                    if (realTime)
                    {
                        var wait = TimeSpan.FromSeconds(r.ArrivalSeconds) - (DateTime.UtcNow - start);
                        if (wait > TimeSpan.Zero) await Task.Delay(wait, cts.Token).ConfigureAwait(false);
                    }
                    if (cts.IsCancellationRequested) return;
                    player.Post(r.Message);
                }
            }, cts.Token);
        }

        /// <summary>Cancels the running stream (the server frees its work); frames already received keep playing.</summary>
        public void Stop()
        {
            if (cancellation == null) return;
            cancellation.Cancel();
            cancellation.Dispose();
            cancellation = null;
        }

        void Prepare()
        {
            player.Reset();
            player.RootMotion = rootMotion;
            player.CrossFadeSeconds = crossFadeSeconds;
        }

        void LateUpdate()
        {
            player?.Tick(Time.deltaTime);
            if (cancellation != null && player.Buffer != null && player.Buffer.Ended) Stop();
        }

        void OnDisable() => Stop();

        void OnDestroy() => Stop();
    }
}
