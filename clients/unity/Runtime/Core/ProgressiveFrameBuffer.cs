using System;
using System.Numerics;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// Holds a progressive stream and plays it at any render rate.
    ///
    /// Why it exists: the server sends level 1 for the whole clip first and refines it after,
    /// so refinements often land on frames the player has already seen, chunks can arrive
    /// later than the playhead needs them, and a stream can stop early. The buffer keeps the
    /// highest level per frame, cross-fades every refinement over CrossFadeSeconds from the
    /// moment it lands, interpolates the 20 fps stream to the render rate (slerp), and on
    /// underrun holds the last available pose and resumes from it when data arrives (no snap,
    /// no skip). The fade covers frames ahead of the playhead too: those are the frames about
    /// to be shown, and replacing them at once would make the pose on screen jump by the whole
    /// refinement within one rendered frame (a 30 degree correction landing in ~83 ms).
    /// </summary>
    public sealed class ProgressiveFrameBuffer
    {
        readonly MotionPose[] frames;
        readonly MotionPose[] fadeFrom;
        readonly float[] fadeStart;
        readonly int[] level;
        readonly MotionPose scratchA, scratchB;
        int contiguous;

        public readonly int FrameCount;
        public readonly int JointCount;
        public readonly float Fps;
        /// <summary>Seconds a refinement takes to fade in, counted from its arrival.</summary>
        public float CrossFadeSeconds;

        /// <summary>Playhead in stream frames (fractional).</summary>
        public float PlayheadFrames { get; private set; }
        public float PlayheadSeconds => PlayheadFrames / Fps;
        /// <summary>Time the buffer has been advanced, stalls included; cross-fades run on it.</summary>
        public float Clock { get; private set; }
        /// <summary>No more chunks will come (StreamEnd, an error or a cancelled stream).</summary>
        public bool Ended { get; private set; }
        /// <summary>Frames [0, ContiguousFrames) are available at some level.</summary>
        public int ContiguousFrames => contiguous;
        /// <summary>Times playback had to hold because the next frame had not arrived.</summary>
        public int Underruns { get; private set; }
        public float StalledSeconds { get; private set; }
        public bool Stalled { get; private set; }
        /// <summary>Refined frames that replaced frames already held at a lower level (each one cross-faded).</summary>
        public int CrossFadedFrames { get; private set; }
        public bool Started => contiguous > 0;
        /// <summary>The stream ended and the playhead reached its last available frame.</summary>
        public bool IsFinished => Ended && (contiguous == 0 || PlayheadFrames >= contiguous - 1);

        public ProgressiveFrameBuffer(int frameCount, int jointCount, float fps, float crossFadeSeconds = 0.25f)
        {
            if (frameCount <= 0) throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "frame_count must be positive");
            if (jointCount <= 0) throw new ArgumentOutOfRangeException(nameof(jointCount), jointCount, "joint count must be positive");
            if (!(fps > 0f)) throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be positive");
            FrameCount = frameCount;
            JointCount = jointCount;
            Fps = fps;
            CrossFadeSeconds = Math.Max(0f, crossFadeSeconds);
            frames = new MotionPose[frameCount];
            fadeFrom = new MotionPose[frameCount];
            fadeStart = new float[frameCount];
            level = new int[frameCount];
            for (int f = 0; f < frameCount; f++) fadeStart[f] = float.NegativeInfinity;
            scratchA = new MotionPose(jointCount);
            scratchB = new MotionPose(jointCount);
        }

        /// <summary>The level held for a frame (0: not received yet).</summary>
        public int LevelOf(int frame) => level[frame];

        /// <summary>The lowest level over all frames: the level the whole clip has reached.</summary>
        public int CompleteLevel
        {
            get
            {
                int m = int.MaxValue;
                foreach (var l in level) m = Math.Min(m, l);
                return m;
            }
        }

        /// <summary>
        /// Stores a chunk (wire convention). Frames already held at a higher level are kept.
        /// Returns how many held frames were replaced (they cross-fade from their current pose).
        /// </summary>
        public int AddChunk(int chunkLevel, int startFrame, int frameCount, float[] rootPositions, float[] localRotations)
        {
            if (chunkLevel < 1) throw new ArgumentOutOfRangeException("level", chunkLevel, "level must be 1 or more");
            if (startFrame < 0 || frameCount < 0 || startFrame + frameCount > FrameCount)
                throw new ArgumentOutOfRangeException("start_frame", startFrame,
                    $"frames {startFrame}..{startFrame + frameCount} must lie within the header's frame_count {FrameCount}");
            if (rootPositions == null || rootPositions.Length != 3 * frameCount)
                throw new ArgumentException($"root_positions must hold 3 x {frameCount} floats, got {rootPositions?.Length ?? 0}", "root_positions");
            if (localRotations == null || localRotations.Length != 4 * JointCount * frameCount)
                throw new ArgumentException($"local_rotations must hold 4 x {JointCount} x {frameCount} floats, got " +
                                            $"{localRotations?.Length ?? 0}", "local_rotations");
            int faded = 0;
            for (int i = 0; i < frameCount; i++)
            {
                int f = startFrame + i;
                if (level[f] > chunkLevel) continue;
                if (level[f] > 0)
                {
                    // Fade from what this frame shows now (which may itself be mid-fade).
                    if (fadeFrom[f] == null) fadeFrom[f] = new MotionPose(JointCount);
                    FramePose(f, scratchA);
                    fadeFrom[f].CopyFrom(scratchA);
                    fadeStart[f] = Clock;
                    faded++;
                }
                var pose = frames[f] ?? (frames[f] = new MotionPose(JointCount));
                pose.Root = new Vector3(rootPositions[3 * i], rootPositions[3 * i + 1], rootPositions[3 * i + 2]);
                int o = 4 * JointCount * i;
                for (int j = 0; j < JointCount; j++, o += 4)
                    pose.Rotations[j] = Quaternion.Normalize(new Quaternion(localRotations[o], localRotations[o + 1],
                                                                            localRotations[o + 2], localRotations[o + 3]));
                level[f] = chunkLevel;
            }
            while (contiguous < FrameCount && level[contiguous] > 0) contiguous++;
            CrossFadedFrames += faded;
            return faded;
        }

        /// <summary>No more data: StreamEnd, a failed or cancelled stream. Playback ends at the last available frame.</summary>
        public void End() => Ended = true;

        /// <summary>Cross-fade weight of a frame's current data (1: fully the newest level).</summary>
        public float CrossFadeWeight(int frame)
        {
            if (fadeFrom[frame] == null || CrossFadeSeconds <= 0f) return 1f;
            return Math.Min(1f, Math.Max(0f, (Clock - fadeStart[frame]) / CrossFadeSeconds));
        }

        /// <summary>
        /// Moves the playhead by dt seconds of playback. Before the first frame arrives and while
        /// the next frame is missing, the playhead holds (an underrun) and resumes later.
        /// </summary>
        public void Advance(float dt)
        {
            if (dt < 0f) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must not be negative");
            Clock += dt;
            float want = PlayheadFrames + dt * Fps;
            float limit = Math.Max(0, contiguous - 1);
            bool complete = contiguous == FrameCount;
            if (want <= limit || complete || (Ended && contiguous > 0))
            {
                PlayheadFrames = Math.Min(want, limit);
                Stalled = false;
                return;
            }
            // Not enough data yet: hold at the last frame we have.
            if (!Stalled && contiguous > 0) Underruns++;
            Stalled = contiguous > 0;
            StalledSeconds += contiguous > 0 ? (want - limit) / Fps : 0f;
            PlayheadFrames = limit;
        }

        /// <summary>Jumps the playhead (seconds), clamped to the available frames.</summary>
        public void Seek(float seconds)
        {
            PlayheadFrames = Math.Max(0f, Math.Min(seconds * Fps, Math.Max(0, contiguous - 1)));
        }

        /// <summary>The pose at the playhead: interpolated between frames, cross-fades applied.
        /// Returns false (and leaves output alone) before the first frame arrives.</summary>
        public bool Sample(MotionPose output)
        {
            if (contiguous == 0) return false;
            int f0 = (int)Math.Floor(PlayheadFrames);
            f0 = Math.Min(f0, contiguous - 1);
            int f1 = Math.Min(f0 + 1, contiguous - 1);
            float t = Math.Min(1f, Math.Max(0f, PlayheadFrames - f0));
            if (t <= 0f) f1 = f0;
            FramePose(f0, scratchA);
            if (f1 == f0)
            {
                output.CopyFrom(scratchA);
                return true;
            }
            FramePose(f1, scratchB);
            output.Blend(scratchA, scratchB, t);
            return true;
        }

        /// <summary>Runs the cross-fade clock alone, for an owner that keeps its own playhead
        /// (a MotionSession spans many buffers and plays across their seams).</summary>
        public void AdvanceClock(float dt)
        {
            if (dt > 0f) Clock += dt;
        }

        /// <summary>A held frame as it shows now (crossFaded) or at its newest level, which is what
        /// it will show once its fade ends; false when it has not arrived.</summary>
        public bool Frame(int f, MotionPose into, bool crossFaded = true)
        {
            if (f < 0 || f >= contiguous) return false;
            if (crossFaded) FramePose(f, into);
            else into.CopyFrom(frames[f]);
            return true;
        }

        /// <summary>A stored frame with its cross-fade applied.</summary>
        void FramePose(int f, MotionPose into)
        {
            float w = CrossFadeWeight(f);
            if (w >= 1f) into.CopyFrom(frames[f]);
            else into.Blend(fadeFrom[f], frames[f], w);
        }
    }
}
