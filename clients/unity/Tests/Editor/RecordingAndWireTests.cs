using System;
using System.IO;
using System.Numerics;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    [TestFixture]
    public class RecordingAndWireTests
    {
        [TestCase("wave-right-3s.dmrec", 60)]
        [TestCase("walk-turn-left-4s.dmrec", 80)]
        public void ReadsRecordingsWrittenByThePythonClient(string name, int frames)
        {
            var records = RecordingReader.Read(TestData.File(name));
            var header = records[0].Message.Header;
            Assert.AreEqual(frames, header.FrameCount);
            Assert.AreEqual(20f, header.Fps);
            Assert.AreEqual(22, header.Skeleton.Count);
            Assert.AreEqual("Hips", header.Skeleton.Names[0]);
            Assert.AreEqual(-1, header.Skeleton.Parents[0]);
            Assert.AreEqual(new[] { 1, 2, 3 }, header.Levels);
            Assert.IsTrue(header.ModelVersion.StartsWith("deepmotion-default"), header.ModelVersion);
            int covered = 0;
            double last = 0;
            foreach (var r in records)
            {
                Assert.IsTrue(r.ArrivalSeconds >= last, "arrival times never go back");
                last = r.ArrivalSeconds;
                if (r.Message.Kind != StreamMessageKind.Chunk) continue;
                var c = r.Message.Chunk;
                Assert.AreEqual(3 * c.FrameCount, c.RootPositions.Length);
                Assert.AreEqual(4 * 22 * c.FrameCount, c.LocalRotations.Length);
                if (c.Level == 3) covered += c.FrameCount;
            }
            Assert.AreEqual(frames, covered);
            Assert.AreEqual(StreamMessageKind.End, records[records.Count - 1].Message.Kind);
            Assert.AreEqual(3, records[records.Count - 1].Message.End.Timings.Length);
        }

        [Test]
        public void TruncatedRecordingNamesTheRecordAndOffset()
        {
            var data = File.ReadAllBytes(TestData.File("wave-right-3s.dmrec"));
            var cut = new byte[data.Length - 7];
            Array.Copy(data, cut, cut.Length);
            var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Parse(cut, "cut.dmrec"));
            Assert.IsTrue(e.Message.Contains("truncated") && e.Message.Contains("record 7"), e.Message);
        }

        [Test]
        public void NotARecordingIsRejected()
        {
            var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Parse(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, "x.bin"));
            Assert.IsTrue(e.Message.Contains("not a DeepMotion recording"), e.Message);
            var wrongVersion = new byte[] { (byte)'D', (byte)'M', (byte)'R', (byte)'E', (byte)'C', 0, 9, 0 };
            e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Parse(wrongVersion, "v9.dmrec"));
            Assert.IsTrue(e.Message.Contains("version 9"), e.Message);
        }

        [Test]
        public void CorruptPayloadIsReportedNotThrownRaw()
        {
            var data = File.ReadAllBytes(TestData.File("wave-right-3s.dmrec"));
            // Record 0's payload starts at byte 20; make its first field claim a huge length.
            data[20] = 0x0A; data[21] = 0xFF; data[22] = 0xFF; data[23] = 0x7F;
            var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Parse(data, "bad.dmrec"));
            Assert.IsTrue(e.Message.Contains("record 0"), e.Message);
        }

        [Test]
        public void WireToUnityMirrorsX()
        {
            // A point on the character's left (+X on the wire) is at -X in Unity.
            Assert.AreEqual(new Vector3(-1, 2, 3), WireConvention.ToUnity(new Vector3(1, 2, 3)));
            // A left turn (positive yaw about +Y on the wire) turns the character towards Unity's -X.
            var yaw = Quaternion.CreateFromAxisAngle(Vector3.UnitY, (float)(Math.PI / 2));
            var forwardAfterTurn = RotationMath.Rotate(WireConvention.ToUnity(yaw), Vector3.UnitZ);
            Assert.IsTrue((forwardAfterTurn - new Vector3(-1, 0, 0)).Length() < 1e-5f, forwardAfterTurn.ToString());
            // Rotating a point then converting equals converting both then rotating.
            var q = Quaternion.Normalize(new Quaternion(0.3f, -0.2f, 0.5f, 0.8f));
            var p = new Vector3(0.4f, -1.1f, 2.5f);
            var a = WireConvention.ToUnity(RotationMath.Rotate(q, p));
            var b = RotationMath.Rotate(WireConvention.ToUnity(q), WireConvention.ToUnity(p));
            Assert.IsTrue((a - b).Length() < 1e-5f);
            Assert.AreEqual(p, WireConvention.FromUnity(WireConvention.ToUnity(p)));
        }
    }

    [TestFixture]
    public class RetargeterInputTests
    {
        static MotionSkeleton Source()
        {
            var header = RecordingReader.Read(TestData.File("wave-right-3s.dmrec"))[0].Message.Header;
            return header.Skeleton;
        }

        /// <summary>The stream skeleton itself, described as a Unity avatar (T-pose, mirrored X).</summary>
        internal static RigBone[] SameAsSource(MotionSkeleton s)
        {
            var bones = new RigBone[s.Count];
            for (int j = 0; j < s.Count; j++)
                bones[j] = new RigBone(s.Names[j], s.Parents[j] < 0 ? null : s.Names[s.Parents[j]],
                                       WireConvention.ToUnity(s.Offsets[j]), Quaternion.Identity);
            return bones;
        }

        [Test]
        public void OntoTheStreamSkeletonItselfIsTheIdentity()
        {
            var records = RecordingReader.Read(TestData.File("wave-right-3s.dmrec"));
            var s = records[0].Message.Header.Skeleton;
            var r = new HumanoidRetargeter(s, new HumanoidRig(SameAsSource(s)));
            Assert.AreEqual(1f, r.Scale, 1e-6f);
            var chunk = records[records.Count - 2].Message.Chunk;
            var pose = new RetargetedPose(s.Count);
            var local = new Quaternion[s.Count];
            for (int j = 0; j < s.Count; j++)
                local[j] = new Quaternion(chunk.LocalRotations[4 * j], chunk.LocalRotations[4 * j + 1],
                                          chunk.LocalRotations[4 * j + 2], chunk.LocalRotations[4 * j + 3]);
            var root = new Vector3(chunk.RootPositions[0], chunk.RootPositions[1], chunk.RootPositions[2]);
            r.Retarget(root, local, pose);
            Assert.IsTrue((pose.HipsPosition - WireConvention.ToUnity(root)).Length() < 1e-5f);
            for (int j = 0; j < s.Count; j++)
                Assert.IsTrue(RotationMath.AngleDegrees(pose.LocalRotations[j], WireConvention.ToUnity(local[j])) < 0.05f,
                              s.Names[j]);
        }

        [Test]
        public void MissingRequiredBonesAreListed()
        {
            var bones = new System.Collections.Generic.List<RigBone>(SameAsSource(Source()));
            bones.RemoveAll(b => b.Name == "LeftHand" || b.Name == "Head");
            var e = Assert.Throws<ArgumentException>(() => new HumanoidRig(bones));
            Assert.IsTrue(e.Message.Contains("LeftHand") && e.Message.Contains("Head"), e.Message);
        }

        [Test]
        public void BoneWithUnknownParentIsNamed()
        {
            var bones = SameAsSource(Source());
            bones[5].Parent = "Tail";
            var e = Assert.Throws<ArgumentException>(() => new HumanoidRig(bones));
            Assert.IsTrue(e.Message.Contains("Tail"), e.Message);
        }

        [Test]
        public void RigFromAvatarSpaceRecoversLocalRestValues()
        {
            // A rig with rotated local axes, turned into avatar-space rest values (what a Unity
            // component reads off the transforms) and back to local values.
            var bones = SameAsSource(Source());
            var random = new Random(4);
            for (int i = 0; i < bones.Length; i++)
                bones[i].LocalRotation = Quaternion.Normalize(new Quaternion((float)random.NextDouble() - 0.5f,
                    (float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f, (float)random.NextDouble() + 0.5f));
            var rig = new HumanoidRig(bones);
            var names = new string[bones.Length];
            var parents = new string[bones.Length];
            var pos = new Vector3[bones.Length];
            var rot = new Quaternion[bones.Length];
            for (int i = 0; i < bones.Length; i++)
            {
                int p = rig.ParentIndex[i];
                names[i] = bones[i].Name;
                parents[i] = bones[i].Parent;
                rot[i] = p < 0 ? bones[i].LocalRotation : Quaternion.Multiply(rot[p], bones[i].LocalRotation);
                pos[i] = p < 0 ? bones[i].LocalPosition : pos[p] + RotationMath.Rotate(rot[p], bones[i].LocalPosition);
            }
            var back = HumanoidRig.FromAvatarSpace(names, parents, pos, rot);
            for (int i = 0; i < bones.Length; i++)
            {
                Assert.IsTrue((back.Bones[i].LocalPosition - bones[i].LocalPosition).Length() < 1e-5f, names[i]);
                Assert.IsTrue(RotationMath.AngleDegrees(back.Bones[i].LocalRotation, bones[i].LocalRotation) < 0.01f, names[i]);
            }
        }

        [Test]
        public void WrongRotationCountIsRejected()
        {
            var s = Source();
            var r = new HumanoidRetargeter(s, new HumanoidRig(SameAsSource(s)));
            Assert.Throws<ArgumentException>(() => r.Retarget(Vector3.Zero, new Quaternion[3], new RetargetedPose(s.Count)));
        }
    }
}
