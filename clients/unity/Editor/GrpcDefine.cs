using System;
using System.Linq;
using UnityEditor;

namespace DeepMotion.Bridge.Editor
{
    /// <summary>
    /// Switches the package's gRPC assemblies on when Grpc.Net.Client is installed as plain DLLs
    /// (NuGetForUnity), which asmdef versionDefines cannot see: it adds DEEPMOTION_GRPC to the
    /// scripting defines, and removes it again when the DLLs are gone, so the project never
    /// stops compiling. Installs through the UnityNuGet registry are seen by versionDefines.
    /// </summary>
    [InitializeOnLoad]
    static class GrpcDefine
    {
        const string Symbol = "DEEPMOTION_GRPC";

        static GrpcDefine()
        {
            bool installed = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Grpc.Net.Client");
            var group = EditorUserBuildSettings.selectedBuildTargetGroup;
            var defines = PlayerSettings.GetScriptingDefineSymbolsForGroup(group)
                .Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(d => d.Trim()).ToList();
            if (installed == defines.Contains(Symbol)) return;
            if (installed) defines.Add(Symbol);
            else defines.Remove(Symbol);
            PlayerSettings.SetScriptingDefineSymbolsForGroup(group, string.Join(";", defines));
        }
    }
}
