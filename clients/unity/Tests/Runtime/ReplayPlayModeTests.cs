using System.Collections;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;
using UnityEngine;
using UnityEngine.TestTools;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// Plays the wave recording on a humanoid built at run time (AvatarBuilder), no server and
    /// no model asset: the right hand must end up above the shoulder. Runs in Unity's Test
    /// Runner (PlayMode); the Core behind it is also tested outside Unity under mono.
    /// </summary>
    public class ReplayPlayModeTests
    {
        static readonly (string name, string parent, Vector3 offset)[] Bones =
        {
            ("Hips", null, new Vector3(0, 0.93f, 0)), ("LeftUpperLeg", "Hips", new Vector3(-0.065f, -0.02f, 0)),
            ("RightUpperLeg", "Hips", new Vector3(0.065f, -0.02f, 0)), ("Spine", "Hips", new Vector3(0, 0.157f, 0)),
            ("LeftLowerLeg", "LeftUpperLeg", new Vector3(0, -0.39f, 0)), ("RightLowerLeg", "RightUpperLeg", new Vector3(0, -0.39f, 0)),
            ("Chest", "Spine", new Vector3(0, 0.09f, 0)), ("LeftFoot", "LeftLowerLeg", new Vector3(0, -0.41f, 0)),
            ("RightFoot", "RightLowerLeg", new Vector3(0, -0.41f, 0)), ("Neck", "Chest", new Vector3(0, 0.16f, 0)),
            ("LeftShoulder", "Chest", new Vector3(-0.05f, 0.13f, 0)), ("RightShoulder", "Chest", new Vector3(0.05f, 0.13f, 0)),
            ("Head", "Neck", new Vector3(0, 0.065f, 0)), ("LeftUpperArm", "LeftShoulder", new Vector3(-0.054f, 0, 0)),
            ("RightUpperArm", "RightShoulder", new Vector3(0.054f, 0, 0)), ("LeftLowerArm", "LeftUpperArm", new Vector3(-0.24f, 0, 0)),
            ("RightLowerArm", "RightUpperArm", new Vector3(0.24f, 0, 0)), ("LeftHand", "LeftLowerArm", new Vector3(-0.22f, 0, 0)),
            ("RightHand", "RightLowerArm", new Vector3(0.22f, 0, 0)),
        };

        static GameObject BuildNpc()
        {
            var root = new GameObject("npc");
            var made = new Dictionary<string, Transform>();
            var human = new List<HumanBone>();
            var skeleton = new List<SkeletonBone> { new SkeletonBone { name = "npc", rotation = Quaternion.identity, scale = Vector3.one } };
            foreach (var (name, parent, offset) in Bones)
            {
                var t = new GameObject(name).transform;
                t.SetParent(parent == null ? root.transform : made[parent], false);
                t.localPosition = offset;
                made[name] = t;
                human.Add(new HumanBone { boneName = name, humanName = HumanTrait.BoneName[(int)System.Enum.Parse(typeof(HumanBodyBones), name)], limit = new HumanLimit { useDefaultValues = true } });
                skeleton.Add(new SkeletonBone { name = name, position = offset, rotation = Quaternion.identity, scale = Vector3.one });
            }
            var description = new HumanDescription { human = human.ToArray(), skeleton = skeleton.ToArray(), upperArmTwist = 0.5f,
                lowerArmTwist = 0.5f, upperLegTwist = 0.5f, lowerLegTwist = 0.5f, armStretch = 0.05f, legStretch = 0.05f, feetSpacing = 0f };
            var avatar = AvatarBuilder.BuildHumanAvatar(root, description);
            Assert.IsTrue(avatar.isValid && avatar.isHuman, "test avatar");
            root.AddComponent<Animator>().avatar = avatar;
            return root;
        }

        [UnityTest]
        public IEnumerator RecordingPlaysOnAHumanoidAndRefines()
        {
            var npc = BuildNpc();
            var component = npc.AddComponent<DeepMotionNpc>();
            var levels = new List<int>();
            bool completed = false;
            component.onLevelArrived.AddListener(levels.Add);
            component.onCompleted.AddListener(() => completed = true);
            var path = Path.GetFullPath("Packages/com.deepmotion.bridge/Tests/Editor/TestData/wave-right-3s.dmrec");
            component.PlayRecording(File.ReadAllBytes(path), realTime: false);
            float highestHand = float.NegativeInfinity;
            var animator = npc.GetComponent<Animator>();
            for (int i = 0; i < 600 && !completed; i++)
            {
                yield return null;
                var hand = animator.GetBoneTransform(HumanBodyBones.RightHand).position.y;
                var shoulder = animator.GetBoneTransform(HumanBodyBones.RightUpperArm).position.y;
                highestHand = Mathf.Max(highestHand, hand - shoulder);
            }
            Assert.IsTrue(completed, "the recording played to its end");
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, levels);
            Assert.IsTrue(highestHand > 0.1f, $"the right hand rose above the shoulder ({highestHand:F2} m)");
            Object.Destroy(npc);
        }
    }
}
