namespace DeepMotion.Bridge.Editor
{
    using UnityEditor;
    using UnityEngine;

    /// <summary>Play / Enqueue / Stop / Release in play mode, the session's state, and the licence of the server's model weights once known.</summary>
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
                if (GUILayout.Button("Play")) npc.Play();
                using (new EditorGUI.DisabledScope(!npc.continuous))
                    if (GUILayout.Button("Enqueue")) npc.Enqueue(npc.prompt);
                using (new EditorGUI.DisabledScope(!npc.IsStreaming))
                    if (GUILayout.Button("Stop")) npc.Stop();
                if (GUILayout.Button("Release")) npc.Release();
            }
            var s = npc.Session;
            if (s != null && s.Pieces.Count > 0)
            {
                var piece = s.Pieces[s.Pieces.Count - 1];
                EditorGUILayout.LabelField("Session",
                    $"{s.PlayheadSeconds:F1} s, {s.LeadAheadSeconds:F1} s ahead, {s.Queued} queued, {s.Underruns} underruns; " +
                    $"now: {piece.Text}");
            }
            Repaint();
        }
    }
}
