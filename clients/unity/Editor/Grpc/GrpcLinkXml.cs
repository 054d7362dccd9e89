using System.IO;
using UnityEditor.Build;
using UnityEditor.Build.Reporting;
using UnityEditor.UnityLinker;

namespace DeepMotion.Bridge.Editor
{
    /// <summary>
    /// Keeps gRPC and the HTTP/2 handler from IL2CPP's code stripping. Unity ignores a link.xml
    /// inside a package, so the package hands its rules to the linker through this callback.
    /// </summary>
    sealed class GrpcLinkXml : IUnityLinkerProcessor
    {
        static readonly string[] Preserve =
        {
            "DeepMotion.Bridge.Grpc", "Grpc.Core.Api", "Grpc.Net.Client", "Grpc.Net.Common",
            "Cysharp.Net.Http.YetAnotherHttpHandler", "System.IO.Pipelines",
        };

        public int callbackOrder => 0;

        public string GenerateAdditionalLinkXmlFile(BuildReport report, UnityLinkerBuildPipelineData data)
        {
            var path = Path.GetFullPath(Path.Combine("Library", "DeepMotionBridge", "link.xml"));
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            using (var w = new StreamWriter(path))
            {
                w.WriteLine("<linker>");
                foreach (var assembly in Preserve) w.WriteLine($"  <assembly fullname=\"{assembly}\" preserve=\"all\"/>");
                w.WriteLine("</linker>");
            }
            return path;
        }
    }
}
