using System;
using System.IO;

namespace DeepMotion.Bridge.Tests
{
    /// <summary>
    /// Finds Tests/Editor/TestData: inside Unity (the package folder), from the repository
    /// (scripts/test_unity_core.sh) or wherever DEEPMOTION_TEST_DATA points.
    /// </summary>
    static class TestData
    {
        public static string Dir
        {
            get
            {
                var env = Environment.GetEnvironmentVariable("DEEPMOTION_TEST_DATA");
                if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
                var candidates = new[]
                {
                    Path.Combine("Packages", "com.deepmotion.bridge", "Tests", "Editor", "TestData"),
                    Path.Combine("clients", "unity", "Tests", "Editor", "TestData"),
                    Path.Combine("Tests", "Editor", "TestData"),
                };
                for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
                    foreach (var c in candidates)
                    {
                        var p = Path.Combine(dir.FullName, c);
                        if (Directory.Exists(p)) return p;
                    }
                throw new DirectoryNotFoundException("Tests/Editor/TestData not found; set DEEPMOTION_TEST_DATA");
            }
        }

        public static string File(string name) => Path.Combine(Dir, name);
    }
}
