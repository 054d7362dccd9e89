using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using DeepMotion.Bridge.Transport;
using Grpc.Core;
using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Puts prompts from a DeepMotion server on this character. Continuous (the default): the
    /// NPC is a session (MotionSession): Play(prompt) takes over from the pose on screen a
    /// moment later, Enqueue(prompt) plays after what is queued, and when nothing is queued the
    /// idle prompt keeps it moving, so it never ends in a frozen frame. The first prompt starts
    /// from the pose the Animator shows (read back through the inverse retargeter). Each piece
    /// is a separate request carrying the frames it continues, so any server replica can serve
    /// it. Not continuous: one clip per prompt, then back to the Animator (DeepMotionPlayer
    /// decides how). Release() hands the character back at any moment; disabling the component
    /// cancels the stream on the server.
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
        [Tooltip("Seconds of a clip (not continuous); 0 lets the model choose the length")]
        [Range(0f, 10f)] public float duration = 4f;
        [Tooltip("-1 for a new motion every time")]
        public long seed = -1;
        [Tooltip("0 uses the server's default")]
        public float guidanceScale = 0f;
        [Tooltip("Highest level to stream (0 = all)")]
        [Range(0, 3)] public int maxLevel = 0;
        public bool generateOnStart;

        [Header("Session")]
        [Tooltip("Each prompt continues the motion on screen and the NPC never stops; off: one clip per prompt")]
        public bool continuous = true;
        [Tooltip("What the NPC does while nothing is queued; empty: blend back to the Animator when the motion ends")]
        public string idlePrompt = "a person stands and waits without moving their feet";
        [Tooltip("Seconds per generated piece")]
        [Range(1f, 10f)] public float pieceSeconds = 4f;
        [Tooltip("Seconds a new prompt takes over ahead of the playhead (the frames that play while it is generated)")]
        [Range(0.1f, 2f)] public float switchDelaySeconds = 0.4f;
        [Tooltip("The first prompt continues the pose on screen; off: it starts from the model's own first pose")]
        public bool startFromCurrentPose = true;

        DeepMotionPlayer player;
        MotionStreamClient client;
        string clientAddress, clientToken;
        CancellationTokenSource cancellation;
        Task streamTask;
        MotionSession session;
        Task<ModelInfoData> infoTask;
        string waitingPrompt;

        /// <summary>What the server runs (model, skeleton, limits, licence of its weights), once known.</summary>
        public ModelInfoData ModelInfo { get; private set; }
        public DeepMotionPlayer Player => player;
        /// <summary>The running session (continuous), or null.</summary>
        public MotionSession Session => session;
        /// <summary>A stream is open on the server (messages may still arrive).</summary>
        public bool IsStreaming => streamTask != null && !streamTask.IsCompleted;

        void Awake() => player = GetComponent<DeepMotionPlayer>();

        void Start()
        {
            if (generateOnStart) Play();
        }

        /// <summary>Plays `prompt` (see Play(string)).</summary>
        public void Play() => Play(prompt);

        /// <summary>The Generate button: same as Play().</summary>
        public void Generate() => Play(prompt);

        /// <summary>
        /// Continuous: switches to `text` a moment ahead of the playhead, continuing the motion on
        /// screen (the queue stays). Otherwise streams one clip; a clip already running is
        /// cancelled and none of its messages reach this one.
        /// </summary>
        public void Play(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                player.ReportError("prompt: must not be empty");
                return;
            }
            if (!continuous)
            {
                PlayClip(text);
                return;
            }
            if (!EnsureSession()) return;
            if (session.Frames == 0 && !session.InFlight && startFromCurrentPose && ModelInfo == null)
            {
                // The pose on screen needs the server's skeleton: play once ModelInfo is here (Update).
                waitingPrompt = text;
                return;
            }
            Send(session.Play(text));
        }

        /// <summary>Continuous: plays `text` after what plays and what is queued (at once over the idle prompt).</summary>
        public void Enqueue(string text)
        {
            if (!continuous)
            {
                Play(text);
                return;
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                player.ReportError("prompt: must not be empty");
                return;
            }
            if (!EnsureSession()) return;
            session.Enqueue(text);
        }

        void Update()
        {
            if (session == null) return;
            if (player.Playback == null || player.Playback.Session != session)
            {
                // The player was released or started something else: this session is over.
                Stop();
                session = null;
                waitingPrompt = null;
                return;
            }
            if (waitingPrompt != null && (ModelInfo != null || infoTask == null || infoTask.IsCompleted))
            {
                var text = waitingPrompt;
                waitingPrompt = null;
                StartFromPoseOnScreen();
                Send(session.Play(text));
            }
            // The session runs before the player samples it (LateUpdate).
            Send(session.Tick(Time.deltaTime));
        }

        bool EnsureSession()
        {
            if (session != null && player.Playback != null && player.Playback.Session == session) return true;
            session = new MotionSession
            {
                IdlePrompt = idlePrompt ?? "",
                PieceSeconds = pieceSeconds,
                SwitchDelaySeconds = switchDelaySeconds,
                Seed = seed,
                GuidanceScale = guidanceScale,
                MaxLevel = maxLevel,
                CrossFadeSeconds = player.crossFadeSeconds,
            };
            session.Failed += message => player.ReportError(message);
            if (!player.BeginSession(session))
            {
                session = null;
                return false;
            }
            if (!Connect()) return false;
            if (ModelInfo != null) ApplyLimits(ModelInfo);
            return true;
        }

        void ApplyLimits(ModelInfoData info)
        {
            if (session == null) return;
            if (info.Fps > 0f) session.Fps = info.Fps;
            var l = info.Limits;
            if (l.HistoryUsedS > 0f) session.HistorySeconds = l.HistoryUsedS;
            if (l.MinHistoryFrames > 0) session.MinHistoryFrames = l.MinHistoryFrames;
        }

        /// <summary>The avatar's pose as the history of the first piece (the inverse retargeter).</summary>
        void StartFromPoseOnScreen()
        {
            if (!startFromCurrentPose || ModelInfo?.Skeleton == null || player.Player == null) return;
            try
            {
                var retargeter = player.Playback.RetargeterFor(ModelInfo.Skeleton);
                var onScreen = new RetargetedPose(retargeter.Rig.Bones.Length);
                player.Player.ReadPose(onScreen);
                var pose = new MotionPose(ModelInfo.Skeleton.Count);
                retargeter.ToStream(onScreen, pose);
                session.StartFrom(pose);
            }
            catch (ArgumentException e)
            {
                player.ReportError(e.Message);
            }
        }

        /// <summary>Streams one piece of the session; the piece it replaces (if any) is cancelled.</summary>
        void Send(SessionRequest piece)
        {
            if (piece == null) return;
            var s = session;
            Stream(piece.Request, message => s.Post(piece.Piece, message), reason => s.Fail(piece.Piece, reason));
        }

        void PlayClip(string text)
        {
            session = null;
            var request = new GenerateRequestData
            {
                Text = text,
                DurationS = duration,
                GuidanceScale = guidanceScale,
                MaxLevel = (uint)Mathf.Max(0, maxLevel),
                Output = new OutputOptionsData { RootMotion = RootMotionMode.World },
            };
            if (seed >= 0) { request.Seed = (ulong)seed; request.HasSeed = true; }
            if (!Connect()) return;
            int generation = player.BeginStream();
            if (generation < 0) return;
            Stream(request, message => player.Post(generation, message), reason => player.Fail(generation, reason));
        }

        bool Connect()
        {
            if (client != null && clientAddress == address && clientToken == token)
            {
                client.Reconnect = reconnect;
                return true;
            }
            try
            {
                client = new MotionStreamClient(address, token) { Reconnect = reconnect };
            }
            catch (ArgumentException e)
            {
                client = null;
                player.ReportError(e.Message);
                return false;
            }
            clientAddress = address;
            clientToken = token;
            ModelInfo = null;
            FetchModelInfo();
            return true;
        }

        void Stream(GenerateRequestData request, Action<StreamMessage> post, Action<string> fail)
        {
            Stop();
            var cts = new CancellationTokenSource();
            cancellation = cts;
            var c = client;
            streamTask = Task.Run(async () =>
            {
                try
                {
                    await c.StreamAsync(request, post, cts.Token).ConfigureAwait(false);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cts.IsCancellationRequested) { }
                catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
                catch (RpcException e) { fail($"{e.StatusCode}: {e.Status.Detail}"); }
                catch (Exception e) { fail(e.Message); }
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
            session = null;
            waitingPrompt = null;
            player.Release(seconds);
        }

        /// <summary>ModelInfo: the skeleton for the pose on screen, the session's limits, and the licence (logged once per server).</summary>
        void FetchModelInfo()
        {
            var context = SynchronizationContext.Current;
            string key = address;
            var task = client.GetModelInfoAsync(CancellationToken.None);
            infoTask = task;
            task.ContinueWith(t =>
            {
                if (t.Status != TaskStatus.RanToCompletion) return;  // the stream reports connection errors
                var info = t.Result;
                bool first;
                lock (licenceShown) first = licenceShown.Add(key + "|" + info.ModelVersion);
                string text = $"DeepMotion server {key}: model {info.ModelVersion}; licence of its weights: {info.Licence}";
                SendOrPostCallback apply = _ =>
                {
                    if (infoTask != task) return;  // the address changed since
                    ModelInfo = info;
                    ApplyLimits(info);
                    if (first) Debug.Log(text, this);
                };
                if (context != null) context.Post(apply, null);
                else apply(null);
            });
        }

        void OnDisable()
        {
            Stop();
            waitingPrompt = null;
        }

        void OnDestroy() => Stop();
    }
}
