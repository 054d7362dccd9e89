// Bytes allocated per tick of the Unity package's playback path (MotionPlayback.Tick: frame
// buffer, cross-fades, retargeting, root motion, blend weight), measured under mono on the
// recordings the Python client made from the default model. Run: bash benchmarks/unity_playback.sh
using System;
using System.Collections.Generic;
using System.Diagnostics;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;

static class UnityPlaybackBench
{
    static void Main(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : "clients/unity/Tests/Editor/TestData";
        // The counter must see a small allocation, or a 0 below would mean nothing.
        long probe = GC.GetAllocatedBytesForCurrentThread();
        var sink = new float[64];
        probe = GC.GetAllocatedBytesForCurrentThread() - probe;
        Console.WriteLine($"allocation counter check: new float[64] counted as {probe} bytes ({sink.Length} floats)");
        if (probe <= 0) throw new InvalidOperationException("GC.GetAllocatedBytesForCurrentThread does not count on this runtime");
        foreach (var name in new[] { "wave-right-3s.dmrec", "walk-turn-left-4s.dmrec" })
        {
            var records = RecordingReader.Read(System.IO.Path.Combine(dir, name));
            var s = records[0].Message.Header.Skeleton;
            var bones = new RigBone[s.Count];
            for (int j = 0; j < s.Count; j++)
                bones[j] = new RigBone(s.Names[j], s.Parents[j] < 0 ? null : s.Names[s.Parents[j]],
                                       WireConvention.ToUnity(s.Offsets[j]), System.Numerics.Quaternion.Identity);
            var playback = new MotionPlayback(new HumanoidRig(bones)) { EndBehaviour = EndBehaviour.BlendToAnimator };
            int levels = 0;
            playback.LevelArrived += _ => levels++;
            const float dt = 1f / 60f;
            // Warm up once (JIT), then measure a fresh stream.
            foreach (var phase in new[] { "warm-up", "measured" })
            {
                int g = playback.Begin();
                foreach (var r in records) playback.Post(g, r.Message);
                playback.Tick(dt);  // handles every message: header, chunks of all levels, end (allocates by design)
                var playing = new List<long>();
                var releasing = new List<long>();
                var times = new List<double>();
                var sw = new Stopwatch();
                for (int tick = 0; tick < 600 && playback.State != PlaybackState.Animator; tick++)
                {
                    var state = playback.State;
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    sw.Restart();
                    playback.Tick(dt);
                    sw.Stop();
                    long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                    (state == PlaybackState.Releasing ? releasing : playing).Add(bytes);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                if (phase == "warm-up") continue;
                times.Sort();
                Console.WriteLine($"{name}: playback tick (steady state, {s.Count} joints, 60 fps): " +
                                  $"{Max(playing)} bytes allocated per tick at most over {playing.Count} playing ticks, " +
                                  $"{Max(releasing)} over {releasing.Count} release ticks; median {times[times.Count / 2]:F3} ms per tick");
            }
        }
    }

    static long Max(List<long> xs)
    {
        long m = 0;
        foreach (var x in xs) m = Math.Max(m, x);
        return m;
    }
}
