using System;
using System.Collections.Generic;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>A retargeted frame in Unity space, indexed like the rig's bones.</summary>
    public sealed class RetargetedPose
    {
        /// <summary>Bone rotations in the avatar's root space.</summary>
        public readonly Quaternion[] WorldRotations;
        /// <summary>Bone rotations relative to the parent humanoid bone (Hips: avatar root space).</summary>
        public readonly Quaternion[] LocalRotations;
        /// <summary>Hips position in the avatar's root space.</summary>
        public Vector3 HipsPosition;

        public RetargetedPose(int boneCount)
        {
            WorldRotations = new Quaternion[boneCount];
            LocalRotations = new Quaternion[boneCount];
        }
    }

    /// <summary>
    /// Stream frames onto an avatar's humanoid bones, measured against the avatar's own rest pose.
    /// The same algorithm as deepmotion_client.motion.retarget (Python), and the shared test
    /// vectors hold the two equal: each bone takes the stream bone's world rotation relative to
    /// a T-pose reference computed on the avatar (so A-poses, VRM/UMA proportions and any local
    /// axes work), a per-frame swing keeps the bone aimed where the stream's bone points (rigs
    /// without UpperChest or Neck), and the hips path is scaled by leg length. Work happens in
    /// the wire's right-handed space; only the results are mirrored into Unity's.
    /// </summary>
    public sealed class HumanoidRetargeter
    {
        static readonly Dictionary<string, string[]> Aim = BuildAim();
        static readonly HashSet<string> AlongLeft = new HashSet<string>
        {
            "LeftShoulder", "LeftUpperArm", "LeftLowerArm", "LeftHand",
            "RightShoulder", "RightUpperArm", "RightLowerArm", "RightHand",
        };

        readonly MotionSkeleton source;
        readonly HumanoidRig rig;
        readonly int[] sourceIndex;
        readonly int[] rigIndexOfSource;
        readonly int[] aimSource;
        readonly Vector3[] aimLocal;
        readonly Quaternion[] constant;
        readonly Quaternion rigRotation;
        readonly Vector3 lift;
        readonly Vector3[] srcPos;
        readonly Quaternion[] srcRot, world;

        /// <summary>Target leg length over the stream skeleton's leg length.</summary>
        public readonly float Scale;

        public HumanoidRig Rig => rig;

        public HumanoidRetargeter(MotionSkeleton source, HumanoidRig rig)
        {
            this.source = source ?? throw new ArgumentNullException(nameof(source));
            this.rig = rig ?? throw new ArgumentNullException(nameof(rig));
            int n = rig.Bones.Length;
            sourceIndex = new int[n];
            var unknown = new List<string>();
            for (int i = 0; i < n; i++)
            {
                sourceIndex[i] = source.IndexOf(rig.Bones[i].Name);
                if (sourceIndex[i] < 0) unknown.Add(rig.Bones[i].Name);
            }
            rigIndexOfSource = new int[source.Count];
            for (int j = 0; j < source.Count; j++) rigIndexOfSource[j] = rig.IndexOf(source.Names[j]);
            if (unknown.Count > 0)
                throw new ArgumentException("rig: bones the stream skeleton does not have: " + string.Join(", ", unknown) +
                                            " (allowed: " + string.Join(", ", source.Names) + ")");

            // The avatar's rest pose in the wire's space.
            var tgtPos = new Vector3[n];
            var tgtRot = new Quaternion[n];
            for (int i = 0; i < n; i++)
            {
                var b = rig.Bones[i];
                var p = WireConvention.FromUnity(b.LocalPosition);
                var q = Quaternion.Normalize(WireConvention.FromUnity(b.LocalRotation));
                int pi = rig.ParentIndex[i];
                tgtRot[i] = pi < 0 ? q : Quaternion.Multiply(tgtRot[pi], q);
                tgtPos[i] = pi < 0 ? p : tgtPos[pi] + RotationMath.Rotate(tgtRot[pi], p);
            }
            var restPos = source.RestPositions();
            Func<string, Vector3> T = name => tgtPos[rig.IndexOf(name)];
            Func<string, Vector3> S = name => restPos[source.IndexOf(name)];

            RotationMath.Frame(T("LeftUpperLeg") - T("RightUpperLeg"), T("Head") - T("Hips"),
                               out var l, out var u, out var f);
            rigRotation = RotationMath.SnapToAxes(l, u, f);
            var r0 = rigRotation;
            Func<Func<string, Vector3>, float> Leg = pos => 0.5f * (
                (pos("LeftUpperLeg") - pos("LeftLowerLeg")).Length() + (pos("LeftLowerLeg") - pos("LeftFoot")).Length() +
                (pos("RightUpperLeg") - pos("RightLowerLeg")).Length() + (pos("RightLowerLeg") - pos("RightFoot")).Length());
            Scale = Leg(T) / Leg(S);

            aimSource = new int[n];
            aimLocal = new Vector3[n];
            constant = new Quaternion[n];
            var correction = new Quaternion[n];
            for (int i = 0; i < n; i++)
            {
                string name = rig.Bones[i].Name;
                string aim = null;
                if (Aim.TryGetValue(name, out var candidates))
                    foreach (var c in candidates)
                        if (rig.IndexOf(c) >= 0) { aim = c; break; }
                Quaternion w;
                aimSource[i] = -1;
                if (aim == null)
                {
                    int pi = rig.ParentIndex[i];
                    w = pi < 0 ? Quaternion.Identity : correction[pi];
                }
                else
                {
                    var dT = T(aim) - tgtPos[i];
                    var dS = RotationMath.Rotate(r0, S(aim) - S(name));
                    var axis = RotationMath.Rotate(r0, AlongLeft.Contains(name) ? Vector3.UnitZ : Vector3.UnitX);
                    RotationMath.Frame(dS, axis, out var s1, out var s2, out var s3);
                    RotationMath.Frame(dT, axis, out var t1, out var t2, out var t3);
                    w = Quaternion.Multiply(RotationMath.FromColumns(s1, s2, s3),
                                            Quaternion.Conjugate(RotationMath.FromColumns(t1, t2, t3)));
                    aimSource[i] = source.IndexOf(aim);
                    aimLocal[i] = RotationMath.Rotate(Quaternion.Conjugate(tgtRot[i]), dT);
                }
                correction[i] = w;
                constant[i] = Quaternion.Normalize(Quaternion.Multiply(Quaternion.Conjugate(r0),
                                                                       Quaternion.Multiply(w, tgtRot[i])));
            }
            srcPos = new Vector3[source.Count];
            srcRot = new Quaternion[source.Count];
            world = new Quaternion[n];
            // The hips path is the stream's scaled by leg length, lifted so that in the stream's
            // rest pose the avatar's ankles sit where the stream's (scaled) ankles do.
            var up = RotationMath.Rotate(r0, Vector3.UnitY);
            var identity = new Quaternion[source.Count];
            for (int j = 0; j < identity.Length; j++) identity[j] = Quaternion.Identity;
            WorldRotations(restPos[0], identity);
            var posed = new Vector3[n];
            posed[0] = RotationMath.Rotate(r0, restPos[0] * Scale);
            for (int i = 1; i < n; i++)
                posed[i] = posed[rig.ParentIndex[i]] + RotationMath.Rotate(world[rig.ParentIndex[i]],
                                                                          WireConvention.FromUnity(rig.Bones[i].LocalPosition));
            var anklesT = (posed[rig.IndexOf("LeftFoot")] + posed[rig.IndexOf("RightFoot")]) * 0.5f;
            float ankleS = (S("LeftFoot").Y + S("RightFoot").Y) * 0.5f;
            lift = up * (ankleS * Scale - Vector3.Dot(anklesT, up));
        }

        /// <summary>Retarget one frame (wire convention: root position, local rotations per stream joint).</summary>
        public void Retarget(Vector3 rootPosition, Quaternion[] localRotations, RetargetedPose output)
        {
            if (localRotations == null || localRotations.Length != source.Count)
                throw new ArgumentException($"localRotations must hold {source.Count} rotations");
            WorldRotations(rootPosition, localRotations);
            for (int i = 0; i < world.Length; i++)
            {
                int p = rig.ParentIndex[i];
                var local = p < 0 ? world[i] : Quaternion.Normalize(Quaternion.Multiply(Quaternion.Conjugate(world[p]), world[i]));
                output.WorldRotations[i] = WireConvention.ToUnity(world[i]);
                output.LocalRotations[i] = WireConvention.ToUnity(local);
            }
            var hips = RotationMath.Rotate(rigRotation, rootPosition * Scale) + lift;
            output.HipsPosition = WireConvention.ToUnity(hips);
        }

        /// <summary>
        /// The inverse: a pose on the avatar (as Retarget writes it: world rotations in the avatar's
        /// root space, hips position; Unity space) back to stream joints, so the pose on screen can
        /// be the history a continuation starts from. Each bone takes back its rest alignment;
        /// stream joints the avatar lacks keep their parent's world rotation. The same algorithm
        /// as Retargeter.to_canonical (Python).
        /// </summary>
        public void ToStream(RetargetedPose pose, MotionPose output)
        {
            if (pose == null) throw new ArgumentNullException(nameof(pose));
            if (output == null || output.Rotations.Length != source.Count)
                throw new ArgumentException($"output must hold {source.Count} rotations");
            var inverse = Quaternion.Conjugate(rigRotation);
            for (int j = 0; j < source.Count; j++)
            {
                int i = rigIndexOfSource[j];
                int p = source.Parents[j];
                srcRot[j] = i >= 0
                    ? Quaternion.Normalize(Quaternion.Multiply(Quaternion.Multiply(inverse, WireConvention.FromUnity(pose.WorldRotations[i])),
                                                               Quaternion.Conjugate(constant[i])))
                    : p >= 0 ? srcRot[p] : Quaternion.Identity;
            }
            for (int j = 0; j < source.Count; j++)
            {
                int p = source.Parents[j];
                output.Rotations[j] = p < 0 ? srcRot[j]
                    : Quaternion.Normalize(Quaternion.Multiply(Quaternion.Conjugate(srcRot[p]), srcRot[j]));
            }
            output.Root = RotationMath.Rotate(inverse, WireConvention.FromUnity(pose.HipsPosition) - lift) / Scale;
        }

        /// <summary>Bone rotations in the wire's space, into `world`.</summary>
        void WorldRotations(Vector3 rootPosition, Quaternion[] localRotations)
        {
            source.ForwardKinematics(rootPosition, localRotations, srcPos, srcRot);
            var r0 = rigRotation;
            for (int i = 0; i < world.Length; i++)
            {
                int s = sourceIndex[i];
                var g = Quaternion.Multiply(Quaternion.Multiply(r0, srcRot[s]), constant[i]);
                if (aimSource[i] >= 0)
                {
                    var want = RotationMath.Rotate(r0, srcPos[aimSource[i]] - srcPos[s]);
                    var have = RotationMath.Rotate(g, aimLocal[i]);
                    g = Quaternion.Multiply(RotationMath.Swing(have, want), g);
                }
                world[i] = Quaternion.Normalize(g);
            }
        }

        static Dictionary<string, string[]> BuildAim()
        {
            var up = new[] { "Spine", "Chest", "UpperChest", "Neck", "Head" };
            var aim = new Dictionary<string, string[]>
            {
                ["Hips"] = up, ["Spine"] = Tail(up, 1), ["Chest"] = Tail(up, 2), ["UpperChest"] = Tail(up, 3),
                ["Neck"] = new[] { "Head" },
            };
            foreach (var side in new[] { "Left", "Right" })
            {
                aim[side + "Shoulder"] = new[] { side + "UpperArm" };
                aim[side + "UpperArm"] = new[] { side + "LowerArm" };
                aim[side + "LowerArm"] = new[] { side + "Hand" };
                aim[side + "UpperLeg"] = new[] { side + "LowerLeg" };
                aim[side + "LowerLeg"] = new[] { side + "Foot" };
                aim[side + "Foot"] = new[] { side + "Toes" };
            }
            return aim;
        }

        static string[] Tail(string[] a, int from)
        {
            var r = new string[a.Length - from];
            Array.Copy(a, from, r, 0, r.Length);
            return r;
        }
    }
}
