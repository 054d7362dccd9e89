using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using UnityEngine;
using UnityEngine.TestTools;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// Plays the wave recording on a humanoid built at run time (AvatarBuilder), no server, no
    /// gRPC packages and no model asset: the right hand must end up above the shoulder and the
    /// character must go back to its Animator. Runs in Unity's Test Runner (PlayMode); the Core
    /// behind it is also tested outside Unity under mono.
    /// </summary>
    public class ReplayPlayModeTests
    {
        [UnityTest]
        public IEnumerator RecordingPlaysOnAHumanoidAndRefines()
        {
            var npc = StickFigure.Build("npc", visible: false);
            var player = npc.AddComponent<DeepMotionPlayer>();
            var levels = new List<int>();
            bool completed = false, released = false;
            player.onLevelArrived.AddListener(levels.Add);
            player.onCompleted.AddListener(() => completed = true);
            player.onReleased.AddListener(() => released = true);
            player.PlayRecording(File.ReadAllBytes(RecordingPath()), "wave-right-3s.dmrec");
            float highestHand = float.NegativeInfinity;
            var animator = npc.GetComponent<Animator>();
            for (int i = 0; i < 900 && !released; i++)
            {
                yield return null;
                var hand = animator.GetBoneTransform(HumanBodyBones.RightHand).position.y;
                var shoulder = animator.GetBoneTransform(HumanBodyBones.RightUpperArm).position.y;
                highestHand = Mathf.Max(highestHand, hand - shoulder);
            }
            Assert.IsTrue(completed, "the recording played to its end");
            Assert.IsTrue(released, "then the character went back to its Animator");
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, levels);
            Assert.IsTrue(highestHand > 0.1f, $"the right hand rose above the shoulder ({highestHand:F2} m)");
            Object.Destroy(npc);
        }

        [UnityTest]
        public IEnumerator NonHumanoidCharacterReportsOneErrorAndNoException()
        {
            var go = new GameObject("not-a-humanoid");
            go.AddComponent<Animator>();
            var errors = new List<string>();
            LogAssert.Expect(LogType.Error, new Regex("cannot drive this character"));
            var player = go.AddComponent<DeepMotionPlayer>();
            player.onError.AddListener(errors.Add);
            yield return null;
            player.PlayRecording(File.ReadAllBytes(RecordingPath()), "wave-right-3s.dmrec");
            yield return null;
            Assert.AreEqual(1, errors.Count, string.Join("; ", errors));
            StringAssert.Contains("Humanoid", errors[0]);
            Object.Destroy(go);
        }

        static string RecordingPath([System.Runtime.CompilerServices.CallerFilePath] string here = "")
        {
            var env = System.Environment.GetEnvironmentVariable("DEEPMOTION_TEST_DATA");
            var dir = !string.IsNullOrEmpty(env) ? env : Path.Combine(Path.GetDirectoryName(here), "..", "Editor", "TestData");
            return Path.GetFullPath(Path.Combine(dir, "wave-right-3s.dmrec"));
        }
    }
}
