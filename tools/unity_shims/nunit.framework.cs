// Shim: NUnit 3.14.0 (nunit/nunit tag v3.14.0, src/NUnitFramework/framework/). Unity's
// com.unity.ext.nunit is NUnit 3.5 with the same members; the package's tests also run under
// Debian's NUnit 2.6, so they may use only what both versions have.
using System;
using System.Collections;

namespace NUnit.Framework
{
    // TestDelegate.cs
    public delegate void TestDelegate();

    // Attributes/TestFixtureAttribute.cs
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
    public class TestFixtureAttribute : Attribute
    {
        public TestFixtureAttribute() { }
        public TestFixtureAttribute(params object[] arguments) { }
    }

    // Attributes/TestAttribute.cs
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public class TestAttribute : Attribute
    {
        public string Description { get; set; }
    }

    // Attributes/TestCaseAttribute.cs
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
    public class TestCaseAttribute : Attribute
    {
        public TestCaseAttribute(params object[] arguments) { }
        public TestCaseAttribute(object arg) { }
        public TestCaseAttribute(object arg1, object arg2) { }
        public TestCaseAttribute(object arg1, object arg2, object arg3) { }
    }

    // Assert.Equality.cs, Assert.Conditions.cs, Assert.Exceptions.cs
    public abstract partial class Assert
    {
        public static void AreEqual(double expected, double actual, double delta, string message, params object[] args) { }
        public static void AreEqual(double expected, double actual, double delta) { }
        public static void AreEqual(object expected, object actual, string message, params object[] args) { }
        public static void AreEqual(object expected, object actual) { }
        public static void IsTrue(bool condition, string message, params object[] args) { }
        public static void IsTrue(bool condition) { }
        public static void IsFalse(bool condition, string message, params object[] args) { }
        public static void IsFalse(bool condition) { }
        public static TActual Throws<TActual>(TestDelegate code, string message, params object[] args) where TActual : Exception { throw null; }
        public static TActual Throws<TActual>(TestDelegate code) where TActual : Exception { throw null; }
        public static void Fail(string message, params object[] args) { }
        public static void IsNull(object anObject, string message, params object[] args) { }
        public static void IsNull(object anObject) { }
        public static void IsNotNull(object anObject, string message, params object[] args) { }
        public static void IsNotNull(object anObject) { }
    }

    // CollectionAssert.cs
    public abstract class CollectionAssert
    {
        public static void AreEqual(IEnumerable expected, IEnumerable actual) { }
        public static void AreEqual(IEnumerable expected, IEnumerable actual, string message, params object[] args) { }
        public static void AreEquivalent(IEnumerable expected, IEnumerable actual) { }
        public static void AreEquivalent(IEnumerable expected, IEnumerable actual, string message, params object[] args) { }
    }

    // StringAssert.cs
    public class StringAssert
    {
        public static void Contains(string expected, string actual, string message, params object[] args) { }
        public static void Contains(string expected, string actual) { }
    }
}
