using UnityEngine;

namespace DeepMotion.Bridge.Samples
{
    /// <summary>
    /// A minimal in-game panel: type a prompt, press Play (now, from the pose on screen) or
    /// Enqueue (after what is queued), watch the NPC move; it idles in between. Put it on any
    /// GameObject and point `npc` at a character with a DeepMotionNpc component.
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
            npc.prompt = "a person walks forward";
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
            if (GUILayout.Button("Play")) { status = "streaming"; npc.Play(); }
            if (GUILayout.Button("Enqueue")) npc.Enqueue(npc.prompt);
            if (GUILayout.Button("Release")) npc.Release();
            GUILayout.EndHorizontal();
            var s = npc.Session;
            GUILayout.Label(s != null && s.Pieces.Count > 0
                ? $"{status}; now: {s.Pieces[s.Pieces.Count - 1].Text} ({s.Queued} queued)"
                : status);
            GUILayout.EndArea();
        }
    }
}
