// Shim: com.unity.test-framework (needle-mirror/com.unity.test-framework, UnityEngine.TestRunner/):
// NUnitExtensions/Attributes/UnityTestAttribute.cs and Assertions/LogAssert.cs.
using System;
using System.Text.RegularExpressions;

namespace UnityEngine.TestTools
{
    [AttributeUsage(AttributeTargets.Method)]
    public class UnityTestAttribute : Attribute
    {
        public UnityTestAttribute() { }
    }

    public static class LogAssert
    {
        public static void Expect(LogType type, string message) { }
        public static void Expect(LogType type, Regex message) { }
        public static void NoUnexpectedReceived() { }
        public static bool ignoreFailingMessages { get { throw null; } set { } }
    }
}
