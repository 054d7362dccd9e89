using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using DeepMotion.Bridge.Core;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>The C# retargeter reproduces the Python client's results (tests/unity_vectors.py).</summary>
    [TestFixture]
    public class RetargetingVectorTests
    {
        const float Tolerance = 1e-4f;

        sealed class Frame
        {
            public Vector3 Root;
            public Quaternion[] Rotations;
            public Vector3 Hips;
            public Quaternion[] Local, World;
        }

        sealed class Rig
        {
            public string Name;
            public List<RigBone> Bones = new List<RigBone>();
            public List<Frame> Frames = new List<Frame>();
        }

        static MotionSkeleton skeleton;
        static List<Rig> rigs;

        static void Load()
        {
            if (rigs != null) return;
            rigs = new List<Rig>();
            var names = new List<string>();
            var parents = new List<int>();
            var offsets = new List<Vector3>();
            Rig rig = null;
            Frame frame = null;
            foreach (var raw in File.ReadAllLines(TestData.File("retargeting-vectors.txt")))
            {
                if (raw.Length == 0 || raw[0] == '#') continue;
                var t = raw.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                switch (t[0])
                {
                    case "joint":
                        names.Add(t[1]);
                        parents.Add(int.Parse(t[2], CultureInfo.InvariantCulture));
                        offsets.Add(Vec(t, 3));
                        break;
                    case "rig":
                        rig = new Rig { Name = t[1] };
                        rigs.Add(rig);
                        break;
                    case "bone":
                        rig.Bones.Add(new RigBone(t[1], t[2] == "-" ? null : t[2], Vec(t, 3), Quat(t, 6)));
                        break;
                    case "frame":
                        frame = new Frame { Root = Vec(t, 1), Rotations = Quats(t, 4) };
                        rig.Frames.Add(frame);
                        break;
                    case "hips": frame.Hips = Vec(t, 1); break;
                    case "local": frame.Local = Quats(t, 1); break;
                    case "world": frame.World = Quats(t, 1); break;
                }
            }
            skeleton = new MotionSkeleton(names.ToArray(), parents.ToArray(), offsets.ToArray());
        }

        static float F(string s) => float.Parse(s, CultureInfo.InvariantCulture);

        static Vector3 Vec(string[] t, int i) => new Vector3(F(t[i]), F(t[i + 1]), F(t[i + 2]));

        static Quaternion Quat(string[] t, int i) => new Quaternion(F(t[i]), F(t[i + 1]), F(t[i + 2]), F(t[i + 3]));

        static Quaternion[] Quats(string[] t, int from)
        {
            var q = new Quaternion[(t.Length - from) / 4];
            for (int k = 0; k < q.Length; k++) q[k] = Quat(t, from + 4 * k);
            return q;
        }

        static float QuatDistance(Quaternion a, Quaternion b)
        {
            // q and -q are the same rotation: compare against the closer sign.
            var d1 = Math.Max(Math.Max(Math.Abs(a.X - b.X), Math.Abs(a.Y - b.Y)), Math.Max(Math.Abs(a.Z - b.Z), Math.Abs(a.W - b.W)));
            var d2 = Math.Max(Math.Max(Math.Abs(a.X + b.X), Math.Abs(a.Y + b.Y)), Math.Max(Math.Abs(a.Z + b.Z), Math.Abs(a.W + b.W)));
            return Math.Min(d1, d2);
        }

        [Test]
        public void VectorFileHoldsAtLeastTwoRigsWithFrames()
        {
            Load();
            Assert.IsTrue(rigs.Count >= 2, "rigs: " + rigs.Count);
            foreach (var r in rigs) Assert.IsTrue(r.Frames.Count >= 8, r.Name);
        }

        [TestCase(0)]
        [TestCase(1)]
        [TestCase(2)]
        public void RetargeterMatchesPython(int rigIndex)
        {
            Load();
            var rig = rigs[rigIndex];
            var retargeter = new HumanoidRetargeter(skeleton, new HumanoidRig(rig.Bones));
            var pose = new RetargetedPose(rig.Bones.Count);
            float worst = 0f;
            foreach (var f in rig.Frames)
            {
                retargeter.Retarget(f.Root, f.Rotations, pose);
                worst = Math.Max(worst, (pose.HipsPosition - f.Hips).Length());
                for (int b = 0; b < rig.Bones.Count; b++)
                {
                    worst = Math.Max(worst, QuatDistance(pose.LocalRotations[b], f.Local[b]));
                    worst = Math.Max(worst, QuatDistance(pose.WorldRotations[b], f.World[b]));
                }
            }
            Console.WriteLine($"vectors {rig.Name}: {rig.Frames.Count} frames, largest difference from Python {worst:E2}");
            Assert.IsTrue(worst < Tolerance, $"{rig.Name}: largest difference from Python {worst}");
        }

        [TestCase(0)]
        [TestCase(1)]
        [TestCase(2)]
        public void PoseOnTheAvatarGoesBackToTheStream(int rigIndex)
        {
            // The inverse (a pose on screen -> stream joints, the history of a session's first
            // piece): retargeting its result again gives the avatar the same pose.
            Load();
            var rig = rigs[rigIndex];
            var retargeter = new HumanoidRetargeter(skeleton, new HumanoidRig(rig.Bones));
            var onAvatar = new RetargetedPose(rig.Bones.Count);
            var again = new RetargetedPose(rig.Bones.Count);
            var back = new MotionPose(skeleton.Count);
            float worst = 0f, worstRoot = 0f;
            foreach (var f in rig.Frames)
            {
                retargeter.Retarget(f.Root, f.Rotations, onAvatar);
                retargeter.ToStream(onAvatar, back);
                retargeter.Retarget(back.Root, back.Rotations, again);
                worst = Math.Max(worst, (again.HipsPosition - onAvatar.HipsPosition).Length());
                for (int b = 0; b < rig.Bones.Count; b++)
                    worst = Math.Max(worst, QuatDistance(again.WorldRotations[b], onAvatar.WorldRotations[b]));
                worstRoot = Math.Max(worstRoot, (back.Root - f.Root).Length());
            }
            Console.WriteLine($"inverse {rig.Name}: avatar -> stream -> avatar differs by {worst:E2}, root by {worstRoot:E2} m");
            Assert.IsTrue(worst < 1e-3f, $"{rig.Name}: the round trip moves the avatar by {worst}");
            Assert.IsTrue(worstRoot < 1e-4f, $"{rig.Name}: the stream root comes back {worstRoot} m away");
        }
    }
}
