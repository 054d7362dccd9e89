using System;
using System.Collections.Generic;
using System.Text;

namespace DeepMotion.Bridge.Core.Wire
{
    /// <summary>Malformed protobuf bytes; the message says which field and where.</summary>
    public sealed class WireFormatException : Exception
    {
        public WireFormatException(string message) : base(message) { }
    }

    /// <summary>
    /// Just enough of the protobuf wire format (varints, fixed32, length-delimited, packed
    /// repeated) to read GenerateResponse and ModelInfo. The Core stays free of Google.Protobuf
    /// so that it compiles outside Unity, a recording replays with no gRPC installed, and the
    /// gRPC transport parses live streams with the same code (through a Marshaller).
    /// </summary>
    public struct ProtoReader
    {
        readonly byte[] data;
        int pos;
        readonly int end;

        public ProtoReader(byte[] data, int offset, int length)
        {
            if (offset < 0 || length < 0 || offset + length > data.Length)
                throw new WireFormatException($"message bounds {offset}+{length} exceed the buffer ({data.Length} bytes)");
            this.data = data;
            pos = offset;
            end = offset + length;
        }

        public bool AtEnd => pos >= end;

        /// <summary>Next field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</summary>
        public bool Next(out int field, out int wireType)
        {
            field = 0;
            wireType = 0;
            if (pos >= end) return false;
            ulong key = ReadVarint();
            field = (int)(key >> 3);
            wireType = (int)(key & 7);
            if (field == 0) throw new WireFormatException($"field number 0 at byte {pos}");
            return true;
        }

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (pos >= end) throw new WireFormatException($"varint runs past the end of the message at byte {pos}");
                byte b = data[pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new WireFormatException($"varint longer than 10 bytes at byte {pos}");
        }

        public float ReadFloat()
        {
            if (end - pos < 4) throw new WireFormatException($"fixed32 runs past the end of the message at byte {pos}");
            float v = BitConverter.ToSingle(data, pos);
            if (!BitConverter.IsLittleEndian)
            {
                var tmp = new[] { data[pos + 3], data[pos + 2], data[pos + 1], data[pos] };
                v = BitConverter.ToSingle(tmp, 0);
            }
            pos += 4;
            return v;
        }

        /// <summary>The next length-delimited field as a sub-reader.</summary>
        public ProtoReader ReadMessage()
        {
            int len = ReadLength();
            var sub = new ProtoReader(data, pos, len);
            pos += len;
            return sub;
        }

        public string ReadString()
        {
            int len = ReadLength();
            string s = Encoding.UTF8.GetString(data, pos, len);
            pos += len;
            return s;
        }

        /// <summary>Appends a repeated float field, packed or not.</summary>
        public void ReadFloats(int wireType, List<float> into)
        {
            if (wireType == 5) { into.Add(ReadFloat()); return; }
            Expect(wireType, 2, "repeated float");
            var sub = ReadMessage();
            if ((sub.end - sub.pos) % 4 != 0)
                throw new WireFormatException($"packed floats of {sub.end - sub.pos} bytes (not a multiple of 4)");
            while (!sub.AtEnd) into.Add(sub.ReadFloat());
        }

        /// <summary>Appends a repeated varint field (int32/uint32), packed or not.</summary>
        public void ReadInts(int wireType, List<int> into)
        {
            if (wireType == 0) { into.Add((int)(long)ReadVarint()); return; }
            Expect(wireType, 2, "repeated int");
            var sub = ReadMessage();
            while (!sub.AtEnd) into.Add((int)(long)sub.ReadVarint());
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: ReadVarint(); break;
                case 1: Advance(8); break;
                case 2: Advance(ReadLength()); break;
                case 5: Advance(4); break;
                default: throw new WireFormatException($"unsupported wire type {wireType} at byte {pos}");
            }
        }

        public static void Expect(int wireType, int expected, string what)
        {
            if (wireType != expected)
                throw new WireFormatException($"{what}: wire type {wireType}, expected {expected}");
        }

        int ReadLength()
        {
            ulong len = ReadVarint();
            if (len > (ulong)(end - pos))
                throw new WireFormatException($"length {len} at byte {pos} runs past the end of the message");
            return (int)len;
        }

        void Advance(int n)
        {
            if (n > end - pos) throw new WireFormatException($"field runs past the end of the message at byte {pos}");
            pos += n;
        }
    }
}
