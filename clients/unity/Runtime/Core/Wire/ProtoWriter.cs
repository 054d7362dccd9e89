using System;
using System.Text;

namespace DeepMotion.Bridge.Core.Wire
{
    /// <summary>
    /// The writing half of ProtoReader: varints, fixed32 floats, strings and nested messages,
    /// fields in number order, proto3 defaults left out (the bytes Google.Protobuf and Python's
    /// protobuf produce for the same message; tests compare them with Python's output).
    /// </summary>
    public sealed class ProtoWriter
    {
        byte[] buffer = new byte[64];
        int length;

        public int Length => length;

        public byte[] ToArray()
        {
            var a = new byte[length];
            Buffer.BlockCopy(buffer, 0, a, 0, length);
            return a;
        }

        public void Varint(int field, ulong value)
        {
            if (value == 0) return;
            Tag(field, 0);
            RawVarint(value);
        }

        public void Bool(int field, bool value)
        {
            if (value) Varint(field, 1);
        }

        public void Float(int field, float value)
        {
            if (BitConverter.ToInt32(BitConverter.GetBytes(value), 0) == 0) return;  // +0.0 is the default; -0.0 is not
            Tag(field, 5);
            var bytes = BitConverter.GetBytes(value);
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
            Raw(bytes, 0, 4);
        }

        public void String(int field, string value)
        {
            if (string.IsNullOrEmpty(value)) return;
            var bytes = Encoding.UTF8.GetBytes(value);
            Tag(field, 2);
            RawVarint((ulong)bytes.Length);
            Raw(bytes, 0, bytes.Length);
        }

        /// <summary>A packed repeated float field (left out when empty, as proto3 does).</summary>
        public void PackedFloats(int field, float[] values)
        {
            if (values == null || values.Length == 0) return;
            Tag(field, 2);
            RawVarint((ulong)(4 * values.Length));
            Ensure(4 * values.Length);
            foreach (var v in values)
            {
                var bytes = BitConverter.GetBytes(v);
                if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
                Raw(bytes, 0, 4);
            }
        }

        /// <summary>A nested message that is present (written even when empty, as protobuf does for a set field).</summary>
        public void Message(int field, ProtoWriter message)
        {
            Tag(field, 2);
            RawVarint((ulong)message.length);
            Raw(message.buffer, 0, message.length);
        }

        void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

        void RawVarint(ulong v)
        {
            while (v >= 0x80)
            {
                Byte((byte)(v | 0x80));
                v >>= 7;
            }
            Byte((byte)v);
        }

        void Byte(byte b)
        {
            Ensure(1);
            buffer[length++] = b;
        }

        void Raw(byte[] data, int offset, int count)
        {
            Ensure(count);
            Buffer.BlockCopy(data, offset, buffer, length, count);
            length += count;
        }

        void Ensure(int more)
        {
            if (length + more <= buffer.Length) return;
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + more));
        }
    }
}
