using UnityEngine;

namespace DeepMotion.Bridge.Samples
{
    /// <summary>
    /// A minimal in-game panel: type a prompt, press Generate, watch the NPC move. Put it on
    /// any GameObject and point `npc` at a character with a DeepMotionNpc component.
    /// </summary>
    public sealed class NpcPromptPanel : MonoBehaviour
    {
        public DeepMotionNpc npc;
        string status = "idle";

        void Start()
        {
            if (npc == null) return;
            var player = npc.GetComponent<DeepMotionPlayer>();
            player.onLevelArrived.AddListener(level => status = $"level {level} arrived");
            player.onCompleted.AddListener(() => status = "done, blending back to the Animator");
            player.onReleased.AddListener(() => status = "idle");
            player.onError.AddListener(message => status = "error: " + message);
        }

        void OnGUI()
        {
            if (npc == null)
            {
                GUILayout.Label("NpcPromptPanel: assign an NPC");
                return;
            }
            GUILayout.BeginArea(new Rect(10, 10, 420, 140), GUI.skin.box);
            npc.prompt = GUILayout.TextField(npc.prompt, 200);
            GUILayout.BeginHorizontal();
            GUILayout.Label($"duration {npc.duration:F1} s", GUILayout.Width(110));
            npc.duration = GUILayout.HorizontalSlider(npc.duration, 1f, 10f);
            GUILayout.EndHorizontal();
            GUILayout.BeginHorizontal();
            if (GUILayout.Button("Generate")) { status = "streaming"; npc.Generate(); }
            if (GUILayout.Button("Release")) npc.Release();
            GUILayout.EndHorizontal();
            GUILayout.Label(status);
            GUILayout.EndArea();
        }
    }
}
