namespace DeepMotion.Bridge.Editor
{
    using UnityEditor;
    using UnityEngine;

    /// <summary>Generate / Stop / Release in play mode, and the licence of the server's model weights once known.</summary>
    [CustomEditor(typeof(DeepMotionNpc))]
    public sealed class DeepMotionNpcEditor : UnityEditor.Editor
    {
        const string NeedsPlayMode = "Enter play mode to generate. The server must be running: " +
                                     "`deepmotion serve` (see the package documentation).";

        public override void OnInspectorGUI()
        {
            var npc = (DeepMotionNpc)target;
            DrawDefaultInspector();
            if (npc.ModelInfo != null)
                EditorGUILayout.HelpBox($"{npc.ModelInfo.ModelVersion}\nWeights licence: {npc.ModelInfo.Licence}", MessageType.Info);
            if (!Application.isPlaying)
            {
                EditorGUILayout.HelpBox(NeedsPlayMode, MessageType.None);
                return;
            }
            using (new EditorGUILayout.HorizontalScope())
            {
                if (GUILayout.Button("Generate")) npc.Generate();
                using (new EditorGUI.DisabledScope(!npc.IsStreaming))
                    if (GUILayout.Button("Stop")) npc.Stop();
                if (GUILayout.Button("Release")) npc.Release();
            }
            Repaint();
        }
    }
}
