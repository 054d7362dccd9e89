using System;
using System.Collections.Generic;
using DeepMotion.Bridge.Core;
using UnityEngine;
using N = System.Numerics;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Reads a Humanoid avatar's rest pose into the Core's HumanoidRig. The rest pose comes from
    /// the avatar's HumanDescription (the pose Unity configured the avatar in), not from the
    /// transforms at play time, which an Animator may already have moved.
    /// </summary>
    public static class AvatarRig
    {
        public static HumanoidRig Build(Animator animator, out Transform[] bones)
        {
            if (animator == null) throw new ArgumentNullException(nameof(animator));
            if (animator.avatar == null || !animator.avatar.isHuman)
                throw new ArgumentException($"{animator.name}: the Animator needs a Humanoid avatar (Rig > Animation Type: Humanoid)");
            var rest = new Dictionary<string, SkeletonBone>();
            foreach (var sb in animator.avatar.humanDescription.skeleton) rest[sb.name] = sb;

            var names = new List<string>();
            var parents = new List<string>();
            var positions = new List<N.Vector3>();
            var rotations = new List<N.Quaternion>();
            var found = new List<Transform>();
            foreach (var name in Canonical.Names)
            {
                var bone = (HumanBodyBones)Enum.Parse(typeof(HumanBodyBones), name);
                var t = animator.GetBoneTransform(bone);
                if (t == null) continue;
                RestInAvatarSpace(animator.transform, t, rest, out var p, out var q);
                names.Add(name);
                parents.Add(NearestParent(name, names));
                positions.Add(new N.Vector3(p.x, p.y, p.z));
                rotations.Add(new N.Quaternion(q.x, q.y, q.z, q.w));
                found.Add(t);
            }
            bones = found.ToArray();
            return HumanoidRig.FromAvatarSpace(names, parents, positions, rotations);
        }

        /// <summary>The canonical parent chain, skipping bones the avatar lacks (UpperChest, Neck, ...).</summary>
        static string NearestParent(string name, List<string> present)
        {
            int j = Array.IndexOf(Canonical.Names, name);
            for (int p = Canonical.Parents[j]; p >= 0; p = Canonical.Parents[p])
                if (present.Contains(Canonical.Names[p])) return Canonical.Names[p];
            return null;
        }

        static void RestInAvatarSpace(Transform root, Transform bone, Dictionary<string, SkeletonBone> rest,
                                      out Vector3 position, out Quaternion rotation)
        {
            var chain = new List<Transform>();
            for (var t = bone; t != null && t != root; t = t.parent) chain.Add(t);
            var m = Matrix4x4.identity;
            for (int i = chain.Count - 1; i >= 0; i--)
            {
                var t = chain[i];
                m = rest.TryGetValue(t.name, out var sb)
                    ? m * Matrix4x4.TRS(sb.position, sb.rotation, sb.scale)
                    : m * Matrix4x4.TRS(t.localPosition, t.localRotation, t.localScale);
            }
            position = m.GetColumn(3);
            rotation = m.rotation;
        }
    }

    /// <summary>The canonical 22 joints (docs/ARCHITECTURE.md, Conventions), named after HumanBodyBones.</summary>
    public static class Canonical
    {
        public static readonly string[] Names =
        {
            "Hips", "LeftUpperLeg", "RightUpperLeg", "Spine", "LeftLowerLeg", "RightLowerLeg", "Chest",
            "LeftFoot", "RightFoot", "UpperChest", "LeftToes", "RightToes", "Neck", "LeftShoulder",
            "RightShoulder", "Head", "LeftUpperArm", "RightUpperArm", "LeftLowerArm", "RightLowerArm",
            "LeftHand", "RightHand",
        };

        public static readonly int[] Parents = { -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19 };
    }
}
