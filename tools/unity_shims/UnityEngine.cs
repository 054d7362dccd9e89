// Shim: UnityEngine of Unity 2021.3.58f1 (Unity-Technologies/UnityCsReference, tag 2021.3.58f1).
// Only the members the package uses; each type names the file its signatures come from.
using System;
using System.Collections.Generic;

namespace UnityEngine
{
    // Runtime/Export/Scripting/UnityEngineObject.bindings.cs
    public partial class Object
    {
        public string name { get { throw null; } set { } }
        public static void Destroy(Object obj) { }
        public static void DestroyImmediate(Object obj) { }
        public static implicit operator bool(Object exists) { throw null; }
    }

    // Runtime/Export/Scripting/Component.bindings.cs
    public partial class Component : Object
    {
        public Transform transform { get { throw null; } }
        public GameObject gameObject { get { throw null; } }
        public T GetComponent<T>() { throw null; }
    }

    // Runtime/Export/Scripting/Behaviour.bindings.cs
    public partial class Behaviour : Component
    {
        public bool enabled { get { throw null; } set { } }
        public bool isActiveAndEnabled { get { throw null; } }
    }

    // Runtime/Export/Scripting/MonoBehaviour.bindings.cs
    public class MonoBehaviour : Behaviour { }

    // Runtime/Export/Scripting/ScriptableObject.bindings.cs
    public class ScriptableObject : Object
    {
        public static T CreateInstance<T>() where T : ScriptableObject { throw null; }
    }

    // Runtime/Export/Scripting/GameObject.bindings.cs
    public sealed partial class GameObject : Object
    {
        public GameObject(string name) { }
        public GameObject() { }
        public static GameObject CreatePrimitive(PrimitiveType type) { throw null; }
        public T AddComponent<T>() where T : Component { throw null; }
        public T GetComponent<T>() { throw null; }
        public Transform transform { get { throw null; } }
    }

    // Runtime/Export/BaseClass.cs
    public enum PrimitiveType { Sphere = 0, Capsule = 1, Cylinder = 2, Cube = 3, Plane = 4, Quad = 5 }

    // Runtime/Export/BaseClass.cs
    public enum LogType { Error = 0, Assert = 1, Warning = 2, Log = 3, Exception = 4 }

    // Runtime/Transform/ScriptBindings/Transform.bindings.cs
    public partial class Transform : Component, System.Collections.IEnumerable
    {
        protected Transform() { }
        public Vector3 position { get { throw null; } set { } }
        public Vector3 localPosition { get { throw null; } set { } }
        public Quaternion rotation { get { throw null; } set { } }
        public Quaternion localRotation { get { throw null; } set { } }
        public Vector3 localScale { get { throw null; } set { } }
        public Vector3 lossyScale { get { throw null; } }
        public Transform parent { get { throw null; } set { } }
        public void SetParent(Transform parent, bool worldPositionStays) { }
        public void SetPositionAndRotation(Vector3 position, Quaternion rotation) { }
        public Vector3 TransformPoint(Vector3 position) { throw null; }
        public Vector3 TransformVector(Vector3 vector) { throw null; }
        public Vector3 TransformDirection(Vector3 direction) { throw null; }
        public Vector3 InverseTransformPoint(Vector3 position) { throw null; }
        public System.Collections.IEnumerator GetEnumerator() { throw null; }
    }

    // Runtime/Export/Math/Vector3.cs
    public partial struct Vector3 : IEquatable<Vector3>
    {
        public float x;
        public float y;
        public float z;
        public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
        public static Vector3 Lerp(Vector3 a, Vector3 b, float t) { throw null; }
        public Vector3 normalized { get { throw null; } }
        public float magnitude { get { throw null; } }
        public static Vector3 zero { get { throw null; } }
        public static Vector3 one { get { throw null; } }
        public static Vector3 up { get { throw null; } }
        public static Vector3 forward { get { throw null; } }
        public static Vector3 operator +(Vector3 a, Vector3 b) { throw null; }
        public static Vector3 operator -(Vector3 a, Vector3 b) { throw null; }
        public static Vector3 operator *(Vector3 a, float d) { throw null; }
        public static Vector3 operator *(float d, Vector3 a) { throw null; }
        public bool Equals(Vector3 other) { throw null; }
    }

    // Runtime/Export/Math/Vector4.cs
    public partial struct Vector4 : IEquatable<Vector4>
    {
        public static implicit operator Vector3(Vector4 v) { throw null; }
        public bool Equals(Vector4 other) { throw null; }
    }

    // Runtime/Export/Math/Quaternion.cs
    public partial struct Quaternion : IEquatable<Quaternion>
    {
        public float x;
        public float y;
        public float z;
        public float w;
        public Quaternion(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; }
        public static Quaternion identity { get { throw null; } }
        public static Quaternion Slerp(Quaternion a, Quaternion b, float t) { throw null; }
        public static Quaternion AngleAxis(float angle, Vector3 axis) { throw null; }
        public static Quaternion FromToRotation(Vector3 fromDirection, Vector3 toDirection) { throw null; }
        public static Quaternion Inverse(Quaternion rotation) { throw null; }
        public static Quaternion operator *(Quaternion lhs, Quaternion rhs) { throw null; }
        public static Vector3 operator *(Quaternion rotation, Vector3 point) { throw null; }
        public bool Equals(Quaternion other) { throw null; }
    }

    // Runtime/Export/Math/Matrix4x4.cs
    public partial struct Matrix4x4 : IEquatable<Matrix4x4>
    {
        public static Matrix4x4 identity { get { throw null; } }
        public static Matrix4x4 TRS(Vector3 pos, Quaternion q, Vector3 s) { throw null; }
        public Vector4 GetColumn(int index) { throw null; }
        public Quaternion rotation { get { throw null; } }
        public static Matrix4x4 operator *(Matrix4x4 lhs, Matrix4x4 rhs) { throw null; }
        public bool Equals(Matrix4x4 other) { throw null; }
    }

    // Runtime/Export/Geometry/Rect.cs
    public partial struct Rect : IEquatable<Rect>
    {
        public Rect(float x, float y, float width, float height) { }
        public bool Equals(Rect other) { throw null; }
    }

    // Runtime/Export/Math/Mathf.cs
    public partial struct Mathf
    {
        public static float Max(float a, float b) { throw null; }
        public static int Max(int a, int b) { throw null; }
        public static float Min(float a, float b) { throw null; }
        public static float Clamp01(float value) { throw null; }
    }

    // Runtime/Export/Time/Time.bindings.cs
    public class Time
    {
        public static float deltaTime { get { throw null; } }
    }

    // Runtime/Export/Debug/Debug.bindings.cs
    public partial class Debug
    {
        public static void Log(object message) { }
        public static void Log(object message, Object context) { }
        public static void LogWarning(object message) { }
        public static void LogWarning(object message, Object context) { }
        public static void LogError(object message) { }
        public static void LogError(object message, Object context) { }
    }

    // Runtime/Export/Application/Application.cs
    public partial class Application
    {
        public static bool isPlaying { get { throw null; } }
        public static event Action quitting { add { } remove { } }
    }

    // Runtime/Export/Scripting/TextAsset.cs
    public partial class TextAsset : Object
    {
        public byte[] bytes { get { throw null; } }
        public string text { get { throw null; } }
    }

    // Modules/Animation/ScriptBindings/Animator.bindings.cs
    public partial class Animator : Behaviour
    {
        public Avatar avatar { get { throw null; } set { } }
        public Transform GetBoneTransform(HumanBodyBones humanBoneId) { throw null; }
    }

    // Modules/Animation/ScriptBindings/Avatar.bindings.cs
    public partial class Avatar : Object
    {
        public bool isValid { get { throw null; } }
        public bool isHuman { get { throw null; } }
        public HumanDescription humanDescription { get { throw null; } }
    }

    // Modules/Animation/ScriptBindings/Avatar.bindings.cs
    public enum HumanBodyBones
    {
        Hips = 0, LeftUpperLeg = 1, RightUpperLeg = 2, LeftLowerLeg = 3, RightLowerLeg = 4, LeftFoot = 5, RightFoot = 6,
        Spine = 7, Chest = 8, UpperChest = 54, Neck = 9, Head = 10, LeftShoulder = 11, RightShoulder = 12,
        LeftUpperArm = 13, RightUpperArm = 14, LeftLowerArm = 15, RightLowerArm = 16, LeftHand = 17, RightHand = 18,
        LeftToes = 19, RightToes = 20, LeftEye = 21, RightEye = 22, Jaw = 23, LastBone = 55,
    }

    // Modules/Animation/ScriptBindings/AvatarBuilder.bindings.cs
    public struct SkeletonBone
    {
        public string name;
        public Vector3 position;
        public Quaternion rotation;
        public Vector3 scale;
    }

    // Modules/Animation/ScriptBindings/AvatarBuilder.bindings.cs
    public struct HumanLimit
    {
        public bool useDefaultValues { get { throw null; } set { } }
    }

    // Modules/Animation/ScriptBindings/AvatarBuilder.bindings.cs
    public struct HumanBone
    {
        public string boneName { get { throw null; } set { } }
        public string humanName { get { throw null; } set { } }
        public HumanLimit limit;
    }

    // Modules/Animation/ScriptBindings/AvatarBuilder.bindings.cs
    public struct HumanDescription
    {
        public HumanBone[] human;
        public SkeletonBone[] skeleton;
        public float upperArmTwist { get { throw null; } set { } }
        public float lowerArmTwist { get { throw null; } set { } }
        public float upperLegTwist { get { throw null; } set { } }
        public float lowerLegTwist { get { throw null; } set { } }
        public float armStretch { get { throw null; } set { } }
        public float legStretch { get { throw null; } set { } }
        public float feetSpacing { get { throw null; } set { } }
        public bool hasTranslationDoF { get { throw null; } set { } }
    }

    // Modules/Animation/ScriptBindings/AvatarBuilder.bindings.cs
    public class AvatarBuilder
    {
        public static Avatar BuildHumanAvatar(GameObject go, HumanDescription humanDescription) { throw null; }
    }

    // Modules/Animation/ScriptBindings/HumanTrait.bindings.cs
    public sealed class HumanTrait
    {
        public static string[] BoneName { get { throw null; } }
    }

    // Modules/Physics/ScriptBindings/Dynamics.bindings.cs
    public partial class Collider : Component
    {
        public bool enabled { get { throw null; } set { } }
    }

    // Modules/Physics/Managed/Dynamics.cs
    [Flags]
    public enum CollisionFlags { None = 0, Sides = 1, Above = 2, Below = 4 }

    // Modules/Physics/ScriptBindings/Dynamics.bindings.cs
    public partial class CharacterController : Collider
    {
        public CollisionFlags Move(Vector3 motion) { throw null; }
        public bool isGrounded { get { throw null; } }
    }

    // Runtime/Export/PropertyDrawer/PropertyAttribute.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public abstract class PropertyAttribute : Attribute { }

    // Runtime/Export/PropertyDrawer/PropertyAttribute.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = true)]
    public class HeaderAttribute : PropertyAttribute
    {
        public HeaderAttribute(string header) { }
    }

    // Runtime/Export/PropertyDrawer/PropertyAttribute.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : PropertyAttribute
    {
        public TooltipAttribute(string tooltip) { }
    }

    // Runtime/Export/PropertyDrawer/PropertyAttribute.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class RangeAttribute : PropertyAttribute
    {
        public RangeAttribute(float min, float max) { }
    }

    // Runtime/Export/PropertyDrawer/PropertyAttribute.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TextAreaAttribute : PropertyAttribute
    {
        public TextAreaAttribute() { }
        public TextAreaAttribute(int minLines, int maxLines) { }
    }

    // Runtime/Export/Scripting/Attributes.cs
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent) { }
    }

    // Runtime/Export/Scripting/Attributes.cs
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) { }
    }

    // Runtime/Export/Scripting/Attributes.cs
    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class DisallowMultipleComponent : Attribute { }

    // Runtime/Export/Scripting/Attributes.cs
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
    public class HideInInspector : Attribute { }

    // Runtime/Export/Serialization/Serialization.cs
    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class SerializeField : Attribute { }

    // Modules/IMGUI/GUILayoutOption.cs
    public sealed class GUILayoutOption { }

    // Modules/IMGUI/GUIStyle.cs
    public sealed partial class GUIStyle { }

    // Modules/IMGUI/GUISkin.cs
    public sealed class GUISkin : ScriptableObject
    {
        public GUIStyle box { get { throw null; } set { } }
    }

    // Modules/IMGUI/GUI.cs
    public partial class GUI
    {
        public static GUISkin skin { get { throw null; } set { } }
    }

    // Modules/IMGUI/GUILayout.cs
    public partial class GUILayout
    {
        public static void Label(string text, params GUILayoutOption[] options) { }
        public static string TextField(string text, int maxLength, params GUILayoutOption[] options) { throw null; }
        public static bool Button(string text, params GUILayoutOption[] options) { throw null; }
        public static float HorizontalSlider(float value, float leftValue, float rightValue, params GUILayoutOption[] options) { throw null; }
        public static void BeginHorizontal(params GUILayoutOption[] options) { }
        public static void EndHorizontal() { }
        public static void BeginArea(Rect screenRect, GUIStyle style) { }
        public static void EndArea() { }
        public static GUILayoutOption Width(float width) { throw null; }
    }
}

namespace UnityEngine.Events
{
    // Runtime/Export/UnityEvent/UnityEvent/UnityEvent_0.cs
    public delegate void UnityAction();

    // Runtime/Export/UnityEvent/UnityEvent/UnityEvent_1.cs
    public delegate void UnityAction<T0>(T0 arg0);

    // Runtime/Export/UnityEvent/UnityEvent.cs
    [Serializable]
    public abstract class UnityEventBase
    {
        public void RemoveAllListeners() { }
    }

    // Runtime/Export/UnityEvent/UnityEvent/UnityEvent_0.cs
    [Serializable]
    public class UnityEvent : UnityEventBase
    {
        public UnityEvent() { }
        public void AddListener(UnityAction call) { }
        public void RemoveListener(UnityAction call) { }
        public void Invoke() { }
    }

    // Runtime/Export/UnityEvent/UnityEvent/UnityEvent_1.cs
    [Serializable]
    public class UnityEvent<T0> : UnityEventBase
    {
        public UnityEvent() { }
        public void AddListener(UnityAction<T0> call) { }
        public void RemoveListener(UnityAction<T0> call) { }
        public void Invoke(T0 arg0) { }
    }
}

namespace UnityEngine.AI
{
    // Modules/AI/Components/NavMeshAgent.bindings.cs
    public sealed class NavMeshAgent : Behaviour
    {
        public void Move(Vector3 offset) { }
        public bool isOnNavMesh { get { throw null; } }
        public bool updateRotation { get { throw null; } set { } }
    }
}
