using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using NUnit.Framework;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// MotionSession against a recorded multi-piece session (tools/unity_session_fixture.py): the
    /// Python client's session ran a timed script on the default model; each request the C#
    /// session makes is answered with the recorded piece at once, as the Python client had it.
    /// </summary>
    [TestFixture]
    public class SessionTests
    {
        sealed class Fixture
        {
            public readonly Dictionary<string, string> Settings = new Dictionary<string, string>();
            public readonly List<KeyValuePair<double, string>> Events = new List<KeyValuePair<double, string>>();
            public readonly List<KeyValuePair<int, string>> Pieces = new List<KeyValuePair<int, string>>();  // switch, text
            public readonly List<List<StreamMessage>> Recorded = new List<List<StreamMessage>>();
            public float[] Frames;  // per frame: root xyz then 22 x (x, y, z, w)
            public int Stride;
            public MotionSkeleton Skeleton;

            public float Get(string key) => (float)GetDouble(key);
            public double GetDouble(string key) => double.Parse(Settings[key], CultureInfo.InvariantCulture);
            public int FrameCount => Frames.Length / Stride;
        }

        static Fixture fixture;

        static Fixture Load()
        {
            if (fixture != null) return fixture;
            var f = new Fixture();
            foreach (var raw in File.ReadAllLines(TestData.File("session.txt")))
            {
                if (raw.Length == 0 || raw[0] == '#') continue;
                var parts = raw.Split(new[] { ' ' }, 2);
                if (parts[0] == "event")
                {
                    var e = parts[1].Split(new[] { ' ' }, 2);
                    f.Events.Add(new KeyValuePair<double, string>(double.Parse(e[0], CultureInfo.InvariantCulture), e[1]));
                }
                else if (parts[0] == "piece")
                {
                    var p = parts[1].Split(new[] { ' ' }, 3);
                    f.Pieces.Add(new KeyValuePair<int, string>(int.Parse(p[0]), p[2]));
                }
                else f.Settings[parts[0]] = parts[1];
            }
            foreach (var r in RecordingReader.Read(TestData.File("session.dmrec")))
            {
                if (r.Message.Kind == StreamMessageKind.Header) f.Recorded.Add(new List<StreamMessage>());
                f.Recorded[f.Recorded.Count - 1].Add(r.Message);
            }
            f.Skeleton = f.Recorded[0][0].Header.Skeleton;
            f.Stride = 3 + 4 * f.Skeleton.Count;
            var bytes = File.ReadAllBytes(TestData.File("session-frames.bin"));
            f.Frames = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, f.Frames, 0, bytes.Length);
            return fixture = f;
        }

        static MotionSession NewSession(Fixture f) => new MotionSession
        {
            PieceSeconds = f.Get("piece_s"),
            LeadSeconds = f.Get("lead_s"),
            SwitchDelaySeconds = f.Get("switch_delay_s"),
            HistorySeconds = f.Get("history_s"),
            Seed = (long)f.Get("seed"),
            IdlePrompt = f.Settings["idle"],
        };

        /// <summary>Largest difference between a pose and frame `frame` of the Python session.</summary>
        static float Difference(Fixture f, int frame, MotionPose pose)
        {
            int o = frame * f.Stride;
            float worst = (pose.Root - new Vector3(f.Frames[o], f.Frames[o + 1], f.Frames[o + 2])).Length();
            for (int j = 0; j < pose.Rotations.Length; j++)
            {
                int k = o + 3 + 4 * j;
                var q = new Quaternion(f.Frames[k], f.Frames[k + 1], f.Frames[k + 2], f.Frames[k + 3]);
                worst = Math.Max(worst, Math.Min((pose.Rotations[j] - q).Length(), (pose.Rotations[j] + q).Length()));
            }
            return worst;
        }

        /// <summary>
        /// Runs the fixture's script on the session the way run_script does (events at their time,
        /// then `ticksPerStep` ticks covering step_s); every request is answered at once with the
        /// next recorded piece. `each` runs after every tick.
        /// </summary>
        static List<SessionRequest> RunScript(Fixture f, MotionSession s, int ticksPerStep, Action each = null)
        {
            var requests = new List<SessionRequest>();
            Action<SessionRequest> serve = null;
            serve = r =>
            {
                while (r != null)
                {
                    requests.Add(r);
                    Assert.IsTrue(requests.Count <= f.Recorded.Count, $"request {requests.Count} ({r.Text}) was never made by the Python session");
                    foreach (var m in f.Recorded[requests.Count - 1]) s.Post(r.Piece, m);
                    r = s.Tick(0f);  // takes the piece; asks again if the lead is still short
                }
            };
            var events = new Queue<KeyValuePair<double, string>>(f.Events);
            double step = f.GetDouble("step_s"), seconds = f.GetDouble("seconds"), t = 0.0;
            if (events.Count > 0 && events.Peek().Key <= 0) serve(s.Play(events.Dequeue().Value));
            while (t < seconds)
            {
                while (events.Count > 0 && events.Peek().Key <= t) serve(s.Play(events.Dequeue().Value));
                for (int k = 0; k < ticksPerStep; k++)
                {
                    serve(s.Tick((float)(step / ticksPerStep)));
                    each?.Invoke();
                }
                t += step;
            }
            return requests;
        }

        [Test]
        public void SwitchesAndStitchesLikeThePythonSession()
        {
            var f = Load();
            var s = NewSession(f);
            var pose = new MotionPose(f.Skeleton.Count);
            float worstShown = 0f;
            var requests = RunScript(f, s, 1, () =>
            {
                // What the playhead shows is the Python session's final motion: every refinement has
                // faded in (except in the first piece's first CrossFadeSeconds: it plays as it lands).
                int frame = (int)Math.Floor(s.PlayheadFrames + 1e-6);
                if (frame >= s.CrossFadeSeconds * 20 && frame < f.FrameCount && s.Frame(frame, pose))
                    worstShown = Math.Max(worstShown, Difference(f, frame, pose));
            });

            Assert.AreEqual(f.Pieces.Count, requests.Count, "pieces requested");
            int historyFrames = (int)Math.Round(f.Get("history_s") * 20);
            for (int k = 0; k < requests.Count; k++)
            {
                var r = requests[k];
                Assert.AreEqual(f.Pieces[k].Key, r.SwitchFrame, $"piece {k} ({r.Text}): switch frame");
                Assert.AreEqual(f.Pieces[k].Value, r.Text, $"piece {k}: text");
                Assert.AreEqual(r.Text == f.Settings["idle"], r.Idle, $"piece {k}: idle");
                Assert.AreEqual(7 + k, (int)r.Request.Seed, $"piece {k}: seed");
                if (r.SwitchFrame == 0)
                {
                    Assert.IsNull(r.Request.History, "the first piece starts from the model's own pose");
                    continue;
                }
                // The history is the stitched motion up to the switch, at its final level.
                var h = r.Request.History;
                int first = Math.Max(0, r.SwitchFrame - historyFrames);
                Assert.AreEqual(r.SwitchFrame - first, h.FrameCount, $"piece {k}: history frames");
                float worst = 0f;
                for (int i = 0; i < h.FrameCount && first + i < f.FrameCount; i++)
                {
                    var p = new MotionPose(f.Skeleton.Count) { Root = new Vector3(h.RootPositions[3 * i], h.RootPositions[3 * i + 1], h.RootPositions[3 * i + 2]) };
                    for (int j = 0; j < p.Rotations.Length; j++)
                    {
                        int o = 4 * (f.Skeleton.Count * i + j);
                        p.Rotations[j] = new Quaternion(h.LocalRotations[o], h.LocalRotations[o + 1], h.LocalRotations[o + 2], h.LocalRotations[o + 3]);
                    }
                    worst = Math.Max(worst, Difference(f, first + i, p));
                }
                Assert.IsTrue(worst < 1e-4f, $"piece {k}: history differs from the Python session's frames by {worst}");
            }
            Console.WriteLine($"session: {requests.Count} pieces, switches {string.Join(",", requests.ConvertAll(r => r.SwitchFrame))}; " +
                              $"shown frames differ from Python's by at most {worstShown:E2}");
            Assert.IsTrue(worstShown < 1e-4f, $"a shown frame differs from the Python session's by {worstShown}");
            Assert.AreEqual(0, s.Underruns, "underruns");
        }

        [Test]
        public void NpcPlaysTheSessionAt60FpsWithoutUnderrunOrFrozenEnd()
        {
            var f = Load();
            var s = NewSession(f);
            var playback = new MotionPlayback(new HumanoidRig(RetargeterInputTests.SameAsSource(f.Skeleton)));
            playback.BeginSession(s);
            int completed = 0;
            playback.Completed += () => completed++;
            var states = new HashSet<PlaybackState>();
            var steps = new List<float>();
            Vector3? lastHips = null;
            int ticks = 0;
            var requests = RunScript(f, s, 6, () =>
            {
                playback.Tick(1f / 60f);
                ticks++;
                if (!playback.HasPose) return;
                states.Add(playback.State);
                var hips = playback.Pose.HipsPosition;
                if (lastHips.HasValue) steps.Add((hips - lastHips.Value).Length());
                lastHips = hips;
            });
            // At 60 fps the decisions are the same as at the script's 0.1 s steps.
            Assert.AreEqual(f.Pieces.Count, requests.Count, "pieces requested");
            for (int k = 0; k < requests.Count; k++) Assert.AreEqual(f.Pieces[k].Key, requests[k].SwitchFrame, $"piece {k}: switch");
            CollectionAssert.AreEquivalent(new[] { PlaybackState.Playing }, states, "the NPC plays throughout (never holds or releases)");
            Assert.AreEqual(0, completed, "an idle prompt never lets the session end");
            Assert.AreEqual(0, s.Underruns, "underruns");
            Assert.AreEqual(ticks / 3.0, s.PlayheadFrames, 0.05, "the playhead kept time (20 fps, 60 ticks a second)");
            steps.Sort();
            float p99 = steps[(int)(0.99 * (steps.Count - 1))], largest = steps[steps.Count - 1];
            Console.WriteLine($"60 fps: {steps.Count} ticks, hips step p99 {p99 * 1000:F1} mm, largest {largest * 1000:F1} mm");
            Assert.IsTrue(largest <= 2f * p99, $"the hips jump by {largest} m in one tick (p99 {p99} m)");
        }

        [Test]
        public void FirstPieceStartsFromThePoseOnScreen()
        {
            var f = Load();
            var rig = new HumanoidRig(RetargeterInputTests.SameAsSource(f.Skeleton));
            var retargeter = new HumanoidRetargeter(f.Skeleton, rig);
            // A pose on the avatar: frame 30 of the recorded session, as the avatar shows it.
            var shown = new MotionPose(f.Skeleton.Count);
            var s0 = NewSession(f);
            var onScreen = new RetargetedPose(rig.Bones.Length);
            var source = new MotionPose(f.Skeleton.Count);
            int o = 30 * f.Stride;
            source.Root = new Vector3(f.Frames[o], f.Frames[o + 1], f.Frames[o + 2]);
            for (int j = 0; j < source.Rotations.Length; j++)
                source.Rotations[j] = new Quaternion(f.Frames[o + 3 + 4 * j], f.Frames[o + 4 + 4 * j], f.Frames[o + 5 + 4 * j], f.Frames[o + 6 + 4 * j]);
            retargeter.Retarget(source.Root, source.Rotations, onScreen);
            retargeter.ToStream(onScreen, shown);

            var s = NewSession(f);
            s.MinHistoryFrames = 8;
            s.StartFrom(shown);
            var r = s.Play("a person waves");
            Assert.AreEqual(0, r.SwitchFrame);
            Assert.IsNotNull(r.Request.History, "the pose on screen goes as history");
            Assert.AreEqual(8, r.Request.History.FrameCount, "a still pose, min_history_frames long");
            var h = r.Request.History;
            for (int i = 0; i < h.FrameCount; i++)
            {
                Assert.AreEqual(source.Root.X, h.RootPositions[3 * i], 1e-4, "root x");
                Assert.AreEqual(source.Root.Z, h.RootPositions[3 * i + 2], 1e-4, "root z");
                for (int j = 0; j < f.Skeleton.Count; j++)
                {
                    var q = new Quaternion(h.LocalRotations[4 * (22 * i + j)], h.LocalRotations[4 * (22 * i + j) + 1],
                                           h.LocalRotations[4 * (22 * i + j) + 2], h.LocalRotations[4 * (22 * i + j) + 3]);
                    Assert.IsTrue(Math.Abs(Math.Abs(Quaternion.Dot(q, source.Rotations[j])) - 1f) < 1e-4f, $"joint {j}");
                }
            }
            // Without a pose (and nothing streamed) the first piece starts from the model's own pose.
            Assert.IsNull(s0.Play("a person waves").Request.History);
        }

        [Test]
        public void QueuedPromptsPlayInTurnAndTakeOverFromIdle()
        {
            var f = Load();
            var s = NewSession(f);
            var made = new List<SessionRequest>();
            int next = 0;
            Action<SessionRequest> serve = r =>
            {
                if (r == null) return;
                made.Add(r);
                foreach (var m in f.Recorded[next++ % f.Recorded.Count]) s.Post(r.Piece, m);
            };
            s.Enqueue("a person walks forward");
            s.Enqueue("a person waves");
            serve(s.Tick(0f));
            Assert.AreEqual(1, made.Count, "the first queued prompt goes at once");
            Assert.AreEqual("a person walks forward", made[0].Text);
            for (int i = 0; i < 60 && made.Count < 3; i++) serve(s.Tick(0.05f));
            Assert.AreEqual("a person waves", made[1].Text, "the next queued prompt follows");
            Assert.AreEqual(40, made[1].SwitchFrame, "... at the end of the one before");
            Assert.IsTrue(made[2].Idle, "then the idle prompt");
            Assert.AreEqual(80, made[2].SwitchFrame);
            // A prompt queued while the idle prompt plays takes over a switch delay ahead of the playhead.
            for (int i = 0; i < 30; i++) serve(s.Tick(0.05f));
            int before = made.Count;
            double playhead = s.PlayheadFrames;
            s.Enqueue("a person jumps");
            serve(s.Tick(0f));
            Assert.AreEqual(before + 1, made.Count);
            Assert.AreEqual("a person jumps", made[made.Count - 1].Text);
            Assert.AreEqual((int)Math.Ceiling(playhead - 1e-4) + 8, made[made.Count - 1].SwitchFrame);
            Assert.AreEqual(0, s.Underruns);
        }

        [Test]
        public void FailedPieceIsReportedOnceAndRetriedLater()
        {
            var f = Load();
            var s = NewSession(f);
            s.RetrySeconds = 1f;
            var failures = new List<string>();
            s.Failed += failures.Add;
            var first = s.Play("a person walks forward");
            foreach (var m in f.Recorded[0]) s.Post(first.Piece, m);
            SessionRequest idle = null;
            for (int i = 0; i < 40 && idle == null; i++) idle = s.Tick(0.05f);
            Assert.IsNotNull(idle, "the idle prompt is asked for when the lead runs low");
            s.Fail(idle.Piece, "Unavailable: connection refused");
            s.Fail(idle.Piece, "Unavailable: connection refused");  // a late duplicate from the transport
            Assert.IsNull(s.Tick(0.05f), "no request straight after a failure");
            Assert.AreEqual(1, failures.Count, "reported once");
            StringAssert.Contains("Unavailable", failures[0]);
            SessionRequest retry = null;
            float waited = 0f;
            while (retry == null && waited < 2f) { retry = s.Tick(0.05f); waited += 0.05f; }
            Assert.IsNotNull(retry, "asked again after RetrySeconds");
            Assert.IsTrue(waited >= 0.9f, $"retried after {waited} s");
            Assert.AreEqual(idle.SwitchFrame, retry.SwitchFrame, "the retry continues from the same frame");
        }

        [Test]
        public void PieceArrivingAfterItsSwitchFadesInWithoutAJump()
        {
            var f = Load();
            var s = NewSession(f);
            var first = s.Play("a person walks forward");
            foreach (var m in f.Recorded[0]) s.Post(first.Piece, m);
            for (int i = 0; i < 10; i++) s.Tick(0.05f);
            var late = s.Play("a person waves with the right hand");
            var old = s.Play("a person jogs in place");  // replaces `late` before it arrived
            for (int i = 0; i < 12; i++) s.Tick(0.05f);  // the playhead passes the switch frame
            Assert.IsTrue(s.PlayheadFrames > old.SwitchFrame);
            foreach (var m in f.Recorded[2]) s.Post(late.Piece, m);  // a cancelled piece's late messages
            s.Tick(0f);
            Assert.AreEqual(1, s.Pieces.Count, "messages of a replaced piece are dropped");
            var before = new MotionPose(f.Skeleton.Count);
            var after = new MotionPose(f.Skeleton.Count);
            s.Sample(before);
            foreach (var m in f.Recorded[2]) s.Post(old.Piece, m);
            s.Tick(0f);
            s.Sample(after);
            Assert.AreEqual(1, s.LateSwitches);
            Assert.AreEqual(2, s.Pieces.Count);
            Assert.IsTrue((after.Root - before.Root).Length() < 1e-5f, "the pose on screen does not jump when a late piece lands");
            s.Tick(s.CrossFadeSeconds);
            s.Sample(after);
            var expected = new MotionPose(f.Skeleton.Count);
            s.Frame((int)Math.Floor(s.PlayheadFrames), expected);
            Assert.IsTrue(s.PlayheadFrames - Math.Floor(s.PlayheadFrames) > 1e-3 || (after.Root - expected.Root).Length() < 1e-5f);
        }
    }
}
