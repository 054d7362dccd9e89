using DeepMotion.Bridge.Core;
using UnityEditor;
using UnityEngine;

namespace DeepMotion.Bridge.Editor
{
    /// <summary>Live stream state in play mode and a Release button; setup problems shown before play.</summary>
    [CustomEditor(typeof(DeepMotionPlayer))]
    public sealed class DeepMotionPlayerEditor : UnityEditor.Editor
    {
        public override void OnInspectorGUI()
        {
            DrawDefaultInspector();
            var player = (DeepMotionPlayer)target;
            if (player.SetupError != null)
                EditorGUILayout.HelpBox(player.SetupError, MessageType.Error);
            if (!Application.isPlaying) return;
            var playback = player.Playback;
            if (playback == null) return;
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("State", $"{playback.State} (stream weight {playback.Weight:F2})");
            var buffer = playback.Buffer;
            if (buffer != null)
            {
                EditorGUILayout.LabelField("Model", playback.Header?.ModelVersion ?? "");
                EditorGUILayout.LabelField("Level (whole clip)", buffer.CompleteLevel.ToString());
                EditorGUILayout.LabelField("Frames received", $"{buffer.ContiguousFrames} / {buffer.FrameCount}");
                EditorGUILayout.LabelField("Playhead", $"{buffer.PlayheadSeconds:F2} s");
                EditorGUILayout.LabelField("Underruns", $"{buffer.Underruns} ({buffer.StalledSeconds:F2} s held)");
                EditorGUILayout.LabelField("Cross-faded frames", buffer.CrossFadedFrames.ToString());
            }
            using (new EditorGUI.DisabledScope(playback.State == PlaybackState.Animator))
                if (GUILayout.Button("Release to Animator")) player.Release();
            Repaint();
        }
    }
}
