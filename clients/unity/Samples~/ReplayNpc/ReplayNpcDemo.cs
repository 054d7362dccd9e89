using DeepMotion.Bridge.Core;
using UnityEngine;

namespace DeepMotion.Bridge.Samples
{
    /// <summary>
    /// Builds a stick-figure NPC where this GameObject stands and plays the bundled recording on
    /// it in a loop, with its original timing: level 1 first, refinements fading in, root motion
    /// carried to the NPC, then a blend back to the Animator. No server, no gRPC packages.
    /// Put your own Humanoid character in its place: add DeepMotion Player and DeepMotion Replay
    /// Source to it and drop the recording into the source.
    /// </summary>
    public sealed class ReplayNpcDemo : MonoBehaviour
    {
        [Tooltip("A .dmrec recording renamed to .bytes (or use DeepMotionReplaySource.recording with a .dmrec asset)")]
        public TextAsset recording;
        public bool rootMotion = true;
        [Tooltip("Start again once the NPC is back with its Animator")]
        public bool loop = true;
        [Tooltip("Add a ground plane under the NPC (the sample scene has none of its own)")]
        public bool createGround = true;

        void Start()
        {
            if (createGround)
            {
                var ground = GameObject.CreatePrimitive(PrimitiveType.Plane);
                ground.name = "Ground";
                ground.transform.position = transform.position;
                ground.transform.localScale = new Vector3(3f, 1f, 3f);
            }
            var npc = StickFigure.Build("DemoNpc");
            npc.transform.SetPositionAndRotation(transform.position, transform.rotation);
            var player = npc.AddComponent<DeepMotionPlayer>();
            player.rootMotion = rootMotion;
            player.endBehaviour = EndBehaviour.BlendToAnimator;
            player.onLevelArrived.AddListener(level => Debug.Log($"ReplayNpcDemo: level {level} covers the whole clip"));
            player.onError.AddListener(message => Debug.LogError("ReplayNpcDemo: " + message));
            var source = npc.AddComponent<DeepMotionReplaySource>();
            source.recordingBytes = recording;
            source.loop = loop;
        }
    }
}
