using System;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// The stream's skeleton as the StreamHeader describes it (wire convention): joint names,
    /// parents (parents precede children) and rest offsets. Rest rotations are identity: a
    /// local rotation on the wire is relative to the parent, applied to this rest pose.
    /// </summary>
    public sealed class MotionSkeleton
    {
        public readonly string[] Names;
        public readonly int[] Parents;
        public readonly Vector3[] Offsets;

        public MotionSkeleton(string[] names, int[] parents, Vector3[] offsets)
        {
            if (names == null || parents == null || offsets == null)
                throw new ArgumentNullException(names == null ? "names" : parents == null ? "parents" : "offsets");
            if (parents.Length != names.Length || offsets.Length != names.Length)
                throw new ArgumentException($"skeleton: {names.Length} joint_names, {parents.Length} parents and " +
                                            $"{offsets.Length} rest offsets must have the same count");
            for (int j = 0; j < names.Length; j++)
                if ((j == 0) != (parents[j] == -1) || parents[j] >= j)
                    throw new ArgumentException($"skeleton: joint {j} ({names[j]}) has parent {parents[j]}; the root " +
                                                "must be joint 0 and parents must precede children");
            Names = names;
            Parents = parents;
            Offsets = offsets;
        }

        public int Count => Names.Length;

        public int IndexOf(string name) => Array.IndexOf(Names, name);

        /// <summary>World positions and rotations of every joint for one frame.</summary>
        public void ForwardKinematics(Vector3 root, Quaternion[] local, Vector3[] worldPos, Quaternion[] worldRot)
        {
            for (int j = 0; j < Count; j++)
            {
                int p = Parents[j];
                if (p < 0)
                {
                    worldRot[j] = local[j];
                    worldPos[j] = root;
                    continue;
                }
                worldRot[j] = Quaternion.Multiply(worldRot[p], local[j]);
                worldPos[j] = worldPos[p] + RotationMath.Rotate(worldRot[p], Offsets[j]);
            }
        }

        public Vector3[] RestPositions()
        {
            var local = new Quaternion[Count];
            for (int j = 0; j < Count; j++) local[j] = Quaternion.Identity;
            var pos = new Vector3[Count];
            ForwardKinematics(Offsets[0], local, pos, new Quaternion[Count]);
            return pos;
        }
    }
}
