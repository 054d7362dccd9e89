using System;
using System.Collections.Generic;
using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// A humanoid stick figure built at run time (bones, boxes along them, a Humanoid avatar from
    /// AvatarBuilder), so a sample or a test can play motion with no character asset at all.
    /// Proportions of a 1.75 m adult in a T-pose, facing +Z.
    /// </summary>
    public static class StickFigure
    {
        struct Bone
        {
            public string Name, Parent;
            public Vector3 Offset;
            public Bone(string name, string parent, float x, float y, float z)
            {
                Name = name; Parent = parent; Offset = new Vector3(x, y, z);
            }
        }

        static readonly Bone[] Bones =
        {
            new Bone("Hips", null, 0, 0.93f, 0), new Bone("LeftUpperLeg", "Hips", -0.09f, -0.05f, 0),
            new Bone("RightUpperLeg", "Hips", 0.09f, -0.05f, 0), new Bone("Spine", "Hips", 0, 0.12f, 0),
            new Bone("LeftLowerLeg", "LeftUpperLeg", 0, -0.40f, 0), new Bone("RightLowerLeg", "RightUpperLeg", 0, -0.40f, 0),
            new Bone("Chest", "Spine", 0, 0.14f, 0), new Bone("LeftFoot", "LeftLowerLeg", 0, -0.40f, 0),
            new Bone("RightFoot", "RightLowerLeg", 0, -0.40f, 0), new Bone("LeftToes", "LeftFoot", 0, -0.06f, 0.12f),
            new Bone("RightToes", "RightFoot", 0, -0.06f, 0.12f), new Bone("Neck", "Chest", 0, 0.24f, 0),
            new Bone("LeftShoulder", "Chest", -0.04f, 0.20f, 0), new Bone("RightShoulder", "Chest", 0.04f, 0.20f, 0),
            new Bone("Head", "Neck", 0, 0.10f, 0), new Bone("LeftUpperArm", "LeftShoulder", -0.14f, 0, 0),
            new Bone("RightUpperArm", "RightShoulder", 0.14f, 0, 0), new Bone("LeftLowerArm", "LeftUpperArm", -0.28f, 0, 0),
            new Bone("RightLowerArm", "RightUpperArm", 0.28f, 0, 0), new Bone("LeftHand", "LeftLowerArm", -0.25f, 0, 0),
            new Bone("RightHand", "RightLowerArm", 0.25f, 0, 0),
        };

        /// <summary>A GameObject with an Animator whose Humanoid avatar maps the figure's bones.</summary>
        public static GameObject Build(string name = "StickFigure", bool visible = true)
        {
            var root = new GameObject(name);
            var made = new Dictionary<string, Transform>();
            var human = new List<HumanBone>();
            var skeleton = new List<SkeletonBone>
            {
                new SkeletonBone { name = name, position = Vector3.zero, rotation = Quaternion.identity, scale = Vector3.one },
            };
            foreach (var b in Bones)
            {
                var t = new GameObject(b.Name).transform;
                t.SetParent(b.Parent == null ? root.transform : made[b.Parent], false);
                t.localPosition = b.Offset;
                made[b.Name] = t;
                var humanName = HumanTrait.BoneName[(int)Enum.Parse(typeof(HumanBodyBones), b.Name)];
                human.Add(new HumanBone { boneName = b.Name, humanName = humanName, limit = new HumanLimit { useDefaultValues = true } });
                skeleton.Add(new SkeletonBone { name = b.Name, position = b.Offset, rotation = Quaternion.identity, scale = Vector3.one });
                if (visible && b.Parent != null) Limb(made[b.Parent], b.Offset);
            }
            if (visible) Limb(made["Head"], new Vector3(0, 0.22f, 0), 0.16f);
            var description = new HumanDescription
            {
                human = human.ToArray(), skeleton = skeleton.ToArray(), upperArmTwist = 0.5f, lowerArmTwist = 0.5f,
                upperLegTwist = 0.5f, lowerLegTwist = 0.5f, armStretch = 0.05f, legStretch = 0.05f, feetSpacing = 0f,
                hasTranslationDoF = false,
            };
            var avatar = AvatarBuilder.BuildHumanAvatar(root, description);
            avatar.name = name;
            root.AddComponent<Animator>().avatar = avatar;
            return root;
        }

        /// <summary>A box from a bone to its child, parented to the bone so it follows the pose.</summary>
        static void Limb(Transform bone, Vector3 toChild, float thickness = 0.06f)
        {
            var box = GameObject.CreatePrimitive(PrimitiveType.Cube);
            UnityEngine.Object.Destroy(box.GetComponent<Collider>());
            box.name = bone.name + "Limb";
            box.transform.SetParent(bone, false);
            box.transform.localPosition = toChild * 0.5f;
            box.transform.localRotation = Quaternion.FromToRotation(Vector3.up, toChild.normalized);
            box.transform.localScale = new Vector3(thickness, toChild.magnitude, thickness);
        }
    }
}
