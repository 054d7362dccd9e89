using System.Collections.Generic;
using System.Numerics;

namespace DeepMotion.Bridge.Core.Wire
{
    /// <summary>StreamHeader: everything needed to play the stream before any frame arrives.</summary>
    public sealed class StreamHeaderData
    {
        public string RequestId = "";
        public MotionSkeleton Skeleton;
        public float Fps;
        public int FrameCount;
        public int[] Levels = new int[0];
        public string ModelVersion = "";
        public ulong Seed;
        public float DurationS;
        public float GuidanceScale;
    }

    /// <summary>FrameChunk: frames [StartFrame, StartFrame + FrameCount) of one level.</summary>
    public sealed class FrameChunkData
    {
        public int Level;
        public int StartFrame;
        public int FrameCount;
        public float[] RootPositions = new float[0];   // 3 per frame
        public float[] LocalRotations = new float[0];  // 4 per joint per frame, (x, y, z, w)
        public float[] JointPositions = new float[0];  // optional, 3 per joint per frame
        public float[] FootContacts = new float[0];    // optional, 4 per frame
    }

    public struct LevelTimingData
    {
        public int Level;
        public float FirstChunkS;
        public float ComputeS;
        public int ChunkCount;
    }

    /// <summary>StreamEnd: the stream finished normally, with per-level timings.</summary>
    public sealed class StreamEndData
    {
        public float TotalS;
        public LevelTimingData[] Timings = new LevelTimingData[0];
    }

    public enum StreamMessageKind { Header, Chunk, End }

    /// <summary>One GenerateResponse: exactly one of Header, Chunk, End is set.</summary>
    public sealed class StreamMessage
    {
        public StreamMessageKind Kind;
        public StreamHeaderData Header;
        public FrameChunkData Chunk;
        public StreamEndData End;

        /// <summary>Decodes a serialized deepmotion.v1.GenerateResponse.</summary>
        public static StreamMessage Decode(byte[] data, int offset, int length)
        {
            var r = new ProtoReader(data, offset, length);
            StreamMessage msg = null;
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: ProtoReader.Expect(wt, 2, "GenerateResponse.header");
                        msg = new StreamMessage { Kind = StreamMessageKind.Header, Header = DecodeHeader(r.ReadMessage()) };
                        break;
                    case 2: ProtoReader.Expect(wt, 2, "GenerateResponse.chunk");
                        msg = new StreamMessage { Kind = StreamMessageKind.Chunk, Chunk = DecodeChunk(r.ReadMessage()) };
                        break;
                    case 3: ProtoReader.Expect(wt, 2, "GenerateResponse.end");
                        msg = new StreamMessage { Kind = StreamMessageKind.End, End = DecodeEnd(r.ReadMessage()) };
                        break;
                    default: r.Skip(wt); break;
                }
            }
            if (msg == null) throw new WireFormatException("GenerateResponse has no payload (header, chunk or end)");
            return msg;
        }

        static StreamHeaderData DecodeHeader(ProtoReader r)
        {
            var h = new StreamHeaderData();
            var levels = new List<int>();
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: h.RequestId = r.ReadString(); break;
                    case 2: h.Skeleton = DecodeSkeleton(r.ReadMessage()); break;
                    case 3: h.Fps = r.ReadFloat(); break;
                    case 4: h.FrameCount = (int)r.ReadVarint(); break;
                    case 5: r.ReadInts(wt, levels); break;
                    case 6: h.ModelVersion = r.ReadString(); break;
                    case 7: h.Seed = r.ReadVarint(); break;
                    case 8: h.DurationS = r.ReadFloat(); break;
                    case 9: h.GuidanceScale = r.ReadFloat(); break;
                    default: r.Skip(wt); break;
                }
            }
            if (h.Skeleton == null) throw new WireFormatException("StreamHeader.skeleton is missing");
            h.Levels = levels.ToArray();
            return h;
        }

        internal static MotionSkeleton DecodeSkeleton(ProtoReader r)
        {
            var names = new List<string>();
            var parents = new List<int>();
            var offsets = new List<float>();
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: names.Add(r.ReadString()); break;
                    case 2: r.ReadInts(wt, parents); break;
                    case 3: r.ReadFloats(wt, offsets); break;
                    default: r.Skip(wt); break;
                }
            }
            if (offsets.Count != names.Count * 3)
                throw new WireFormatException($"Skeleton.rest_offsets has {offsets.Count} floats, expected " +
                                              $"{names.Count * 3} (3 per joint)");
            var off = new Vector3[names.Count];
            for (int j = 0; j < off.Length; j++) off[j] = new Vector3(offsets[3 * j], offsets[3 * j + 1], offsets[3 * j + 2]);
            return new MotionSkeleton(names.ToArray(), parents.ToArray(), off);
        }

        static FrameChunkData DecodeChunk(ProtoReader r)
        {
            var c = new FrameChunkData();
            var root = new List<float>();
            var rot = new List<float>();
            var jp = new List<float>();
            var fc = new List<float>();
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: c.Level = (int)r.ReadVarint(); break;
                    case 2: c.StartFrame = (int)r.ReadVarint(); break;
                    case 3: c.FrameCount = (int)r.ReadVarint(); break;
                    case 4: r.ReadFloats(wt, root); break;
                    case 5: r.ReadFloats(wt, rot); break;
                    case 6: r.ReadFloats(wt, jp); break;
                    case 7: r.ReadFloats(wt, fc); break;
                    default: r.Skip(wt); break;
                }
            }
            c.RootPositions = root.ToArray();
            c.LocalRotations = rot.ToArray();
            c.JointPositions = jp.ToArray();
            c.FootContacts = fc.ToArray();
            return c;
        }

        static StreamEndData DecodeEnd(ProtoReader r)
        {
            var e = new StreamEndData();
            var timings = new List<LevelTimingData>();
            while (r.Next(out int field, out int wt))
            {
                if (field == 1)
                {
                    var t = new LevelTimingData();
                    var sub = r.ReadMessage();
                    while (sub.Next(out int f, out int w))
                    {
                        switch (f)
                        {
                            case 1: t.Level = (int)sub.ReadVarint(); break;
                            case 2: t.FirstChunkS = sub.ReadFloat(); break;
                            case 3: t.ComputeS = sub.ReadFloat(); break;
                            case 4: t.ChunkCount = (int)sub.ReadVarint(); break;
                            default: sub.Skip(w); break;
                        }
                    }
                    timings.Add(t);
                }
                else if (field == 2) e.TotalS = r.ReadFloat();
                else r.Skip(wt);
            }
            e.Timings = timings.ToArray();
            return e;
        }
    }
}
