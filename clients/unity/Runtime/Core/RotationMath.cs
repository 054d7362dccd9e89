using System;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// The few rotation helpers the retargeter needs, written out so that the C# and Python
    /// implementations follow the same steps (System.Numerics matrices use row vectors, which
    /// is easy to get backwards; here every basis is three column vectors).
    /// </summary>
    public static class RotationMath
    {
        public static Vector3 Rotate(Quaternion q, Vector3 v) => Vector3.Transform(v, q);

        public static Quaternion Inverse(Quaternion q) => Quaternion.Conjugate(Quaternion.Normalize(q));

        /// <summary>Shortest-arc rotation taking direction a to direction b.</summary>
        public static Quaternion Swing(Vector3 a, Vector3 b)
        {
            a = Vector3.Normalize(a);
            b = Vector3.Normalize(b);
            var c = Vector3.Cross(a, b);
            return Quaternion.Normalize(new Quaternion(c.X, c.Y, c.Z, 1f + Vector3.Dot(a, b)));
        }

        /// <summary>Orthonormal basis with e1 along primary and e2 in the primary/secondary plane.</summary>
        public static void Frame(Vector3 primary, Vector3 secondary, out Vector3 e1, out Vector3 e2, out Vector3 e3)
        {
            e1 = Vector3.Normalize(primary);
            var s = secondary - e1 * Vector3.Dot(secondary, e1);
            if (s.Length() < 1e-6f)
                throw new ArgumentException("a bone lies along its twist reference axis; cannot align it");
            e2 = Vector3.Normalize(s);
            e3 = Vector3.Cross(e1, e2);
        }

        /// <summary>Quaternion of the rotation matrix whose columns are c0, c1, c2.</summary>
        public static Quaternion FromColumns(Vector3 c0, Vector3 c1, Vector3 c2)
        {
            float m00 = c0.X, m10 = c0.Y, m20 = c0.Z;
            float m01 = c1.X, m11 = c1.Y, m21 = c1.Z;
            float m02 = c2.X, m12 = c2.Y, m22 = c2.Z;
            float trace = m00 + m11 + m22;
            Quaternion q;
            if (trace > 0f)
            {
                float s = (float)Math.Sqrt(trace + 1f) * 2f;
                q = new Quaternion((m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, 0.25f * s);
            }
            else if (m00 > m11 && m00 > m22)
            {
                float s = (float)Math.Sqrt(1f + m00 - m11 - m22) * 2f;
                q = new Quaternion(0.25f * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s);
            }
            else if (m11 > m22)
            {
                float s = (float)Math.Sqrt(1f + m11 - m00 - m22) * 2f;
                q = new Quaternion((m01 + m10) / s, 0.25f * s, (m12 + m21) / s, (m02 - m20) / s);
            }
            else
            {
                float s = (float)Math.Sqrt(1f + m22 - m00 - m11) * 2f;
                q = new Quaternion((m02 + m20) / s, (m12 + m21) / s, 0.25f * s, (m10 - m01) / s);
            }
            return Quaternion.Normalize(q);
        }

        /// <summary>
        /// The nearest rotation that only permutes and flips axes. Rigs are authored axis-aligned;
        /// a head slightly in front of the hips must not tilt the whole motion.
        /// </summary>
        public static Quaternion SnapToAxes(Vector3 c0, Vector3 c1, Vector3 c2)
        {
            var cols = new[] { c0, c1, c2 };
            var outCols = new Vector3[3];
            var used = new bool[3];
            var order = new[] { 0, 1, 2 };
            Array.Sort(order, (a, b) => MaxAbs(cols[b]).CompareTo(MaxAbs(cols[a])));
            foreach (int col in order)
            {
                int best = -1;
                float bestAbs = -1f;
                for (int r = 0; r < 3; r++)
                {
                    float v = Math.Abs(Component(cols[col], r));
                    if (!used[r] && v > bestAbs) { best = r; bestAbs = v; }
                }
                used[best] = true;
                float sign = Component(cols[col], best) < 0f ? -1f : 1f;
                outCols[col] = Axis(best) * sign;
            }
            if (Vector3.Dot(Vector3.Cross(outCols[0], outCols[1]), outCols[2]) < 0f)
            {
                int weakest = order[2];
                outCols[weakest] = -outCols[weakest];
            }
            return FromColumns(outCols[0], outCols[1], outCols[2]);
        }

        static float MaxAbs(Vector3 v) => Math.Max(Math.Abs(v.X), Math.Max(Math.Abs(v.Y), Math.Abs(v.Z)));

        static float Component(Vector3 v, int i) => i == 0 ? v.X : i == 1 ? v.Y : v.Z;

        static Vector3 Axis(int i) => i == 0 ? Vector3.UnitX : i == 1 ? Vector3.UnitY : Vector3.UnitZ;

        /// <summary>Angle in degrees between two rotations (q and -q are the same rotation).</summary>
        public static float AngleDegrees(Quaternion a, Quaternion b)
        {
            float d = Math.Abs(Quaternion.Dot(Quaternion.Normalize(a), Quaternion.Normalize(b)));
            return (float)(2.0 * Math.Acos(Math.Min(1.0, d)) * 180.0 / Math.PI);
        }
    }
}
