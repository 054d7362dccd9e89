using System;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// How much of a bone's pose comes from the stream (1) rather than the Animator (0).
    ///
    /// Why a ramp with eased ends: handing an NPC back to its Animator (or taking it over) must
    /// not pop, and a fade that starts or stops at full speed reads as a jolt. A new fade always
    /// starts from the current weight, so Release() in the middle of a fade-in does not jump.
    /// </summary>
    public sealed class BlendWeight
    {
        float from, to = 1f, elapsed, duration;

        public BlendWeight(float initial = 0f)
        {
            Value = from = to = Clamp01(initial);
        }

        public float Value { get; private set; }
        public float Target => to;
        public bool Fading => Value != to;

        /// <summary>Fades from the current value to `target` over `seconds` (0: at once).</summary>
        public void FadeTo(float target, float seconds)
        {
            target = Clamp01(target);
            if (float.IsNaN(seconds) || seconds < 0f) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "seconds must be 0 or more");
            from = Value;
            to = target;
            elapsed = 0f;
            duration = seconds;
            if (seconds == 0f) Value = to;
        }

        public void Tick(float dt)
        {
            if (Value == to) return;
            elapsed += Math.Max(0f, dt);
            float t = duration <= 0f ? 1f : Math.Min(1f, elapsed / duration);
            float s = t * t * (3f - 2f * t);
            Value = t >= 1f ? to : from + (to - from) * s;
        }

        static float Clamp01(float v) => float.IsNaN(v) ? 0f : Math.Max(0f, Math.Min(1f, v));
    }
}
