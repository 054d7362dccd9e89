using System;
using System.Collections.Concurrent;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Glue between a stream (network or recording, any thread) and an avatar (main thread):
    /// messages queue up, the main thread feeds them to the Core's frame buffer, samples it at
    /// the render rate, retargets and writes the bone transforms.
    /// </summary>
    public sealed class StreamPlayer
    {
        readonly ConcurrentQueue<StreamMessage> inbox = new ConcurrentQueue<StreamMessage>();
        readonly ConcurrentQueue<string> errors = new ConcurrentQueue<string>();
        readonly HumanoidRig rig;
        readonly Transform[] bones;
        readonly Transform avatarRoot;
        HumanoidRetargeter retargeter;
        RetargetedPose pose;
        MotionPose sample;
        int reportedLevel;
        bool completedReported;
        Vector3 originPosition;
        Quaternion originRotation;

        public ProgressiveFrameBuffer Buffer { get; private set; }
        public StreamHeaderData Header { get; private set; }
        public float CrossFadeSeconds = 0.25f;
        public bool RootMotion = true;

        public event Action<int> LevelArrived;
        public event Action Completed;
        public event Action<string> Failed;

        public StreamPlayer(Animator animator)
        {
            avatarRoot = animator.transform;
            rig = AvatarRig.Build(animator, out bones);
        }

        /// <summary>Thread-safe: called from the network or replay thread.</summary>
        public void Post(StreamMessage message) => inbox.Enqueue(message);

        /// <summary>Thread-safe: the stream failed or was cancelled; playback finishes what it has.</summary>
        public void Fail(string reason)
        {
            errors.Enqueue(reason);
        }

        public void Reset()
        {
            while (inbox.TryDequeue(out _)) { }
            while (errors.TryDequeue(out _)) { }
            Buffer = null;
            Header = null;
            reportedLevel = 0;
            completedReported = false;
        }

        /// <summary>Main thread, once per frame (LateUpdate, after the Animator).</summary>
        public void Tick(float deltaTime)
        {
            while (inbox.TryDequeue(out var m))
            {
                try
                {
                    Handle(m);
                }
                catch (ArgumentException e)
                {
                    // A stream this avatar cannot play (skeleton mismatch, malformed chunk): report it,
                    // keep what was already received playing, never throw out of LateUpdate.
                    Buffer?.End();
                    Failed?.Invoke(e.Message);
                }
            }
            while (errors.TryDequeue(out var e))
            {
                Buffer?.End();
                Failed?.Invoke(e);
            }
            if (Buffer == null) return;
            Buffer.Advance(deltaTime);
            if (Buffer.Sample(sample)) Apply();
            if (Buffer.IsFinished && !completedReported)
            {
                completedReported = true;
                Completed?.Invoke();
            }
        }

        void Handle(StreamMessage m)
        {
            switch (m.Kind)
            {
                case StreamMessageKind.Header:
                    Header = m.Header;
                    retargeter = new HumanoidRetargeter(m.Header.Skeleton, rig);
                    pose = new RetargetedPose(rig.Bones.Length);
                    sample = new MotionPose(m.Header.Skeleton.Count);
                    Buffer = new ProgressiveFrameBuffer(m.Header.FrameCount, m.Header.Skeleton.Count, m.Header.Fps, CrossFadeSeconds);
                    originPosition = avatarRoot.position;
                    originRotation = avatarRoot.rotation;
                    break;
                case StreamMessageKind.Chunk:
                    if (Buffer == null) { Failed?.Invoke("a FrameChunk arrived before the StreamHeader"); return; }
                    var c = m.Chunk;
                    Buffer.AddChunk(c.Level, c.StartFrame, c.FrameCount, c.RootPositions, c.LocalRotations);
                    int complete = Buffer.CompleteLevel;
                    while (reportedLevel < complete) LevelArrived?.Invoke(++reportedLevel);
                    break;
                case StreamMessageKind.End:
                    Buffer?.End();
                    break;
            }
        }

        void Apply()
        {
            retargeter.Retarget(sample.Root, sample.Rotations, pose);
            var hips = new Vector3(pose.HipsPosition.X, pose.HipsPosition.Y, pose.HipsPosition.Z);
            var restHips = rig.Bones[0].LocalPosition;
            if (RootMotion)
            {
                // The NPC's own transform travels; the hips keep their rest offset over it.
                var travel = new Vector3(hips.x - restHips.X, 0f, hips.z - restHips.Z);
                avatarRoot.position = originPosition + originRotation * travel;
            }
            var hipsLocal = new Vector3(restHips.X, hips.y, restHips.Z);
            bones[0].position = avatarRoot.TransformPoint(hipsLocal);
            var rootRotation = avatarRoot.rotation;
            for (int i = 0; i < bones.Length; i++)
            {
                var q = pose.WorldRotations[i];
                bones[i].rotation = rootRotation * new Quaternion(q.X, q.Y, q.Z, q.W);
            }
        }
    }
}
