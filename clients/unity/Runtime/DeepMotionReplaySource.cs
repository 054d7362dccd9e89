using System.Collections.Generic;
using DeepMotion.Bridge.Core.Wire;
using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// Plays a recorded stream (.dmrec, saved by `deepmotion-client generate --record`) on this
    /// character, no server and no gRPC packages needed: for level design, tests, WebGL and demos
    /// that must run offline. With realTime the responses arrive at their recorded times, so the
    /// progressive refinement shows as it did live. Runs on the main thread (no tasks: WebGL).
    /// </summary>
    [RequireComponent(typeof(DeepMotionPlayer))]
    [AddComponentMenu("DeepMotion/DeepMotion Replay Source")]
    public sealed class DeepMotionReplaySource : MonoBehaviour
    {
        [Tooltip("A .dmrec file imported by the package")]
        public DeepMotionRecording recording;
        [Tooltip("Or a .dmrec file renamed to .bytes")]
        public TextAsset recordingBytes;
        [Tooltip("Deliver responses at their recorded arrival times (shows the progressive refinement)")]
        public bool realTime = true;
        public bool playOnStart = true;
        [Tooltip("Start again when the character is back with its Animator")]
        public bool loop;

        DeepMotionPlayer player;
        List<RecordedMessage> records;
        int next;
        int generation = -1;
        float clock;

        void Awake()
        {
            player = GetComponent<DeepMotionPlayer>();
            player.onReleased.AddListener(() => { if (loop && isActiveAndEnabled) Play(); });
        }

        void Start()
        {
            if (playOnStart) Play();
        }

        public void Play()
        {
            byte[] data = recording != null ? recording.Bytes : recordingBytes != null ? recordingBytes.bytes : null;
            string source = recording != null ? recording.name : recordingBytes != null ? recordingBytes.name : null;
            if (data == null)
            {
                player.ReportError("DeepMotionReplaySource: no recording set (recording or recordingBytes)");
                return;
            }
            try
            {
                records = RecordingReader.Parse(data, source);
            }
            catch (RecordingFormatException e)
            {
                player.ReportError(e.Message);
                return;
            }
            generation = player.BeginStream();
            next = 0;
            clock = 0f;
            Deliver();
        }

        void Update()
        {
            if (records == null || generation < 0) return;
            clock += Time.deltaTime;
            Deliver();
        }

        void Deliver()
        {
            while (next < records.Count && (!realTime || records[next].ArrivalSeconds <= clock))
                player.Post(generation, records[next++].Message);
            if (next >= records.Count) records = null;
        }
    }
}
