using System.Collections.Generic;

namespace DeepMotion.Bridge.Core.Wire
{
    /// <summary>deepmotion.v1.RootMotion.</summary>
    public enum RootMotionMode { Unspecified = 0, World = 1, InPlace = 2 }

    /// <summary>deepmotion.v1.OutputOptions.</summary>
    public sealed class OutputOptionsData
    {
        public bool JointPositions;
        public bool FootContacts;
        public RootMotionMode RootMotion;

        internal ProtoWriter Encode()
        {
            var w = new ProtoWriter();
            w.Bool(1, JointPositions);
            w.Bool(2, FootContacts);
            w.Varint(3, (ulong)RootMotion);
            return w;
        }
    }

    /// <summary>deepmotion.v1.MotionFrames: the motion a request continues (canonical skeleton, model fps).</summary>
    public sealed class MotionFramesData
    {
        public int FrameCount;
        public float[] RootPositions = new float[0];   // 3 per frame
        public float[] LocalRotations = new float[0];  // 4 per joint per frame, (x, y, z, w)

        internal ProtoWriter Encode()
        {
            var w = new ProtoWriter();
            w.Varint(1, (ulong)FrameCount);
            w.PackedFloats(2, RootPositions);
            w.PackedFloats(3, LocalRotations);
            return w;
        }
    }

    /// <summary>deepmotion.v1.Segment: one piece of a timeline.</summary>
    public sealed class SegmentData
    {
        public string Text = "";
        public float DurationS;

        internal ProtoWriter Encode()
        {
            var w = new ProtoWriter();
            w.String(1, Text);
            w.Float(2, DurationS);
            return w;
        }
    }

    /// <summary>
    /// deepmotion.v1.GenerateRequest, written by the Core's own encoder: the gRPC transport sends
    /// these bytes through a Marshaller, so Unity projects need no Google.Protobuf and live
    /// streams and recordings go through one parser (StreamMessage.Decode).
    /// </summary>
    public sealed class GenerateRequestData
    {
        public string RequestId = "";
        public string Text = "";
        /// <summary>Seconds; 0 lets the model choose.</summary>
        public float DurationS;
        public ulong Seed;
        public bool HasSeed;
        /// <summary>0 = the model's default.</summary>
        public float GuidanceScale;
        /// <summary>0 = all levels.</summary>
        public uint MaxLevel;
        /// <summary>Null leaves the field unset (server defaults).</summary>
        public OutputOptionsData Output;
        /// <summary>The motion this request continues; null for a fresh clip.</summary>
        public MotionFramesData History;
        /// <summary>A timeline instead of Text + DurationS (each segment continues the one before).</summary>
        public List<SegmentData> Segments = new List<SegmentData>();

        public byte[] Encode()
        {
            var w = new ProtoWriter();
            w.String(1, RequestId);
            w.String(2, Text);
            w.Float(3, DurationS);
            w.Varint(4, Seed);
            w.Bool(5, HasSeed);
            w.Float(6, GuidanceScale);
            w.Varint(7, MaxLevel);
            if (Output != null) w.Message(8, Output.Encode());
            if (History != null) w.Message(9, History.Encode());
            foreach (var segment in Segments) w.Message(10, segment.Encode());
            return w.ToArray();
        }
    }

    /// <summary>deepmotion.v1.Limits: the ranges Generate enforces.</summary>
    public sealed class LimitsData
    {
        public int MaxTextChars;
        public float MinDurationS, MaxDurationS;
        public float MinGuidanceScale, MaxGuidanceScale, DefaultGuidanceScale;
        public int MaxChunkFrames;
        public int MaxQueue;
        /// <summary>GenerateRequest.history: frame count range, the seconds the model uses, quaternion tolerance.</summary>
        public int MaxHistoryFrames, MinHistoryFrames;
        public float HistoryUsedS, QuaternionTolerance;
        /// <summary>GenerateRequest.segments: at most this many, at most this many seconds in all.</summary>
        public int MaxSegments;
        public float MaxTimelineS;
        /// <summary>The text encoder's limit per text, in its tokens (CJK reaches it before MaxTextChars).</summary>
        public int MaxTextTokens;
    }

    /// <summary>deepmotion.v1.ModelInfo: what the server runs, and the licence to show users.</summary>
    public sealed class ModelInfoData
    {
        public string ModelVersion = "";
        public MotionSkeleton Skeleton;
        public float Fps;
        public int Levels;
        public LimitsData Limits = new LimitsData();
        public string TextEncoder = "";
        public string Licence = "";
        public string Representation = "";

        public static ModelInfoData Decode(byte[] data, int offset, int length)
        {
            var r = new ProtoReader(data, offset, length);
            var m = new ModelInfoData();
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: m.ModelVersion = r.ReadString(); break;
                    case 2: m.Skeleton = StreamMessage.DecodeSkeleton(r.ReadMessage()); break;
                    case 3: m.Fps = r.ReadFloat(); break;
                    case 4: m.Levels = (int)r.ReadVarint(); break;
                    case 5: m.Limits = DecodeLimits(r.ReadMessage()); break;
                    case 6: m.TextEncoder = r.ReadString(); break;
                    case 7: m.Licence = r.ReadString(); break;
                    case 8: m.Representation = r.ReadString(); break;
                    default: r.Skip(wt); break;
                }
            }
            return m;
        }

        static LimitsData DecodeLimits(ProtoReader r)
        {
            var l = new LimitsData();
            while (r.Next(out int field, out int wt))
            {
                switch (field)
                {
                    case 1: l.MaxTextChars = (int)r.ReadVarint(); break;
                    case 2: l.MinDurationS = r.ReadFloat(); break;
                    case 3: l.MaxDurationS = r.ReadFloat(); break;
                    case 4: l.MinGuidanceScale = r.ReadFloat(); break;
                    case 5: l.MaxGuidanceScale = r.ReadFloat(); break;
                    case 6: l.DefaultGuidanceScale = r.ReadFloat(); break;
                    case 7: l.MaxChunkFrames = (int)r.ReadVarint(); break;
                    case 8: l.MaxQueue = (int)r.ReadVarint(); break;
                    case 9: l.MaxHistoryFrames = (int)r.ReadVarint(); break;
                    case 10: l.MinHistoryFrames = (int)r.ReadVarint(); break;
                    case 11: l.HistoryUsedS = r.ReadFloat(); break;
                    case 12: l.QuaternionTolerance = r.ReadFloat(); break;
                    case 13: l.MaxSegments = (int)r.ReadVarint(); break;
                    case 14: l.MaxTimelineS = r.ReadFloat(); break;
                    case 15: l.MaxTextTokens = (int)r.ReadVarint(); break;
                    default: r.Skip(wt); break;
                }
            }
            return l;
        }
    }

    /// <summary>deepmotion.v1.GetModelInfoRequest (no fields).</summary>
    public static class GetModelInfoRequestData
    {
        public static readonly byte[] Empty = new byte[0];
    }
}
