using System;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// MotionPlayback: what an NPC does with a stream, frame by frame, outside Unity. Streams are
    /// the recordings the Python client made from the default model; the avatar is the stream's
    /// own skeleton described as a Unity rig.
    /// </summary>
    [TestFixture]
    public class PlaybackTests
    {
        const float Dt = 1f / 60f;

        static List<RecordedMessage> Recording(string name) => RecordingReader.Read(TestData.File(name));

        static MotionPlayback NewPlayback(List<RecordedMessage> records)
        {
            var skeleton = records[0].Message.Header.Skeleton;
            return new MotionPlayback(new HumanoidRig(RetargeterInputTests.SameAsSource(skeleton)));
        }

        /// <summary>A playback that holds its last frame, with a whole recording posted.</summary>
        static MotionPlayback Holding(string recording)
        {
            var records = Recording(recording);
            var p = NewPlayback(records);
            p.EndBehaviour = EndBehaviour.Hold;
            PostAll(p, p.Begin(), records);
            return p;
        }

        static void PostAll(MotionPlayback p, int generation, List<RecordedMessage> records, int from = 0, int to = int.MaxValue)
        {
            for (int i = from; i < Math.Min(to, records.Count); i++) p.Post(generation, records[i].Message);
        }

        [Test]
        public void StreamFadesInPlaysThenBlendsBackToTheAnimator()
        {
            var records = Recording("wave-right-3s.dmrec");
            var p = NewPlayback(records);
            p.FadeInSeconds = 0.2f;
            p.ReleaseSeconds = 0.5f;
            int completed = 0, released = 0;
            p.Completed += () => completed++;
            p.Released += () => released++;
            Assert.AreEqual(PlaybackState.Animator, p.State);
            PostAll(p, p.Begin(), records);

            var weights = new List<float>();
            var states = new List<PlaybackState>();
            float clock = 0f, endAt = -1f;
            for (int tick = 0; tick < 10 * 60 && released == 0; tick++)
            {
                p.Tick(Dt);
                clock += Dt;
                weights.Add(p.Weight);
                states.Add(p.State);
                if (completed == 1 && endAt < 0) endAt = clock;
            }
            Assert.AreEqual(1, completed);
            Assert.AreEqual(1, released, "control went back to the Animator");
            Assert.AreEqual(PlaybackState.Animator, p.State);
            Assert.IsFalse(p.HasPose, "nothing is written once released");
            Assert.AreEqual(0f, p.Weight);
            Assert.AreEqual(59f / 20f, endAt, 2 * Dt, "the 3-s clip played to its last frame (59 at 20 fps)");
            // Fade in: 0 -> 1 over 0.2 s, never overshooting.
            Assert.AreEqual(1f, weights[(int)(0.25f / Dt)], 1e-6f);
            Assert.IsTrue(weights[0] > 0f && weights[0] < 0.1f, $"first frame weight {weights[0]}");
            // Release: monotone from 1 to 0 over 0.5 s after the end, half way at 0.25 s.
            int endTick = (int)Math.Round(endAt / Dt) - 1;
            for (int t = endTick + 1; t < weights.Count; t++)
                Assert.IsTrue(weights[t] <= weights[t - 1] + 1e-6f, $"tick {t}: {weights[t - 1]} -> {weights[t]}");
            Assert.AreEqual(0.5f, weights[endTick + (int)Math.Round(0.25f / Dt)], 0.05f);
            Assert.AreEqual(0.5f, (weights.Count - 1 - endTick) * Dt, 2 * Dt, "release took ReleaseSeconds");
            float largestStep = 0f;
            for (int t = 1; t < weights.Count; t++) largestStep = Math.Max(largestStep, Math.Abs(weights[t] - weights[t - 1]));
            Assert.IsTrue(largestStep <= 1.5f * Dt / 0.2f + 1e-4f, $"no weight jump (largest {largestStep:F3} per frame)");
        }

        [Test]
        public void HoldKeepsTheLastFrameUntilReleaseHandsControlBack()
        {
            var p = Holding("wave-right-3s.dmrec");
            for (int tick = 0; tick < 6 * 60; tick++) p.Tick(Dt);
            Assert.AreEqual(PlaybackState.Holding, p.State);
            Assert.AreEqual(1f, p.Weight);
            Assert.IsTrue(p.HasPose);
            var held = p.Pose.WorldRotations[p.Rig.IndexOf("RightLowerArm")];
            p.Tick(Dt);
            Assert.AreEqual(0f, RotationMath.AngleDegrees(held, p.Pose.WorldRotations[p.Rig.IndexOf("RightLowerArm")]), 1e-3f);
            Assert.AreEqual(Vector3.Zero, p.Root.Delta, "a held frame does not travel");

            p.Release(0.4f);
            Assert.AreEqual(PlaybackState.Releasing, p.State);
            int ticks = 0;
            while (p.State != PlaybackState.Animator && ticks < 600) { p.Tick(Dt); ticks++; }
            Assert.AreEqual(0.4f, ticks * Dt, 2 * Dt);
        }

        [Test]
        public void ReleaseMidStreamStartsFromTheCurrentWeightAndDropsTheRest()
        {
            var records = Recording("wave-right-3s.dmrec");
            var p = NewPlayback(records);
            p.FadeInSeconds = 0.4f;
            int gen = p.Begin();
            PostAll(p, gen, records, 0, 4);
            for (int tick = 0; tick < 12; tick++) p.Tick(Dt);  // 0.2 s into a 0.4 s fade-in
            float before = p.Weight;
            Assert.IsTrue(before > 0.2f && before < 0.8f, $"mid fade-in ({before})");
            p.Release(0.3f);
            p.Tick(Dt);
            Assert.IsTrue(p.Weight <= before, $"no jump up at Release ({before} -> {p.Weight})");
            Assert.IsFalse(p.Post(gen, records[5].Message), "the released stream's messages are refused");
            int levels = 0;
            p.LevelArrived += _ => levels++;
            for (int tick = 0; tick < 60; tick++) p.Tick(Dt);
            Assert.AreEqual(PlaybackState.Animator, p.State);
            Assert.AreEqual(0, levels);
        }

        /// <summary>
        /// The walk is cancelled after three chunks and the wave starts; the walk's remaining
        /// messages arrive late, some from another thread while the wave plays. None may reach the
        /// wave's buffer: its frame count, levels and frames stay the wave's.
        /// </summary>
        [Test]
        public void CancelledStreamsLateMessagesNeverReachTheNextStream()
        {
            var walk = Recording("walk-turn-left-4s.dmrec");
            var wave = Recording("wave-right-3s.dmrec");
            var p = NewPlayback(wave);
            var levels = new List<int>();
            var failures = new List<string>();
            p.LevelArrived += levels.Add;
            p.Failed += failures.Add;
            int walkGen = p.Begin();
            PostAll(p, walkGen, walk, 0, 3);
            p.Tick(Dt);
            Assert.AreEqual(80, p.Buffer.FrameCount, "the walk was playing");

            int waveGen = p.Begin();
            levels.Clear();
            PostAll(p, walkGen, walk, 3, 6);          // late, before the wave's header
            p.Post(waveGen, wave[0].Message);
            PostAll(p, walkGen, walk, 6, 9);          // late, interleaved
            var late = new Thread(() =>
            {
                for (int round = 0; round < 50; round++)
                {
                    PostAll(p, walkGen, walk);
                    p.Fail(walkGen, "walk cancelled");
                }
            });
            late.Start();
            for (int i = 1; i < wave.Count; i++)
            {
                p.Post(waveGen, wave[i].Message);
                p.Tick(Dt);
            }
            late.Join();
            for (int tick = 0; tick < 120; tick++) p.Tick(Dt);

            Assert.AreEqual(60, p.Buffer?.FrameCount ?? 60, "the buffer is the wave's");
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, levels, "each level of the wave reported once");
            Assert.AreEqual(0, failures.Count, "the walk's failure is not the wave's: " + string.Join("; ", failures));
            Assert.AreEqual(waveGen, p.Generation);
        }

        [Test]
        public void RootMotionDeltasAddUpToThePathAndTheTurn()
        {
            var p = Holding("walk-turn-left-4s.dmrec");
            // Integrate the deltas the way a CharacterController would: move in the current heading, then turn.
            var position = Vector3.Zero;
            float yaw = 0f, yawStart = float.NaN;
            var hipsStart = Vector3.Zero;
            for (int tick = 0; tick < 6 * 60; tick++)
            {
                p.Tick(Dt);
                if (!p.HasPose) continue;
                if (float.IsNaN(yawStart)) { yawStart = p.Root.Yaw; yaw = yawStart; hipsStart = p.Pose.HipsPosition; }
                position += RotationMath.Rotate(RootMotionTracker.YawRotation(yaw), p.Root.Delta);
                yaw += p.Root.YawDelta;
            }
            var travelled = p.Pose.HipsPosition - hipsStart;
            travelled.Y = 0f;
            Console.WriteLine($"walk-turn-left: travelled {travelled.Length():F2} m, turned {yaw - yawStart:F1} deg (Unity yaw)");
            Assert.IsTrue(travelled.Length() > 1f, "the walk travels");
            Assert.IsTrue((position - travelled).Length() < 0.02f * travelled.Length() + 0.01f,
                          $"deltas add up to the path: {position} vs {travelled}");
            Assert.AreEqual(p.Root.Yaw, RootMotionTracker.Wrap(yaw), 0.5f, "turn deltas add up to the heading");
            Assert.IsTrue(yaw - yawStart < -30f, $"a left turn is a negative Unity yaw ({yaw - yawStart:F1})");
        }

        [Test]
        public void StreamTheAvatarCannotPlayFailsOnceAndNeverThrows()
        {
            var records = Recording("wave-right-3s.dmrec");
            var s = records[0].Message.Header.Skeleton;
            // An avatar with a bone the stream does not animate.
            var bones = new List<RigBone>(RetargeterInputTests.SameAsSource(s));
            bones.Add(new RigBone("LeftEye", "Head", new Vector3(0.03f, 0.05f, 0.08f), Quaternion.Identity));
            var p = new MotionPlayback(new HumanoidRig(bones));
            var failures = new List<string>();
            p.Failed += failures.Add;
            PostAll(p, p.Begin(), records);
            for (int tick = 0; tick < 120; tick++) p.Tick(Dt);
            Assert.AreEqual(1, failures.Count, string.Join("; ", failures));
            Assert.IsTrue(failures[0].Contains("LeftEye"), failures[0]);
            Assert.IsFalse(p.HasPose);
        }
    }
}
