using DeepMotion.Bridge.Core;
using UnityEngine;
#if DEEPMOTION_NAVMESH
using UnityEngine.AI;
#endif

namespace DeepMotion.Bridge
{
    /// <summary>Who carries the stream's root motion.</summary>
    public enum RootMotionTarget
    {
        /// <summary>Writes transform.position and rotation.</summary>
        Transform,
        /// <summary>CharacterController.Move (collisions, slopes; gravity stays yours).</summary>
        CharacterController,
        /// <summary>NavMeshAgent.Move (stays on the navmesh). Needs the AI module.</summary>
        NavMeshAgent,
    }

    /// <summary>
    /// Copies a MotionPlayback result onto an avatar's transforms, after the Animator has posed
    /// them (LateUpdate): the stream's pose blended over the Animator's by the playback weight,
    /// root motion as deltas through the chosen target. Allocation-free per frame.
    /// </summary>
    public sealed class StreamPlayer
    {
        readonly Transform avatarRoot;
        readonly Transform[] bones;
        readonly Quaternion[] animatorRotations;
        readonly Vector3 restHips;
        CharacterController controller;
#if DEEPMOTION_NAVMESH
        NavMeshAgent agent;
#endif

        public MotionPlayback Playback { get; }
        public bool RootMotion = true;
        public RootMotionTarget RootMotionTarget = RootMotionTarget.Transform;

        public StreamPlayer(Animator animator)
        {
            avatarRoot = animator.transform;
            var rig = AvatarRig.Build(animator, out bones);
            animatorRotations = new Quaternion[bones.Length];
            var h = rig.Bones[0].LocalPosition;
            restHips = new Vector3(h.X, h.Y, h.Z);
            Playback = new MotionPlayback(rig);
        }

        /// <summary>Main thread, LateUpdate: advance the stream and write the bones.</summary>
        public void Tick(float deltaTime)
        {
            Playback.Tick(deltaTime);
            if (!Playback.HasPose) return;
            float w = Playback.Weight;
            var pose = Playback.Pose;
            var heading = Quaternion.identity;
            if (RootMotion)
            {
                var root = Playback.Root;
                heading = ToUnity(root.HeadingInverse);
                var step = avatarRoot.TransformVector(new Vector3(root.Delta.X, 0f, root.Delta.Z) * w);
                var turn = Quaternion.AngleAxis(root.YawDelta * w, Vector3.up);
                Move(step, turn);
            }
            // Hips: height from the stream; across the ground the GameObject carries the travel.
            var hipsLocal = new Vector3(restHips.x, pose.HipsPosition.Y, restHips.z);
            var frame = avatarRoot.rotation * heading;
            for (int i = 0; i < bones.Length; i++) animatorRotations[i] = bones[i].rotation;
            bones[0].position = Vector3.Lerp(bones[0].position, avatarRoot.TransformPoint(hipsLocal), w);
            for (int i = 0; i < bones.Length; i++)
            {
                var q = pose.WorldRotations[i];
                var target = frame * new Quaternion(q.X, q.Y, q.Z, q.W);
                bones[i].rotation = w >= 1f ? target : Quaternion.Slerp(animatorRotations[i], target, w);
            }
        }

        /// <summary>The pose the bones show now, in the avatar's root space (what the inverse
        /// retargeter turns into a session's first history).</summary>
        public void ReadPose(RetargetedPose into)
        {
            var inverse = Quaternion.Inverse(avatarRoot.rotation);
            for (int i = 0; i < bones.Length; i++)
            {
                var q = inverse * bones[i].rotation;
                into.WorldRotations[i] = new System.Numerics.Quaternion(q.x, q.y, q.z, q.w);
            }
            var hips = avatarRoot.InverseTransformPoint(bones[0].position);
            into.HipsPosition = new System.Numerics.Vector3(hips.x, hips.y, hips.z);
        }

        void Move(Vector3 step, Quaternion turn)
        {
            switch (RootMotionTarget)
            {
                case RootMotionTarget.CharacterController:
                    if (controller == null) controller = avatarRoot.GetComponent<CharacterController>();
                    if (controller != null && controller.enabled) controller.Move(step);
                    else avatarRoot.position += step;
                    break;
#if DEEPMOTION_NAVMESH
                case RootMotionTarget.NavMeshAgent:
                    if (agent == null) agent = avatarRoot.GetComponent<NavMeshAgent>();
                    if (agent != null && agent.enabled && agent.isOnNavMesh) agent.Move(step);
                    else avatarRoot.position += step;
                    break;
#endif
                default:
                    avatarRoot.position += step;
                    break;
            }
            avatarRoot.rotation = avatarRoot.rotation * turn;
        }

        static Quaternion ToUnity(System.Numerics.Quaternion q) => new Quaternion(q.X, q.Y, q.Z, q.W);
    }
}
