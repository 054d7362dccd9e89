using System;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// Turns the stream's root path into per-tick deltas an engine can consume: a step in the
    /// character's own heading frame and a turn about +Y, both in Unity's (avatar-space)
    /// convention.
    ///
    /// Why deltas instead of positions: a CharacterController or NavMeshAgent must do the
    /// moving (collisions, navmesh), the GameObject may have been moved by gameplay between
    /// prompts, and a scaled character must travel a scaled distance. The heading comes from the
    /// hips' left axis (like dm-v1), which stays level when the character bows.
    /// </summary>
    public sealed class RootMotionTracker
    {
        bool started;
        Vector3 lastHips;
        float lastYaw;

        /// <summary>Horizontal step since the last update, in the previous heading frame (avatar units, Unity axes).</summary>
        public Vector3 Delta { get; private set; }
        /// <summary>Turn since the last update, degrees about +Y (Unity: positive turns right).</summary>
        public float YawDelta { get; private set; }
        /// <summary>Heading of the current sample, degrees about +Y (Unity convention).</summary>
        public float Yaw { get; private set; }
        /// <summary>Rotates avatar-space stream rotations into the current heading frame.</summary>
        public Quaternion HeadingInverse { get; private set; } = Quaternion.Identity;

        /// <summary>The next update starts a new path (a new stream, a seek): no delta across it.</summary>
        public void Reset() => started = false;

        /// <param name="wireRootRotation">The stream root's (Hips) rotation, wire convention.</param>
        /// <param name="unityHips">The retargeted hips position, avatar space (RetargetedPose.HipsPosition).</param>
        public void Update(Quaternion wireRootRotation, Vector3 unityHips)
        {
            var left = RotationMath.Rotate(wireRootRotation, Vector3.UnitX);
            // Wire yaw is counter-clockwise seen from above (left turn positive); Unity's is the opposite.
            float yaw = -(float)(Math.Atan2(-left.Z, left.X) * 180.0 / Math.PI);
            if (!started || float.IsNaN(yaw))
            {
                started = !float.IsNaN(yaw);
                Delta = Vector3.Zero;
                YawDelta = 0f;
            }
            else
            {
                var step = unityHips - lastHips;
                step.Y = 0f;
                Delta = RotationMath.Rotate(YawRotation(-lastYaw), step);
                YawDelta = Wrap(yaw - lastYaw);
            }
            lastHips = unityHips;
            lastYaw = yaw;
            Yaw = yaw;
            HeadingInverse = YawRotation(-yaw);
        }

        /// <summary>Unity-convention rotation about +Y by `degrees` (the quaternion algebra is the same in both hands).</summary>
        public static Quaternion YawRotation(float degrees) =>
            Quaternion.CreateFromAxisAngle(Vector3.UnitY, (float)(degrees * Math.PI / 180.0));

        /// <summary>An angle in (-180, 180] degrees.</summary>
        public static float Wrap(float degrees)
        {
            while (degrees > 180f) degrees -= 360f;
            while (degrees <= -180f) degrees += 360f;
            return degrees;
        }
    }
}
