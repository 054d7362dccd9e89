using System;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using UnityEngine;
using UnityEngine.Events;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Plays DeepMotion streams on this character's Humanoid avatar: the motion fades in over
    /// the Animator, refinements fade in while it plays, and at the end the character blends back
    /// to its Animator (or holds the last frame). Sources feed it: DeepMotionNpc (a server, needs
    /// the gRPC packages) and DeepMotionReplaySource (a recording, needs nothing).
    /// Bones are written in LateUpdate, after the Animator.
    /// </summary>
    [RequireComponent(typeof(Animator))]
    [AddComponentMenu("DeepMotion/DeepMotion Player")]
    [DisallowMultipleComponent]
    public sealed class DeepMotionPlayer : MonoBehaviour
    {
        [Header("Root motion")]
        [Tooltip("Carry the generated travel and turns to this GameObject; off plays in place")]
        public bool rootMotion = true;
        [Tooltip("What moves the GameObject: its Transform, a CharacterController or a NavMeshAgent on it")]
        public RootMotionTarget rootMotionTarget = RootMotionTarget.Transform;

        [Header("Blending")]
        [Tooltip("Seconds a refinement takes to replace the coarser frames it lands on")]
        [Range(0f, 1f)] public float crossFadeSeconds = 0.25f;
        [Tooltip("Seconds from the Animator's pose to the stream's when a stream starts")]
        [Range(0f, 2f)] public float fadeInSeconds = 0.2f;
        [Tooltip("At the end of a stream: blend back to the Animator, or hold the last frame until Release()")]
        public EndBehaviour endBehaviour = EndBehaviour.BlendToAnimator;
        [Tooltip("Seconds back to the Animator at the end or on Release()")]
        [Range(0f, 2f)] public float releaseSeconds = 0.3f;

        [Header("Events")]
        public UnityEvent<int> onLevelArrived = new UnityEvent<int>();
        public UnityEvent onCompleted = new UnityEvent();
        public UnityEvent<string> onError = new UnityEvent<string>();
        public UnityEvent onReleased = new UnityEvent();

        StreamPlayer player;
        string setupError;
        bool setupErrorReported;

        /// <summary>Null when the avatar cannot be driven (see SetupError).</summary>
        public StreamPlayer Player => player;
        public MotionPlayback Playback => player?.Playback;
        /// <summary>Why this character cannot play streams (not a Humanoid, bones missing), or null.</summary>
        public string SetupError => setupError;
        public bool IsPlaying => player != null && player.Playback.State != PlaybackState.Animator;

        void Awake()
        {
            var animator = GetComponent<Animator>();
            try
            {
                player = new StreamPlayer(animator);
            }
            catch (ArgumentException e)
            {
                setupError = e.Message;
                return;
            }
            player.Playback.LevelArrived += level => onLevelArrived.Invoke(level);
            player.Playback.Completed += () => onCompleted.Invoke();
            player.Playback.Failed += message => onError.Invoke(message);
            player.Playback.Released += () => onReleased.Invoke();
        }

        void Start()
        {
            if (setupError != null) ReportSetupError();
        }

        /// <summary>
        /// Opens a new stream and returns its generation: Post and Fail with it from any thread.
        /// Messages of earlier streams are dropped from now on. Returns -1 (and reports through
        /// onError) when this character cannot be driven.
        /// </summary>
        public int BeginStream()
        {
            if (!Configure()) return -1;
            return player.Playback.Begin();
        }

        /// <summary>
        /// Plays a session (DeepMotionNpc in continuous mode): its owner ticks it in Update and
        /// this player samples it in LateUpdate. False (reported through onError) when this
        /// character cannot be driven.
        /// </summary>
        public bool BeginSession(MotionSession session)
        {
            if (!Configure()) return false;
            player.Playback.BeginSession(session);
            return true;
        }

        bool Configure()
        {
            if (player == null)
            {
                ReportSetupError();
                return false;
            }
            player.RootMotion = rootMotion;
            player.RootMotionTarget = rootMotionTarget;
            var p = player.Playback;
            p.CrossFadeSeconds = crossFadeSeconds;
            p.FadeInSeconds = fadeInSeconds;
            p.EndBehaviour = endBehaviour;
            p.ReleaseSeconds = releaseSeconds;
            return true;
        }

        /// <summary>Thread-safe: one message of the stream `generation`.</summary>
        public void Post(int generation, StreamMessage message) => player?.Playback.Post(generation, message);

        /// <summary>Thread-safe: the stream `generation` failed; what arrived plays on, onError reports it.</summary>
        public void Fail(int generation, string reason) => player?.Playback.Fail(generation, reason);

        /// <summary>Main thread: reports a problem through onError (and the console once).</summary>
        public void ReportError(string message)
        {
            Debug.LogWarning($"{name}: {message}", this);
            onError.Invoke(message);
        }

        /// <summary>Hands the bones back to the Animator over releaseSeconds (negative: the component's setting).</summary>
        public void Release(float seconds = -1f) => player?.Playback.Release(seconds < 0f ? releaseSeconds : seconds);

        /// <summary>Plays a recording right away, all of it delivered at once (DeepMotionReplaySource keeps the timing).</summary>
        public void PlayRecording(byte[] recording, string source = "recording")
        {
            int generation = BeginStream();
            if (generation < 0) return;
            try
            {
                foreach (var r in RecordingReader.Parse(recording, source)) Post(generation, r.Message);
            }
            catch (RecordingFormatException e)
            {
                ReportError(e.Message);
            }
        }

        void ReportSetupError()
        {
            if (setupErrorReported) return;
            setupErrorReported = true;
            Debug.LogError($"{name}: DeepMotion cannot drive this character: {setupError}", this);
            onError.Invoke(setupError);
        }

        void LateUpdate() => player?.Tick(Time.deltaTime);

        void OnDisable() => player?.Playback.Release(0f);
    }
}
