using UnityEngine;

namespace DeepMotion.Bridge
{
    /// <summary>
    /// A .dmrec stream recording as an asset (the package's importer makes one from every .dmrec
    /// file; `deepmotion-client generate ... --record x.dmrec` writes them). The bytes are checked
    /// on import, so a damaged file shows its error in the Console, not at play time.
    /// </summary>
    public sealed class DeepMotionRecording : ScriptableObject
    {
        [SerializeField, HideInInspector] byte[] bytes = new byte[0];
        [SerializeField] string summary = "";

        public byte[] Bytes => bytes;
        /// <summary>Prompt-free description: frames, levels, model.</summary>
        public string Summary => summary;

        public static DeepMotionRecording Create(byte[] data, string description)
        {
            var r = CreateInstance<DeepMotionRecording>();
            r.bytes = data;
            r.summary = description;
            return r;
        }
    }
}
