using System;
using System.Collections.Generic;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>One humanoid bone of an avatar's rest pose, in Unity space.</summary>
    public struct RigBone
    {
        /// <summary>A Unity HumanBodyBones name (Hips, Spine, LeftUpperArm, ...).</summary>
        public string Name;
        /// <summary>The nearest humanoid ancestor's name; null for Hips.</summary>
        public string Parent;
        /// <summary>Rest position relative to the parent bone (for Hips: in the avatar's root space).</summary>
        public Vector3 LocalPosition;
        /// <summary>Rest rotation relative to the parent bone (for Hips: in the avatar's root space).</summary>
        public Quaternion LocalRotation;

        public RigBone(string name, string parent, Vector3 localPosition, Quaternion localRotation)
        {
            Name = name;
            Parent = parent;
            LocalPosition = localPosition;
            LocalRotation = localRotation;
        }
    }

    /// <summary>
    /// An avatar's humanoid rest pose: the bones it has, parents first. Optional bones
    /// (Chest, UpperChest, Neck, shoulders, toes) may be absent; the required ones may not.
    /// </summary>
    public sealed class HumanoidRig
    {
        public static readonly string[] Required =
        {
            "Hips", "Spine", "Head", "LeftUpperLeg", "RightUpperLeg", "LeftLowerLeg", "RightLowerLeg",
            "LeftFoot", "RightFoot", "LeftUpperArm", "RightUpperArm", "LeftLowerArm", "RightLowerArm",
            "LeftHand", "RightHand",
        };

        public readonly RigBone[] Bones;
        public readonly int[] ParentIndex;

        public HumanoidRig(IList<RigBone> bones)
        {
            if (bones == null || bones.Count == 0)
                throw new ArgumentException("rig: no bones given");
            var index = new Dictionary<string, int>();
            var missing = new List<string>();
            foreach (var b in bones)
                if (string.IsNullOrEmpty(b.Name) || index.ContainsKey(b.Name))
                    throw new ArgumentException($"rig: bone names must be unique and non-empty ('{b.Name}')");
                else
                    index[b.Name] = index.Count;
            foreach (var r in Required)
                if (!index.ContainsKey(r)) missing.Add(r);
            if (missing.Count > 0)
                throw new ArgumentException("rig: missing required humanoid bones: " + string.Join(", ", missing));
            Bones = new RigBone[bones.Count];
            ParentIndex = new int[bones.Count];
            for (int i = 0; i < bones.Count; i++)
            {
                var b = bones[i];
                int p = b.Parent == null ? -1 : index.TryGetValue(b.Parent, out var pi) ? pi : -2;
                if (p == -2)
                    throw new ArgumentException($"rig: bone {b.Name} names parent {b.Parent}, which the rig does not have");
                if ((i == 0) != (p < 0) || p >= i)
                    throw new ArgumentException($"rig: bone {b.Name} must come after its parent and only the first " +
                                                "bone (Hips) may have none");
                Bones[i] = b;
                ParentIndex[i] = p;
            }
            if (Bones[0].Name != "Hips")
                throw new ArgumentException($"rig: the first bone must be Hips, got {Bones[0].Name}");
        }

        public int IndexOf(string name)
        {
            for (int i = 0; i < Bones.Length; i++)
                if (Bones[i].Name == name) return i;
            return -1;
        }

        /// <summary>
        /// A rig from rest positions and rotations in avatar space (what a Unity component reads
        /// off an avatar's transforms), with local values computed against each humanoid parent.
        /// </summary>
        public static HumanoidRig FromAvatarSpace(IList<string> names, IList<string> parents,
                                                  IList<Vector3> positions, IList<Quaternion> rotations)
        {
            var lookup = new Dictionary<string, int>();
            for (int i = 0; i < names.Count; i++) lookup[names[i]] = i;
            var bones = new List<RigBone>();
            for (int i = 0; i < names.Count; i++)
            {
                if (parents[i] == null)
                {
                    bones.Add(new RigBone(names[i], null, positions[i], rotations[i]));
                    continue;
                }
                int p = lookup[parents[i]];
                var inv = RotationMath.Inverse(rotations[p]);
                bones.Add(new RigBone(names[i], parents[i], RotationMath.Rotate(inv, positions[i] - positions[p]),
                                      Quaternion.Normalize(Quaternion.Multiply(inv, rotations[i]))));
            }
            return new HumanoidRig(bones);
        }
    }
}
