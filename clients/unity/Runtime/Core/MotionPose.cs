using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>One frame in the wire convention: root position and local rotation per stream joint.</summary>
    public sealed class MotionPose
    {
        public Vector3 Root;
        public readonly Quaternion[] Rotations;

        public MotionPose(int jointCount)
        {
            Rotations = new Quaternion[jointCount];
            for (int j = 0; j < jointCount; j++) Rotations[j] = Quaternion.Identity;
        }

        public void CopyFrom(MotionPose other)
        {
            Root = other.Root;
            System.Array.Copy(other.Rotations, Rotations, Rotations.Length);
        }

        /// <summary>this = lerp/slerp(a, b, t); `this` may be a or b.</summary>
        public void Blend(MotionPose a, MotionPose b, float t)
        {
            Root = Vector3.Lerp(a.Root, b.Root, t);
            for (int j = 0; j < Rotations.Length; j++)
                Rotations[j] = Quaternion.Normalize(Quaternion.Slerp(a.Rotations[j], b.Rotations[j], t));
        }
    }
}
