using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DeepMotion.Bridge.Core.Wire
{
    /// <summary>A recording that cannot be read; the message names the record and byte offset.</summary>
    public sealed class RecordingFormatException : Exception
    {
        public RecordingFormatException(string message) : base(message) { }
    }

    /// <summary>One recorded response with its arrival time from the start of the stream.</summary>
    public struct RecordedMessage
    {
        public double ArrivalSeconds;
        public StreamMessage Message;
    }

    /// <summary>
    /// Reads .dmrec v1 files as the Python client writes them (deepmotion_client/recording.py):
    /// magic "DMREC\0", u16 version, then records of u64 arrival_us, u32 length and a serialized
    /// GenerateResponse, little-endian. A file that ends inside a record is reported, never guessed.
    /// </summary>
    public static class RecordingReader
    {
        const int MaxRecord = 16 << 20;
        static readonly byte[] Magic = Encoding.ASCII.GetBytes("DMREC\0");

        public static List<RecordedMessage> Read(string path) => Parse(File.ReadAllBytes(path), path);

        public static List<RecordedMessage> Parse(byte[] data, string source = "<recording>")
        {
            if (data.Length < 8 || !StartsWithMagic(data))
                throw new RecordingFormatException($"{source}: not a DeepMotion recording (no DMREC header)");
            int version = data[6] | (data[7] << 8);
            if (version != 1)
                throw new RecordingFormatException($"{source}: recording version {version}; this reader knows version 1");
            var records = new List<RecordedMessage>();
            int pos = 8;
            while (pos < data.Length)
            {
                int n = records.Count;
                if (data.Length - pos < 12)
                    throw new RecordingFormatException($"{source}: truncated: record {n} at byte {pos} has an incomplete header");
                ulong us = BitConverter.ToUInt64(data, pos);
                uint len = BitConverter.ToUInt32(data, pos + 8);
                if (len > MaxRecord)
                    throw new RecordingFormatException($"{source}: record {n} at byte {pos} claims {len} bytes (at most {MaxRecord})");
                if (data.Length - pos - 12 < len)
                    throw new RecordingFormatException($"{source}: truncated: record {n} at byte {pos} needs {len} bytes, " +
                                                      $"{data.Length - pos - 12} remain");
                StreamMessage msg;
                try
                {
                    msg = StreamMessage.Decode(data, pos + 12, (int)len);
                }
                catch (WireFormatException e)
                {
                    throw new RecordingFormatException($"{source}: record {n} at byte {pos}: {e.Message}");
                }
                if (n == 0 && msg.Kind != StreamMessageKind.Header)
                    throw new RecordingFormatException($"{source}: the first record must be the StreamHeader, got {msg.Kind}");
                records.Add(new RecordedMessage { ArrivalSeconds = us / 1e6, Message = msg });
                pos += 12 + (int)len;
            }
            if (records.Count == 0)
                throw new RecordingFormatException($"{source}: the recording holds no records");
            return records;
        }

        static bool StartsWithMagic(byte[] data)
        {
            for (int i = 0; i < Magic.Length; i++)
                if (data[i] != Magic[i]) return false;
            return true;
        }
    }
}
