using System;
using System.Collections.Generic;
using DeepMotion.Bridge.Core.Wire;

namespace DeepMotion.Bridge.Core
{
    /// <summary>A piece the session wants generated: send Request, then Post its messages tagged with Piece.</summary>
    public sealed class SessionRequest
    {
        public int Piece;
        /// <summary>Session frame the piece's first frame replaces; History holds the frames before it.</summary>
        public int SwitchFrame;
        public string Text;
        /// <summary>The idle prompt filling a gap (a queued or played prompt takes over from it at once).</summary>
        public bool Idle;
        public GenerateRequestData Request;
    }

    /// <summary>One generated piece of a session, placed at its switch frame.</summary>
    public sealed class SessionPiece
    {
        public string Text;
        public bool Idle;
        public int SwitchFrame;
        /// <summary>Null until the piece's StreamHeader arrives.</summary>
        public ProgressiveFrameBuffer Buffer;
        /// <summary>Frames of this piece that play; a later piece replaces the rest.</summary>
        public int Limit = int.MaxValue;
        public int Available => Buffer == null ? 0 : Math.Min(Limit, Buffer.ContiguousFrames);
        public int End => SwitchFrame + Available;
    }

    /// <summary>
    /// One character's unbounded motion, engine-free: the Unity side of the Python client's
    /// MotionSession (deepmotion_client/session.py), making the same decisions so both stitch a
    /// scripted session identically (Tests/Editor/SessionTests.cs holds them to it).
    ///
    /// Why in the client: the server is stateless (any replica serves any piece), and only the
    /// client knows what is on screen. The session keeps a lead of generated frames ahead of its
    /// playhead. Play(prompt) switches a little ahead of the playhead (SwitchDelaySeconds: the
    /// frames that still play while the piece is generated) and sends the frames up to the
    /// switch as history; the new piece continues them and replaces what came after. Enqueue
    /// plays prompts one after another; when the lead runs low and nothing is queued the idle
    /// prompt continues the motion, so it never ends in a frozen frame. Before anything has
    /// streamed, StartFrom(pose) makes the pose on screen the history of the first piece.
    /// One piece is in flight at a time: a new request cancels the one before (its late
    /// messages are dropped, what arrived of it keeps playing up to the new switch).
    /// </summary>
    public sealed class MotionSession
    {
        readonly StreamInbox inbox = new StreamInbox();
        readonly List<SessionPiece> pieces = new List<SessionPiece>();
        readonly Queue<string> queue = new Queue<string>();
        SessionPiece current;     // the piece of the inbox's generation, until its stream ends
        bool currentActive;       // its first frames have arrived and it plays
        MotionPose startPose;
        MotionPose scratchB, fadeFrom;
        float fadeStart = float.NegativeInfinity;
        float clock;
        float retryAt;
        int requested;
        bool stalled;

        public float Fps = 20f;
        public string IdlePrompt = "a person stands and waits without moving their feet";
        /// <summary>Seconds per generated piece.</summary>
        public float PieceSeconds = 4f;
        /// <summary>Ask for more when less than this is left ahead of the playhead.</summary>
        public float LeadSeconds = 1.2f;
        /// <summary>A played prompt takes over this far ahead of the playhead.</summary>
        public float SwitchDelaySeconds = 0.4f;
        /// <summary>Seconds of history sent (ModelInfo limits: history_used_s).</summary>
        public float HistorySeconds = 0.8f;
        /// <summary>ModelInfo limits: min_history_frames (a still pose is repeated up to it).</summary>
        public int MinHistoryFrames = 8;
        /// <summary>Seconds before asking again after a piece failed.</summary>
        public float RetrySeconds = 1f;
        /// <summary>Seconds a refinement, or a piece that arrives after its switch frame has played, takes to fade in.</summary>
        public float CrossFadeSeconds = 0.25f;
        /// <summary>Seed of the first piece (piece k: Seed + k); negative: a new motion every time.</summary>
        public long Seed = -1;
        public float GuidanceScale;
        public int MaxLevel;

        public MotionSession(MotionSkeleton skeleton = null)
        {
            if (skeleton != null) UseSkeleton(skeleton);
        }

        /// <summary>The stream skeleton: given, from ModelInfo, or from the first StreamHeader.</summary>
        public MotionSkeleton Skeleton { get; private set; }
        public IReadOnlyList<SessionPiece> Pieces => pieces;
        /// <summary>Session frames [0, Frames) have arrived (older ones may have been dropped, see FirstFrame).</summary>
        public int Frames => pieces.Count == 0 ? 0 : pieces[pieces.Count - 1].End;
        /// <summary>Frames before this were dropped (more than the history behind the playhead).</summary>
        public int FirstFrame => pieces.Count == 0 ? 0 : pieces[0].SwitchFrame;
        public double PlayheadFrames { get; private set; }
        public double PlayheadSeconds => PlayheadFrames / Fps;
        /// <summary>Generated frames ahead of the playhead, seconds.</summary>
        public double LeadAheadSeconds => Math.Max(0.0, Frames - 1 - PlayheadFrames) / Fps;
        /// <summary>Times the playhead reached the last frame before the next had arrived.</summary>
        public int Underruns { get; private set; }
        /// <summary>Pieces whose first frames arrived after their switch frame had played (faded in).</summary>
        public int LateSwitches { get; private set; }
        public bool InFlight => current != null;
        public int Queued => queue.Count;
        /// <summary>Nothing plays, nothing is queued or in flight, and the idle prompt is empty: the motion has ended.</summary>
        public bool IsFinished => Frames > 0 && current == null && queue.Count == 0 && string.IsNullOrEmpty(IdlePrompt) &&
                                  PlayheadFrames >= Frames - 1;

        /// <summary>A piece's first frames arrived and it plays from its switch frame.</summary>
        public event Action<SessionPiece> PieceStarted;
        /// <summary>A piece failed (server error, cancelled transport, a stream this session cannot play).</summary>
        public event Action<string> Failed;

        /// <summary>The pose on screen, as the history of the first piece while nothing has streamed.</summary>
        public void StartFrom(MotionPose pose)
        {
            if (pose == null) throw new ArgumentNullException(nameof(pose));
            if (Skeleton != null && pose.Rotations.Length != Skeleton.Count)
                throw new ArgumentException($"pose: {pose.Rotations.Length} rotations, the skeleton has {Skeleton.Count} joints");
            startPose = new MotionPose(pose.Rotations.Length);
            startPose.CopyFrom(pose);
        }

        /// <summary>Switch to `prompt` soon, continuing what is about to play; cancels a piece in flight.</summary>
        public SessionRequest Play(string prompt)
        {
            if (string.IsNullOrWhiteSpace(prompt)) throw new ArgumentException("prompt: must not be empty", nameof(prompt));
            return Request(prompt, false, SwitchSoon());
        }

        /// <summary>Play `prompt` after what plays and what is queued (at once when only the idle prompt plays).</summary>
        public void Enqueue(string prompt)
        {
            if (string.IsNullOrWhiteSpace(prompt)) throw new ArgumentException("prompt: must not be empty", nameof(prompt));
            queue.Enqueue(prompt);
        }

        public void ClearQueue() => queue.Clear();

        /// <summary>Thread-safe: a message of piece `piece` (dropped when a later piece was requested since).</summary>
        public bool Post(int piece, StreamMessage message) => inbox.Post(piece, message);

        /// <summary>Thread-safe: piece `piece` failed; what arrived of it plays on.</summary>
        public bool Fail(int piece, string reason) => inbox.Fail(piece, reason);

        /// <summary>
        /// Main thread, once per rendered frame: takes the messages that arrived, moves the playhead
        /// (holding on underrun), and returns the next piece to request when the lead runs low or a
        /// queued prompt can take over from the idle prompt; null when nothing is needed.
        /// </summary>
        public SessionRequest Tick(float dt)
        {
            if (float.IsNaN(dt) || dt < 0f) dt = 0f;
            Drain();
            clock += dt;
            foreach (var p in pieces) p.Buffer?.AdvanceClock(dt);
            Advance(dt);
            Prune();
            if (clock < retryAt) return null;
            // A queued prompt takes over from the idle prompt (playing or in flight) at once.
            bool idleOnly = current == null ? pieces.Count == 0 || pieces[pieces.Count - 1].Idle : current.Idle;
            if (queue.Count > 0 && idleOnly) return Request(queue.Dequeue(), false, SwitchSoon());
            if (current != null) return null;
            if (Frames == 0 || Frames - PlayheadFrames >= LeadSeconds * Fps) return null;
            if (queue.Count > 0) return Request(queue.Dequeue(), false, Frames);
            if (string.IsNullOrEmpty(IdlePrompt)) return null;
            return Request(IdlePrompt, true, Frames);
        }

        /// <summary>The pose at the playhead (interpolated, fades applied); false before the first frame.</summary>
        public bool Sample(MotionPose output)
        {
            if (Frames == 0) return false;
            EnsureScratch(output.Rotations.Length);
            int f0 = (int)Math.Floor(PlayheadFrames);
            float t = (float)(PlayheadFrames - f0);
            if (!Frame(f0, output)) return false;
            if (t > 0f && Frame(f0 + 1, scratchB)) output.Blend(output, scratchB, t);
            float w = CrossFadeSeconds <= 0f ? 1f : Math.Min(1f, (clock - fadeStart) / CrossFadeSeconds);
            if (w < 1f) output.Blend(fadeFrom, output, Math.Max(0f, w));
            return true;
        }

        /// <summary>Session frame f as it shows now (crossFaded) or at its newest level; false when not held.</summary>
        public bool Frame(int f, MotionPose into, bool crossFaded = true)
        {
            for (int i = pieces.Count - 1; i >= 0; i--)
            {
                var p = pieces[i];
                if (f >= p.SwitchFrame && f < p.End) return p.Buffer.Frame(f - p.SwitchFrame, into, crossFaded);
            }
            return false;
        }

        /// <summary>Frames [from, to) at their newest level, the way a request carries them.</summary>
        public MotionFramesData CopyFrames(int from, int to)
        {
            int joints = Skeleton?.Count ?? startPose.Rotations.Length;
            var data = new MotionFramesData
            {
                FrameCount = to - from,
                RootPositions = new float[3 * (to - from)],
                LocalRotations = new float[4 * joints * (to - from)],
            };
            var pose = new MotionPose(joints);
            for (int f = from; f < to; f++)
            {
                if (!Frame(f, pose, false)) throw new InvalidOperationException($"session frame {f} is not held");
                Write(pose, data, f - from);
            }
            return data;
        }

        int SwitchSoon() => Math.Min(Frames, (int)Math.Ceiling(PlayheadFrames - 1e-4) + (int)Math.Round(SwitchDelaySeconds * Fps));

        SessionRequest Request(string text, bool idle, int switchFrame)
        {
            int piece = inbox.Begin();  // the piece in flight (if any) is cancelled: its late messages are dropped
            current?.Buffer?.End();
            int index = requested++;
            current = new SessionPiece { Text = text, Idle = idle, SwitchFrame = switchFrame };
            currentActive = false;
            var request = new GenerateRequestData
            {
                RequestId = $"session-{index}.{switchFrame}",
                Text = text,
                DurationS = PieceSeconds,
                GuidanceScale = GuidanceScale,
                MaxLevel = (uint)Math.Max(0, MaxLevel),
                Output = new OutputOptionsData { RootMotion = RootMotionMode.World },
                History = History(switchFrame),
            };
            if (Seed >= 0) { request.Seed = (ulong)(Seed + index); request.HasSeed = true; }
            return new SessionRequest { Piece = piece, SwitchFrame = switchFrame, Text = text, Idle = idle, Request = request };
        }

        MotionFramesData History(int switchFrame)
        {
            int from = Math.Max(FirstFrame, switchFrame - (int)Math.Round(HistorySeconds * Fps));
            if (switchFrame > from)
            {
                var data = CopyFrames(from, switchFrame);
                return data.FrameCount >= MinHistoryFrames ? data : PadFront(data, MinHistoryFrames);
            }
            if (startPose == null) return null;
            // A still pose: the model continues from standing in it.
            var still = new MotionFramesData
            {
                FrameCount = 1,
                RootPositions = new float[3],
                LocalRotations = new float[4 * startPose.Rotations.Length],
            };
            Write(startPose, still, 0);
            return PadFront(still, Math.Max(1, MinHistoryFrames));
        }

        static MotionFramesData PadFront(MotionFramesData data, int frames)
        {
            int pad = frames - data.FrameCount;
            if (pad <= 0) return data;
            int rq = data.LocalRotations.Length / data.FrameCount;
            var root = new float[3 * frames];
            var rot = new float[rq * frames];
            for (int f = 0; f < pad; f++)
            {
                Array.Copy(data.RootPositions, 0, root, 3 * f, 3);
                Array.Copy(data.LocalRotations, 0, rot, rq * f, rq);
            }
            Array.Copy(data.RootPositions, 0, root, 3 * pad, data.RootPositions.Length);
            Array.Copy(data.LocalRotations, 0, rot, rq * pad, data.LocalRotations.Length);
            return new MotionFramesData { FrameCount = frames, RootPositions = root, LocalRotations = rot };
        }

        static void Write(MotionPose pose, MotionFramesData data, int f)
        {
            data.RootPositions[3 * f] = pose.Root.X;
            data.RootPositions[3 * f + 1] = pose.Root.Y;
            data.RootPositions[3 * f + 2] = pose.Root.Z;
            int o = 4 * pose.Rotations.Length * f;
            foreach (var q in pose.Rotations)
            {
                data.LocalRotations[o++] = q.X;
                data.LocalRotations[o++] = q.Y;
                data.LocalRotations[o++] = q.Z;
                data.LocalRotations[o++] = q.W;
            }
        }

        void Drain()
        {
            while (inbox.TryTake(out var message, out var failure))
            {
                if (current == null) continue;
                if (failure != null)
                {
                    EndCurrent();
                    retryAt = clock + RetrySeconds;
                    Failed?.Invoke(failure);
                    continue;
                }
                try
                {
                    Handle(message);
                }
                catch (Exception e) when (e is ArgumentException || e is WireFormatException)
                {
                    // A piece this session cannot play: report it, keep what plays, never throw into the game loop.
                    inbox.Close();
                    EndCurrent();
                    retryAt = clock + RetrySeconds;
                    Failed?.Invoke(e.Message);
                }
            }
        }

        void Handle(StreamMessage m)
        {
            switch (m.Kind)
            {
                case StreamMessageKind.Header:
                    var h = m.Header;
                    if (Skeleton == null) UseSkeleton(h.Skeleton);
                    else if (!SameSkeleton(Skeleton, h.Skeleton))
                        throw new ArgumentException("skeleton: a piece's skeleton differs from the session's (a different model?)");
                    if (Math.Abs(h.Fps - Fps) > 1e-3f)
                        throw new ArgumentException($"fps: a piece at {h.Fps} fps in a session at {Fps} fps");
                    current.Buffer = new ProgressiveFrameBuffer(h.FrameCount, h.Skeleton.Count, h.Fps, CrossFadeSeconds);
                    break;
                case StreamMessageKind.Chunk:
                    if (current.Buffer == null) throw new WireFormatException("a FrameChunk arrived before the StreamHeader");
                    var c = m.Chunk;
                    current.Buffer.AddChunk(c.Level, c.StartFrame, c.FrameCount, c.RootPositions, c.LocalRotations);
                    if (!currentActive && current.Buffer.ContiguousFrames > 0) Activate(current);
                    break;
                case StreamMessageKind.End:
                    EndCurrent();
                    break;
            }
        }

        void Activate(SessionPiece piece)
        {
            currentActive = true;
            int s = piece.SwitchFrame;
            if (Frames > 0 && PlayheadFrames > s)
            {
                // Its switch frame has played already: fade from the pose on screen.
                EnsureScratch(Skeleton.Count);
                if (fadeFrom == null || fadeFrom.Rotations.Length != Skeleton.Count) fadeFrom = new MotionPose(Skeleton.Count);
                Sample(fadeFrom);
                fadeStart = clock;
                LateSwitches++;
            }
            foreach (var p in pieces)
                if (p.End > s) p.Limit = Math.Max(0, s - p.SwitchFrame);
            pieces.Add(piece);
            if (Frames - 1 > PlayheadFrames) stalled = false;
            PieceStarted?.Invoke(piece);
        }

        void EndCurrent()
        {
            current?.Buffer?.End();
            current = null;
            currentActive = false;
        }

        void Advance(float dt)
        {
            if (Frames == 0) return;
            double want = PlayheadFrames + dt * (double)Fps;
            double limit = Frames - 1;
            if (want <= limit)
            {
                PlayheadFrames = want;
                stalled = false;
                return;
            }
            if (!stalled && dt > 0f && !IsFinished) Underruns++;
            stalled = true;
            PlayheadFrames = limit;
        }

        /// <summary>Drops pieces that ended more than the history before the playhead: a session runs unbounded.</summary>
        void Prune()
        {
            int keep = (int)Math.Floor(PlayheadFrames) - (int)Math.Round(HistorySeconds * Fps) - 2;
            while (pieces.Count > 1 && pieces[0].End <= keep) pieces.RemoveAt(0);
            while (pieces.Count > 1 && pieces[0].Available == 0) pieces.RemoveAt(0);
        }

        void UseSkeleton(MotionSkeleton skeleton)
        {
            Skeleton = skeleton;
            if (startPose != null && startPose.Rotations.Length != skeleton.Count) startPose = null;
        }

        void EnsureScratch(int joints)
        {
            if (scratchB == null || scratchB.Rotations.Length != joints) scratchB = new MotionPose(joints);
        }

        internal static bool SameSkeleton(MotionSkeleton a, MotionSkeleton b)
        {
            if (a == null || b == null || a.Count != b.Count) return false;
            for (int j = 0; j < a.Count; j++)
                if (a.Names[j] != b.Names[j] || a.Parents[j] != b.Parents[j] || a.Offsets[j] != b.Offsets[j]) return false;
            return true;
        }
    }
}
