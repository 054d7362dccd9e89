using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// Finds Tests/Editor/TestData wherever the package lives: next to this source file (the
    /// compiler records its path, so a package added from disk, from git or embedded in
    /// Packages/ all work), or wherever DEEPMOTION_TEST_DATA points.
    /// </summary>
    static class TestData
    {
        public static string Dir
        {
            get
            {
                var env = Environment.GetEnvironmentVariable("DEEPMOTION_TEST_DATA");
                if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
                var here = Path.Combine(Path.GetDirectoryName(SourceFile()) ?? "", "TestData");
                if (Directory.Exists(here)) return here;
                var embedded = Path.Combine("Packages", "com.deepmotion.bridge", "Tests", "Editor", "TestData");
                if (Directory.Exists(embedded)) return Path.GetFullPath(embedded);
                throw new DirectoryNotFoundException(
                    $"Tests/Editor/TestData not found next to {SourceFile()} or in {embedded}; set DEEPMOTION_TEST_DATA");
            }
        }

        public static string File(string name) => Path.Combine(Dir, name);

        static string SourceFile([CallerFilePath] string path = "") => path;
    }
}
