using System;
using DeepMotion.Bridge.Core.Wire;

namespace DeepMotion.Bridge.Core
{
    /// <summary>What the NPC does once a stream has played to its end.</summary>
    public enum EndBehaviour
    {
        /// <summary>Blend back to the Animator over ReleaseSeconds (the NPC is not pinned).</summary>
        BlendToAnimator,
        /// <summary>Keep the last frame until Release() or the next stream.</summary>
        Hold,
    }

    /// <summary>Who drives the bones.</summary>
    public enum PlaybackState
    {
        /// <summary>The Animator (no stream, or one whose first frame has not arrived).</summary>
        Animator,
        /// <summary>A stream plays (fading in at first).</summary>
        Playing,
        /// <summary>The stream ended and its last frame is held (EndBehaviour.Hold).</summary>
        Holding,
        /// <summary>Fading back to the Animator.</summary>
        Releasing,
    }

    /// <summary>
    /// One avatar's playback, engine-free: takes stream messages from any thread, and once per
    /// rendered frame produces the retargeted pose, how much of it to apply over the Animator,
    /// and the root motion of that frame. The Unity components only copy the result onto
    /// transforms, so everything that decides behaviour is here, where tests run outside Unity.
    /// Steady-state ticks allocate nothing (see benchmarks/unity_playback_alloc.cs).
    /// </summary>
    public sealed class MotionPlayback
    {
        readonly HumanoidRig rig;
        readonly StreamInbox inbox = new StreamInbox();
        readonly BlendWeight weight = new BlendWeight(0f);
        readonly RootMotionTracker root = new RootMotionTracker();
        HumanoidRetargeter retargeter;
        MotionSkeleton retargeterSkeleton;
        MotionPose sample;
        MotionSession session;
        int reportedLevel;
        bool completedReported;
        bool streamStarted;

        /// <summary>Seconds a refinement takes to replace the frames it lands on.</summary>
        public float CrossFadeSeconds = 0.25f;
        /// <summary>Seconds from the Animator's pose to the stream's when a stream starts.</summary>
        public float FadeInSeconds = 0.2f;
        /// <summary>Seconds back to the Animator after the end (BlendToAnimator) or on Release().</summary>
        public float ReleaseSeconds = 0.3f;
        public EndBehaviour EndBehaviour = EndBehaviour.BlendToAnimator;

        public MotionPlayback(HumanoidRig rig)
        {
            this.rig = rig ?? throw new ArgumentNullException(nameof(rig));
            Pose = new RetargetedPose(rig.Bones.Length);
        }

        public HumanoidRig Rig => rig;
        public ProgressiveFrameBuffer Buffer { get; private set; }
        public StreamHeaderData Header { get; private set; }
        public PlaybackState State { get; private set; } = PlaybackState.Animator;
        /// <summary>Share of the stream's pose over the Animator's (0..1).</summary>
        public float Weight => weight.Value;
        /// <summary>True when Pose holds a frame to apply (with Weight).</summary>
        public bool HasPose { get; private set; }
        public RetargetedPose Pose { get; }
        /// <summary>Root motion of the last tick and the heading to remove from Pose.</summary>
        public RootMotionTracker Root => root;
        /// <summary>The session this playback samples (BeginSession), or null when it plays single streams.</summary>
        public MotionSession Session => session;
        /// <summary>The stream generation messages must carry (see StreamInbox).</summary>
        public int Generation => inbox.Generation;

        public event Action<int> LevelArrived;
        public event Action Completed;
        public event Action<string> Failed;
        /// <summary>The Animator has the bones back.</summary>
        public event Action Released;

        /// <summary>Starts a new stream: messages of every earlier one are dropped from now on.</summary>
        public int Begin()
        {
            int g = inbox.Begin();
            session = null;
            Buffer = null;
            Header = null;
            reportedLevel = 0;
            completedReported = false;
            streamStarted = false;
            root.Reset();
            return g;
        }

        /// <summary>
        /// Plays a session instead of single streams: its owner ticks it (and sends the requests it
        /// returns) before this playback's Tick samples it. The first frame fades in over the
        /// Animator like a stream; a session with an idle prompt never ends.
        /// </summary>
        public void BeginSession(MotionSession motionSession)
        {
            Begin();
            session = motionSession ?? throw new ArgumentNullException(nameof(motionSession));
        }

        /// <summary>The retargeter between this avatar and a stream skeleton (made once per skeleton).</summary>
        public HumanoidRetargeter RetargeterFor(MotionSkeleton skeleton)
        {
            if (retargeter == null || !MotionSession.SameSkeleton(retargeterSkeleton, skeleton))
            {
                retargeter = new HumanoidRetargeter(skeleton, rig);
                retargeterSkeleton = skeleton;
            }
            return retargeter;
        }

        /// <summary>Thread-safe.</summary>
        public bool Post(int generation, StreamMessage message) => inbox.Post(generation, message);

        /// <summary>Thread-safe: the stream failed; what arrived keeps playing, then the end behaviour applies.</summary>
        public bool Fail(int generation, string reason) => inbox.Fail(generation, reason);

        /// <summary>Hands the bones back to the Animator over `seconds` (ReleaseSeconds when negative), from any state.</summary>
        public void Release(float seconds = -1f)
        {
            inbox.Close();
            Buffer?.End();
            session = null;
            completedReported = true;
            if (State == PlaybackState.Animator) return;
            State = PlaybackState.Releasing;
            weight.FadeTo(0f, seconds < 0f ? ReleaseSeconds : seconds);
        }

        /// <summary>Main thread, once per rendered frame.</summary>
        public void Tick(float deltaTime)
        {
            if (float.IsNaN(deltaTime) || deltaTime < 0f) deltaTime = 0f;
            while (inbox.TryTake(out var message, out var failure))
            {
                if (failure != null)
                {
                    Buffer?.End();
                    Failed?.Invoke(failure);
                    continue;
                }
                try
                {
                    Handle(message);
                }
                catch (Exception e) when (e is ArgumentException || e is WireFormatException)
                {
                    // A stream this avatar cannot play (skeleton mismatch, malformed chunk): report it
                    // once, keep what arrived playing, never throw out of the game loop.
                    Buffer?.End();
                    inbox.Close();
                    Failed?.Invoke(e.Message);
                }
            }
            if (session != null) SampleSession();
            else if (Buffer != null)
            {
                Buffer.Advance(deltaTime);
                if (Buffer.Sample(sample))
                {
                    ShowSample();
                }
                if (Buffer.IsFinished) Finish();
            }
            weight.Tick(deltaTime);
            if (State == PlaybackState.Releasing && weight.Value <= 0f)
            {
                State = PlaybackState.Animator;
                HasPose = false;
                Buffer = null;
                Released?.Invoke();
            }
        }

        void SampleSession()
        {
            if (session.Skeleton == null) return;
            try
            {
                RetargeterFor(session.Skeleton);
            }
            catch (ArgumentException e)
            {
                // A skeleton this avatar cannot play: report it once and stop sampling the session.
                session = null;
                Failed?.Invoke(e.Message);
                return;
            }
            if (sample == null || sample.Rotations.Length != session.Skeleton.Count) sample = new MotionPose(session.Skeleton.Count);
            if (session.Sample(sample)) ShowSample();
            if (session.IsFinished) Finish();
        }

        void ShowSample()
        {
            retargeter.Retarget(sample.Root, sample.Rotations, Pose);
            root.Update(sample.Rotations[0], Pose.HipsPosition);
            HasPose = true;
            if (!streamStarted)
            {
                // The first frame of a stream takes over from whatever drives the bones now
                // (the Animator, or the previous stream mid-release), without a pop.
                streamStarted = true;
                State = PlaybackState.Playing;
                weight.FadeTo(1f, FadeInSeconds);
            }
        }

        void Finish()
        {
            if (completedReported) return;
            completedReported = true;
            Completed?.Invoke();
            if (State == PlaybackState.Playing)
            {
                if (EndBehaviour == EndBehaviour.Hold) State = PlaybackState.Holding;
                else Release();
            }
        }

        void Handle(StreamMessage m)
        {
            switch (m.Kind)
            {
                case StreamMessageKind.Header:
                    var h = m.Header;
                    RetargeterFor(h.Skeleton);
                    sample = new MotionPose(h.Skeleton.Count);
                    Buffer = new ProgressiveFrameBuffer(h.FrameCount, h.Skeleton.Count, h.Fps, CrossFadeSeconds);
                    Header = h;
                    root.Reset();
                    break;
                case StreamMessageKind.Chunk:
                    if (Buffer == null) throw new WireFormatException("a FrameChunk arrived before the StreamHeader");
                    var c = m.Chunk;
                    Buffer.AddChunk(c.Level, c.StartFrame, c.FrameCount, c.RootPositions, c.LocalRotations);
                    int complete = Buffer.CompleteLevel;
                    while (reportedLevel < complete)
                    {
                        reportedLevel++;  // not inside ?.Invoke(...): with no listener the argument is never evaluated
                        LevelArrived?.Invoke(reportedLevel);
                    }
                    break;
                case StreamMessageKind.End:
                    Buffer?.End();
                    break;
            }
        }
    }
}
