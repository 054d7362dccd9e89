using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// The wire is right-handed (metres, +Y up, the character faces +Z and its left is +X);
    /// Unity is left-handed with the same up and forward. Mirroring X maps one onto the other,
    /// so a point flips X and a rotation flips the two axes that X mirroring reverses.
    /// </summary>
    public static class WireConvention
    {
        public static Vector3 ToUnity(Vector3 p) => new Vector3(-p.X, p.Y, p.Z);

        public static Quaternion ToUnity(Quaternion q) => new Quaternion(q.X, -q.Y, -q.Z, q.W);

        // The mirror is its own inverse.
        public static Vector3 FromUnity(Vector3 p) => ToUnity(p);

        public static Quaternion FromUnity(Quaternion q) => ToUnity(q);
    }
}
