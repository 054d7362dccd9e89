using System;
using System.Numerics;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    [TestFixture]
    public class FrameBufferTests
    {
        const int Joints = 2;

        /// <summary>A chunk whose root x encodes level*100 + frame and whose joint 1 turns level*10 degrees about Y.</summary>
        static void Add(ProgressiveFrameBuffer buffer, int level, int start, int count)
        {
            var root = new float[3 * count];
            var rot = new float[4 * Joints * count];
            for (int i = 0; i < count; i++)
            {
                root[3 * i] = level * 100 + start + i;
                var q = Quaternion.CreateFromAxisAngle(Vector3.UnitY, (float)(level * 10 * Math.PI / 180));
                int o = 4 * Joints * i;
                rot[o + 3] = 1f;  // joint 0 identity
                rot[o + 4] = q.X; rot[o + 5] = q.Y; rot[o + 6] = q.Z; rot[o + 7] = q.W;
            }
            buffer.AddChunk(level, start, count, root, rot);
        }

        static MotionPose Sample(ProgressiveFrameBuffer buffer)
        {
            var pose = new MotionPose(Joints);
            Assert.IsTrue(buffer.Sample(pose));
            return pose;
        }

        [Test]
        public void KeepsTheHighestLevelWhateverTheArrivalOrder()
        {
            var b = new ProgressiveFrameBuffer(10, Joints, 20f, crossFadeSeconds: 0f);
            Add(b, 2, 5, 5);   // a refinement before the coarse level
            Add(b, 1, 0, 10);
            Add(b, 3, 0, 3);
            Add(b, 1, 0, 10);  // a late, lower level changes nothing
            var levels = new int[10];
            for (int f = 0; f < 10; f++) levels[f] = b.LevelOf(f);
            Assert.AreEqual(new[] { 3, 3, 3, 1, 1, 2, 2, 2, 2, 2 }, levels);
            Assert.AreEqual(1, b.CompleteLevel);
            b.Seek(6 / 20f);
            Assert.AreEqual(206f, Sample(b).Root.X, 1e-4f);
            b.Seek(1 / 20f);
            Assert.AreEqual(301f, Sample(b).Root.X, 1e-4f);
        }

        [Test]
        public void InterpolatesTwentyFpsToTheRenderRate()
        {
            var b = new ProgressiveFrameBuffer(10, Joints, 20f);
            Add(b, 1, 0, 10);
            b.Advance(1 / 60f);
            Assert.AreEqual(100f + 1 / 3f, Sample(b).Root.X, 1e-4f);
            b.Advance(1 / 60f);
            Assert.AreEqual(100f + 2 / 3f, Sample(b).Root.X, 1e-4f);
        }

        [Test]
        public void RefinementCrossFadesFromItsArrivalOnShownAndUpcomingFrames()
        {
            var b = new ProgressiveFrameBuffer(10, Joints, 20f, crossFadeSeconds: 0.2f);
            Add(b, 1, 0, 10);
            Sample(b);  // frame 0 is on screen
            int faded = b.AddChunk(2, 0, 1, new float[] { 200, 0, 0 }, new float[] { 0, 0, 0, 1, 0, 0, 0, 1 });
            Assert.AreEqual(1, faded);
            Assert.AreEqual(0f, b.CrossFadeWeight(0), 1e-6f);
            Assert.AreEqual(1f, b.CrossFadeWeight(5), 1e-6f, "a frame the refinement does not cover is untouched");
            b.AddChunk(2, 6, 1, new float[] { 206, 0, 0 }, new float[] { 0, 0, 0, 1, 0, 0, 0, 1 });
            Assert.AreEqual(0f, b.CrossFadeWeight(6), 1e-6f, "a frame ahead of the playhead fades too");
            Assert.AreEqual(100f, Sample(b).Root.X, 1e-3f, "no pop when the refinement lands");
            // Hold the playhead on frame 0 by seeking back while the clock runs.
            b.Advance(0.05f); b.Seek(0f);
            Assert.AreEqual(0.25f, b.CrossFadeWeight(0), 1e-4f);
            Assert.AreEqual(125f, Sample(b).Root.X, 1e-3f);
            b.Advance(0.05f); b.Seek(0f);
            Assert.AreEqual(150f, Sample(b).Root.X, 1e-3f);
            var mid = Sample(b).Rotations[1];
            var expected = Quaternion.Slerp(Quaternion.CreateFromAxisAngle(Vector3.UnitY, (float)(10 * Math.PI / 180)),
                                            Quaternion.Identity, 0.5f);
            Assert.IsTrue(RotationMath.AngleDegrees(mid, expected) < 0.01f);
            b.Advance(0.2f); b.Seek(0f);
            Assert.AreEqual(1f, b.CrossFadeWeight(0), 1e-6f);
            Assert.AreEqual(200f, Sample(b).Root.X, 1e-3f);
        }

        /// <summary>
        /// A 30 degree correction lands while the clip plays at 60 fps. With a 0.25 s fade the pose
        /// on screen may turn by at most 30 x (1/60) / 0.25 = 2 degrees per rendered frame, whether
        /// the corrected frames were already shown or are just ahead of the playhead.
        /// </summary>
        [TestCase(0.25f, 60f, 0)]
        [TestCase(0.25f, 60f, 37)]
        [TestCase(0.5f, 144f, 12)]
        public void ThirtyDegreeRefinementTurnsAtMostItsFadeRatePerRenderFrame(float fade, float renderFps, int landingFrame)
        {
            const int frames = 200;
            var b = new ProgressiveFrameBuffer(frames, Joints, 20f, crossFadeSeconds: fade);
            AddTurned(b, 1, 0f, frames);
            var pose = new MotionPose(Joints);
            var previous = new MotionPose(Joints);
            float dt = 1f / renderFps, worst = 0f;
            bool landed = false, any = false;
            for (int tick = 0; tick < (int)(6f * renderFps); tick++)
            {
                if (!landed && b.PlayheadFrames >= landingFrame)
                {
                    AddTurned(b, 2, 30f, frames);  // the whole clip, shown and upcoming frames alike
                    landed = true;
                }
                b.Advance(dt);
                Assert.IsTrue(b.Sample(pose));
                if (any) worst = Math.Max(worst, RotationMath.AngleDegrees(previous.Rotations[1], pose.Rotations[1]));
                previous.CopyFrom(pose);
                any = true;
            }
            float bound = 30f * dt / fade;
            Console.WriteLine($"refinement 30 deg, fade {fade} s at {renderFps} fps: largest step {worst:F4} deg (bound {bound:F4})");
            Assert.IsTrue(landed);
            // 5e-3 deg: what float acos can resolve for steps this small.
            Assert.IsTrue(worst <= bound + 5e-3f, $"largest step {worst:F4} deg per render frame, bound {bound:F4}");
            Assert.AreEqual(30f, RotationMath.AngleDegrees(Quaternion.Identity, pose.Rotations[1]), 1e-2f, "the refinement is fully in");
        }

        static void AddTurned(ProgressiveFrameBuffer buffer, int level, float degrees, int count)
        {
            var root = new float[3 * count];
            var rot = new float[4 * Joints * count];
            var q = Quaternion.CreateFromAxisAngle(Vector3.UnitX, (float)(degrees * Math.PI / 180));
            for (int i = 0; i < count; i++)
            {
                int o = 4 * Joints * i;
                rot[o + 3] = 1f;
                rot[o + 4] = q.X; rot[o + 5] = q.Y; rot[o + 6] = q.Z; rot[o + 7] = q.W;
            }
            buffer.AddChunk(level, 0, count, root, rot);
        }

        [Test]
        public void SecondRefinementDuringAFadeStartsFromWhatIsOnScreen()
        {
            var b = new ProgressiveFrameBuffer(4, Joints, 20f, crossFadeSeconds: 0.2f);
            Add(b, 1, 0, 4);
            Sample(b);
            Add(b, 2, 0, 4);
            b.Advance(0.1f); b.Seek(0f);
            Assert.AreEqual(150f, Sample(b).Root.X, 1e-3f);
            Add(b, 3, 0, 4);  // lands mid-fade: the new fade starts at 150, not at 100 or 200
            Assert.AreEqual(150f, Sample(b).Root.X, 1e-3f);
            b.Advance(0.1f); b.Seek(0f);
            Assert.AreEqual(225f, Sample(b).Root.X, 1e-3f);
        }

        [Test]
        public void UnderrunHoldsTheLastFrameAndResumesWithoutSkipping()
        {
            var b = new ProgressiveFrameBuffer(20, Joints, 20f);
            Assert.IsFalse(b.Sample(new MotionPose(Joints)), "nothing to show before the first chunk");
            b.Advance(0.5f);
            Assert.AreEqual(0f, b.PlayheadFrames, "the playhead waits for the first frame");
            Assert.AreEqual(0, b.Underruns);
            Add(b, 1, 0, 5);
            b.Advance(1f);  // wants frame 20, only 0..4 exist
            Assert.AreEqual(4f, b.PlayheadFrames, 1e-5f);
            Assert.IsTrue(b.Stalled);
            Assert.AreEqual(1, b.Underruns);
            Assert.AreEqual(104f, Sample(b).Root.X, 1e-4f, "holds the last available pose");
            b.Advance(0.1f);
            Assert.AreEqual(1, b.Underruns, "one stall counts once");
            Add(b, 1, 5, 15);
            b.Advance(0.05f);  // continues from frame 4, one frame on, not from where the clock would be
            Assert.IsFalse(b.Stalled);
            Assert.AreEqual(5f, b.PlayheadFrames, 1e-4f);
            Assert.AreEqual(105f, Sample(b).Root.X, 1e-3f);
            Assert.IsTrue(b.StalledSeconds > 0.7f);
        }

        [Test]
        public void StreamThatEndsEarlyFinishesAtItsLastFrame()
        {
            var b = new ProgressiveFrameBuffer(40, Joints, 20f);
            Add(b, 1, 0, 12);
            Add(b, 1, 20, 5);  // not contiguous: never played
            b.End();
            b.Advance(5f);
            Assert.IsTrue(b.IsFinished);
            Assert.AreEqual(11f, b.PlayheadFrames, 1e-5f);
            Assert.AreEqual(0, b.Underruns, "an ended stream is not an underrun");
            Assert.AreEqual(111f, Sample(b).Root.X, 1e-4f);
        }

        [Test]
        public void EmptyEndedStreamIsFinishedWithNothingToShow()
        {
            var b = new ProgressiveFrameBuffer(40, Joints, 20f);
            b.End();
            b.Advance(0.1f);
            Assert.IsTrue(b.IsFinished);
            Assert.IsFalse(b.Sample(new MotionPose(Joints)));
        }

        [TestCase(0, 0, 41)]
        [TestCase(0, 39, 2)]
        [TestCase(0, -1, 1)]
        public void ChunkOutsideTheClipNamesTheField(int unused, int start, int count)
        {
            var b = new ProgressiveFrameBuffer(40, Joints, 20f);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                b.AddChunk(1, start, count, new float[3 * Math.Max(count, 0)], new float[4 * Joints * Math.Max(count, 0)]));
            Assert.IsTrue(e.Message.Contains("frame_count 40"), e.Message);
        }

        [Test]
        public void ChunkWithWrongArrayLengthsNamesTheField()
        {
            var b = new ProgressiveFrameBuffer(40, Joints, 20f);
            var e = Assert.Throws<ArgumentException>(() => b.AddChunk(1, 0, 2, new float[6], new float[15]));
            Assert.IsTrue(e.Message.Contains("local_rotations"), e.Message);
            e = Assert.Throws<ArgumentException>(() => b.AddChunk(1, 0, 2, new float[5], new float[16]));
            Assert.IsTrue(e.Message.Contains("root_positions"), e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => b.AddChunk(0, 0, 2, new float[6], new float[16]));
        }

        /// <summary>
        /// A real stream (made by the default model) replayed at its recorded arrival times and
        /// played at 60 fps: playback starts with the first chunk, refinements land on frames
        /// already shown and fade in without a pop, and the clip ends on the final level.
        /// </summary>
        [Test]
        public void RecordingReplayedAtRealTimePlaysWithoutPops()
        {
            var records = RecordingReader.Read(TestData.File("wave-right-3s.dmrec"));
            var header = records[0].Message.Header;
            var buffer = new ProgressiveFrameBuffer(header.FrameCount, header.Skeleton.Count, header.Fps, 0.25f);
            var finals = new MotionPose[header.FrameCount];
            var pose = new MotionPose(header.Skeleton.Count);
            var previous = new MotionPose(header.Skeleton.Count);
            float dt = 1 / 60f, clock = 0f, firstShown = -1f, worstStep = 0f, worstJump = 0f;
            int next = 1;
            bool any = false;
            while (!buffer.IsFinished && clock < 30f)
            {
                while (next < records.Count && records[next].ArrivalSeconds <= clock)
                {
                    var m = records[next++].Message;
                    if (m.Kind == StreamMessageKind.Chunk)
                    {
                        var c = m.Chunk;
                        // What the frames looked like before this chunk: the jump a buffer without fades would show.
                        for (int i = 0; i < c.FrameCount; i++)
                        {
                            int f = c.StartFrame + i;
                            if (buffer.LevelOf(f) == 0 || buffer.LevelOf(f) > c.Level) continue;
                            var q = new Quaternion(c.LocalRotations[4 * (i * header.Skeleton.Count + 16)],
                                                   c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 1],
                                                   c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 2],
                                                   c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 3]);
                            if (finals[f] != null) worstJump = Math.Max(worstJump, RotationMath.AngleDegrees(finals[f].Rotations[16], q));
                        }
                        buffer.AddChunk(c.Level, c.StartFrame, c.FrameCount, c.RootPositions, c.LocalRotations);
                        for (int i = 0; i < c.FrameCount; i++)
                        {
                            int f = c.StartFrame + i;
                            if (buffer.LevelOf(f) != c.Level) continue;
                            finals[f] = finals[f] ?? new MotionPose(header.Skeleton.Count);
                            finals[f].Rotations[16] = Quaternion.Normalize(new Quaternion(
                                c.LocalRotations[4 * (i * header.Skeleton.Count + 16)], c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 1],
                                c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 2], c.LocalRotations[4 * (i * header.Skeleton.Count + 16) + 3]));
                        }
                    }
                    else if (m.Kind == StreamMessageKind.End) buffer.End();
                }
                buffer.Advance(dt);
                if (buffer.Sample(pose))
                {
                    if (firstShown < 0) firstShown = clock;
                    if (any)
                        for (int j = 0; j < pose.Rotations.Length; j++)
                            worstStep = Math.Max(worstStep, RotationMath.AngleDegrees(previous.Rotations[j], pose.Rotations[j]));
                    previous.CopyFrom(pose);
                    any = true;
                }
                clock += dt;
            }
            Console.WriteLine($"replay: first frame {firstShown:F3} s, crossfaded {buffer.CrossFadedFrames}, worst step {worstStep:F2} deg, worst jump {worstJump:F2} deg");
            Assert.IsTrue(buffer.IsFinished, "the clip plays to its end");
            Assert.AreEqual(3, buffer.CompleteLevel, "every frame ends on level 3");
            Assert.IsTrue(firstShown >= records[1].ArrivalSeconds - dt && firstShown < records[1].ArrivalSeconds + 2 * dt,
                          $"playback starts with the first chunk ({records[1].ArrivalSeconds:F3} s), started at {firstShown:F3} s");
            Assert.IsTrue(buffer.CrossFadedFrames > 0, "refinements landed on frames already shown");
            // Without fades a refinement would move the right upper arm by worstJump degrees in one render frame.
            Assert.IsTrue(worstJump > 2f, $"the recording's refinements change shown frames (largest {worstJump:F2} deg)");
            Assert.IsTrue(worstStep < 0.5f * worstJump,
                          $"largest rotation step per render frame {worstStep:F2} deg vs refinement jump {worstJump:F2} deg");
            Assert.AreEqual(header.FrameCount - 1, buffer.PlayheadFrames, 1e-4f);
            Assert.AreEqual(0, buffer.Underruns, "the recorded stream was always ahead of playback");
        }
    }
}
