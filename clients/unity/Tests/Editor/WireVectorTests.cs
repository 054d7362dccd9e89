using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using DeepMotion.Bridge.Core.Wire;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// The Core's protobuf writer and ModelInfo reader against bytes Python's protobuf wrote
    /// (tests/unity_wire_vectors.py): the gRPC transport sends and parses exactly these.
    /// </summary>
    [TestFixture]
    public class WireVectorTests
    {
        static List<Dictionary<string, string>> Records(string kind)
        {
            var records = new List<Dictionary<string, string>>();
            foreach (var line in File.ReadAllLines(TestData.File("wire-vectors.txt")))
            {
                if (!line.StartsWith(kind + " ")) continue;
                var fields = new Dictionary<string, string>();
                foreach (var token in line.Substring(kind.Length + 1).Split(' '))
                {
                    int eq = token.IndexOf('=');
                    string key = token.Substring(0, eq), value = token.Substring(eq + 1);
                    // Segments keep their separators; each text is unescaped on its own.
                    fields[key] = key == "segments" ? value : Uri.UnescapeDataString(value);
                }
                records.Add(fields);
            }
            return records;
        }

        static float F(string s)
        {
            float v = float.Parse(s, CultureInfo.InvariantCulture);
            // Mono's (and .NET Framework's) parser drops the sign of "-0.0"; protobuf keeps it.
            return v == 0f && s.StartsWith("-") ? -0f : v;
        }

        /// <summary>The same deterministic floats as tests/unity_wire_vectors.py (exact in float32).</summary>
        static float HistoryValue(int i) => ((i * 3) % 8) / 4f - 1f;

        static string Hex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();

        static byte[] Bytes(string hex)
        {
            var b = new byte[hex.Length / 2];
            for (int i = 0; i < b.Length; i++) b[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return b;
        }

        [Test]
        public void GenerateRequestBytesEqualPythonProtobuf()
        {
            var records = Records("request");
            Assert.IsTrue(records.Count >= 5, "vectors present");
            foreach (var r in records)
            {
                var request = new GenerateRequestData
                {
                    RequestId = r["request_id"], Text = r["text"], DurationS = F(r["duration"]), Seed = ulong.Parse(r["seed"]),
                    HasSeed = r["has_seed"] == "1", GuidanceScale = F(r["guidance"]), MaxLevel = uint.Parse(r["max_level"]),
                };
                int history = int.Parse(r["history"]);
                if (history > 0)
                {
                    var root = new float[3 * history];
                    var rot = new float[4 * 22 * history];
                    for (int i = 0; i < root.Length; i++) root[i] = HistoryValue(i);
                    for (int i = 0; i < rot.Length; i++) rot[i] = HistoryValue(i + 7);
                    request.History = new MotionFramesData { FrameCount = history, RootPositions = root, LocalRotations = rot };
                }
                if (r["segments"] != "none")
                    foreach (var part in r["segments"].Split('|'))
                    {
                        var pair = part.Split(',');
                        request.Segments.Add(new SegmentData { Text = Uri.UnescapeDataString(pair[0]), DurationS = F(pair[1]) });
                    }
                if (r["output"] != "none")
                {
                    var o = r["output"].Split(',');
                    request.Output = new OutputOptionsData
                    {
                        JointPositions = o[0] == "1", FootContacts = o[1] == "1", RootMotion = (RootMotionMode)int.Parse(o[2]),
                    };
                }
                Assert.AreEqual(r["hex"], Hex(request.Encode()), "request '" + r["text"].Substring(0, Math.Min(20, r["text"].Length)) + "'");
            }
        }

        [Test]
        public void ModelInfoDecodesWhatPythonWrote()
        {
            var r = Records("modelinfo")[0];
            var bytes = Bytes(r["hex"]);
            var info = ModelInfoData.Decode(bytes, 0, bytes.Length);
            Assert.AreEqual(r["model_version"], info.ModelVersion);
            Assert.AreEqual(F(r["fps"]), info.Fps);
            Assert.AreEqual(int.Parse(r["levels"]), info.Levels);
            Assert.AreEqual(int.Parse(r["joints"]), info.Skeleton.Count);
            Assert.AreEqual("Hips", info.Skeleton.Names[0]);
            Assert.AreEqual(int.Parse(r["max_text_chars"]), info.Limits.MaxTextChars);
            Assert.AreEqual(F(r["min_duration"]), info.Limits.MinDurationS);
            Assert.AreEqual(F(r["max_duration"]), info.Limits.MaxDurationS);
            Assert.AreEqual(F(r["max_guidance"]), info.Limits.MaxGuidanceScale);
            Assert.AreEqual(F(r["default_guidance"]), info.Limits.DefaultGuidanceScale);
            Assert.AreEqual(int.Parse(r["max_chunk_frames"]), info.Limits.MaxChunkFrames);
            Assert.AreEqual(int.Parse(r["max_queue"]), info.Limits.MaxQueue);
            Assert.AreEqual(int.Parse(r["max_history_frames"]), info.Limits.MaxHistoryFrames);
            Assert.AreEqual(int.Parse(r["min_history_frames"]), info.Limits.MinHistoryFrames);
            Assert.AreEqual(F(r["history_used_s"]), info.Limits.HistoryUsedS);
            Assert.AreEqual(F(r["quaternion_tolerance"]), info.Limits.QuaternionTolerance);
            Assert.AreEqual(int.Parse(r["max_segments"]), info.Limits.MaxSegments);
            Assert.AreEqual(F(r["max_timeline_s"]), info.Limits.MaxTimelineS);
            Assert.AreEqual(int.Parse(r["max_text_tokens"]), info.Limits.MaxTextTokens);
            Assert.AreEqual(r["text_encoder"], info.TextEncoder);
            Assert.AreEqual(r["licence"], info.Licence);
            Assert.AreEqual(r["representation"], info.Representation);
        }

        [Test]
        public void TruncatedModelInfoIsAWireFormatError()
        {
            var bytes = Bytes(Records("modelinfo")[0]["hex"]);
            var e = Assert.Throws<WireFormatException>(() => ModelInfoData.Decode(bytes, 0, bytes.Length - 3));
            Assert.IsTrue(e.Message.Contains("past the end"), e.Message);
        }
    }
}
