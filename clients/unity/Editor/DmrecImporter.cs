using System;
using System.IO;
using System.Linq;
using DeepMotion.Bridge.Core.Wire;
using UnityEditor.AssetImporters;

namespace DeepMotion.Bridge.Editor
{
    /// <summary>
    /// Imports .dmrec recordings as DeepMotionRecording assets, checked on import: a truncated or
    /// damaged file shows its error (record and byte offset) in the Console right away.
    /// </summary>
    [ScriptedImporter(1, "dmrec")]
    public sealed class DmrecImporter : ScriptedImporter
    {
        public override void OnImportAsset(AssetImportContext ctx)
        {
            var bytes = File.ReadAllBytes(ctx.assetPath);
            string summary;
            try
            {
                var records = RecordingReader.Parse(bytes, ctx.assetPath);
                var header = records[0].Message.Header;
                bool ended = records.Last().Message.Kind == StreamMessageKind.End;
                summary = $"{header.FrameCount} frames at {header.Fps} fps, levels {string.Join(",", header.Levels)}, " +
                          $"{header.ModelVersion}{(ended ? "" : " (stream did not end: partial)")}";
                if (!ended) ctx.LogImportWarning($"{ctx.assetPath}: the recorded stream has no StreamEnd; it plays as far as it got");
            }
            catch (RecordingFormatException e)
            {
                ctx.LogImportError(e.Message);
                summary = "unreadable: " + e.Message;
            }
            var recording = DeepMotionRecording.Create(bytes, summary);
            recording.name = Path.GetFileNameWithoutExtension(ctx.assetPath);
            ctx.AddObjectToAsset("recording", recording);
            ctx.SetMainObject(recording);
        }
    }
}
