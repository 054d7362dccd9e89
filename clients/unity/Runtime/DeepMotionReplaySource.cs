using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Plays a recorded stream (.dmrec, saved by `deepmotion-client generate --record` and
    /// imported as a TextAsset by renaming it to .bytes) on this NPC, no server needed: for
    /// level design, tests and demos that must run offline.
    /// </summary>
    [RequireComponent(typeof(DeepMotionNpc))]
    [AddComponentMenu("DeepMotion/DeepMotion Replay Source")]
    public sealed class DeepMotionReplaySource : MonoBehaviour
    {
        [Tooltip("A .dmrec file renamed to .bytes")]
        public TextAsset recording;
        [Tooltip("Deliver responses at their recorded arrival times (shows the progressive refinement)")]
        public bool realTime = true;
        public bool playOnStart = true;

        void Start()
        {
            if (playOnStart) Play();
        }

        public void Play()
        {
            if (recording == null)
            {
                Debug.LogError($"{name}: DeepMotionReplaySource.recording is not set", this);
                return;
            }
            GetComponent<DeepMotionNpc>().PlayRecording(recording.bytes, realTime);
        }
    }
}
