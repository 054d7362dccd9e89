// Shim: UnityEditor of Unity 2021.3.58f1 (Unity-Technologies/UnityCsReference, tag 2021.3.58f1).
// Only the members the package uses; each type names the file its signatures come from.
using System;
using UnityEngine;
using Object = UnityEngine.Object;

namespace UnityEditor
{
    // Editor/Mono/Inspector/Editor.cs
    public partial class Editor : ScriptableObject
    {
        public virtual Object target { get { throw null; } set { } }
        public bool DrawDefaultInspector() { throw null; }
        public void Repaint() { }
        public virtual void OnInspectorGUI() { }
    }

    // Editor/Mono/Inspector/CustomEditor.cs
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public class CustomEditor : Attribute
    {
        public CustomEditor(Type inspectedType) { }
        public CustomEditor(Type inspectedType, bool editorForChildClasses) { }
    }

    // Editor/Mono/EditorAssemblies.cs
    [AttributeUsage(AttributeTargets.Class)]
    public class InitializeOnLoadAttribute : Attribute { }

    // Editor/Mono/EditorGUIUtility.bindings.cs
    public enum MessageType { None = 0, Info = 1, Warning = 2, Error = 3 }

    // Editor/Mono/EditorGUILayout.cs
    public sealed partial class EditorGUILayout
    {
        public static void LabelField(string label, string label2, params GUILayoutOption[] options) { }
        public static void HelpBox(string message, MessageType type) { }
        public static void Space() { }

        public class HorizontalScope : IDisposable
        {
            public HorizontalScope(params GUILayoutOption[] options) { }
            public void Dispose() { }
        }
    }

    // Editor/Mono/EditorGUI.cs
    public sealed partial class EditorGUI
    {
        public struct DisabledScope : IDisposable
        {
            public DisabledScope(bool disabled) { }
            public void Dispose() { }
        }
    }

    // Editor/Mono/BuildTargetGroup.cs
    public enum BuildTargetGroup { Unknown = 0, Standalone = 1, iOS = 4, Android = 7, WebGL = 13 }

    // Editor/Mono/BuildTarget.cs
    public enum BuildTarget { NoTarget = -2, StandaloneWindows64 = 19, StandaloneLinux64 = 24, Android = 13, iOS = 9, WebGL = 20 }

    // Editor/Mono/PlayerSettings.bindings.cs
    public sealed partial class PlayerSettings : Object
    {
        public static string GetScriptingDefineSymbolsForGroup(BuildTargetGroup targetGroup) { throw null; }
        public static void SetScriptingDefineSymbolsForGroup(BuildTargetGroup targetGroup, string defines) { }
    }

    // Editor/Mono/EditorUserBuildSettings.bindings.cs
    public partial class EditorUserBuildSettings : Object
    {
        public static BuildTargetGroup selectedBuildTargetGroup { get { throw null; } set { } }
    }

    // Editor/Mono/AssetPipeline/AssetImporter.bindings.cs
    public partial class AssetImporter : Object
    {
        public string assetPath { get { throw null; } }
    }
}

namespace UnityEditor.AssetImporters
{
    // Editor/Mono/AssetPipeline/AssetImportContext.bindings.cs
    public class AssetImportContext
    {
        public string assetPath { get { throw null; } }
        public void SetMainObject(Object obj) { }
        public void AddObjectToAsset(string identifier, Object obj) { }
        public void LogImportError(string msg, Object obj = null) { }
        public void LogImportWarning(string msg, Object obj = null) { }
    }

    // Modules/AssetPipelineEditor/Public/ScriptedImporter.cs
    public abstract class ScriptedImporter : AssetImporter
    {
        public abstract void OnImportAsset(AssetImportContext ctx);
    }

    // Modules/AssetPipelineEditor/Public/ScriptedImporter.cs
    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public class ScriptedImporterAttribute : Attribute
    {
        public ScriptedImporterAttribute(int version, string ext) { }
        public ScriptedImporterAttribute(int version, string[] exts) { }
    }
}

namespace UnityEditor.Build
{
    // Editor/Mono/BuildPipeline/BuildPipelineInterfaces.cs
    public interface IOrderedCallback
    {
        int callbackOrder { get; }
    }

    // Editor/Mono/BuildPipeline/BuildPipelineInterfaces.cs
    public interface IUnityLinkerProcessor : IOrderedCallback
    {
        string GenerateAdditionalLinkXmlFile(Reporting.BuildReport report, UnityLinker.UnityLinkerBuildPipelineData data);
    }
}

namespace UnityEditor.Build.Reporting
{
    // Modules/BuildReportingEditor/Managed/BuildReport.bindings.cs
    public sealed class BuildReport : Object { }
}

namespace UnityEditor.UnityLinker
{
    // Editor/Mono/BuildPipeline/UnityLinker/UnityLinkerBuildPipelineData.cs
    public sealed class UnityLinkerBuildPipelineData
    {
        public readonly BuildTarget target;
        public readonly string inputDirectory;
        public UnityLinkerBuildPipelineData(BuildTarget target, string inputDirectory) { }
    }
}
