using UnityEditor;
using UnityEngine;

namespace DeepMotion.Bridge.Editor
{
    /// <summary>Generate / Stop buttons and live stream state in play mode.</summary>
    [CustomEditor(typeof(DeepMotionNpc))]
    public sealed class DeepMotionNpcEditor : UnityEditor.Editor
    {
        public override void OnInspectorGUI()
        {
            DrawDefaultInspector();
            var npc = (DeepMotionNpc)target;
            EditorGUILayout.Space();
            if (!Application.isPlaying)
            {
                EditorGUILayout.HelpBox("Enter play mode to generate. The server must be running: " +
                                        "`deepmotion serve` (see Documentation~/index.md).", MessageType.Info);
                return;
            }
            using (new EditorGUILayout.HorizontalScope())
            {
                if (GUILayout.Button("Generate")) npc.Generate();
                using (new EditorGUI.DisabledScope(!npc.IsStreaming))
                    if (GUILayout.Button("Stop")) npc.Stop();
            }
            var buffer = npc.Player?.Buffer;
            if (buffer != null)
            {
                EditorGUILayout.LabelField("Model", npc.Player.Header.ModelVersion);
                EditorGUILayout.LabelField("Level (whole clip)", buffer.CompleteLevel.ToString());
                EditorGUILayout.LabelField("Frames received", $"{buffer.ContiguousFrames} / {buffer.FrameCount}");
                EditorGUILayout.LabelField("Playhead", $"{buffer.PlayheadSeconds:F2} s");
                EditorGUILayout.LabelField("Underruns", $"{buffer.Underruns} ({buffer.StalledSeconds:F2} s held)");
                EditorGUILayout.LabelField("Cross-faded frames", buffer.CrossFadedFrames.ToString());
                Repaint();
            }
        }
    }
}
