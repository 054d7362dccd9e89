#!/usr/bin/env bash
# Benchmark: bytes allocated and time per tick of the Unity package's playback path, under mono.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/unity-bench
mkdir -p "$OUT"
mcs -nologo -optimize+ -langversion:7.2 -target:library -out:"$OUT/DeepMotion.Bridge.Core.dll" \
    -r:System.Numerics.dll -r:System.Numerics.Vectors.dll $(find clients/unity/Runtime/Core -name '*.cs' | sort)
mcs -nologo -optimize+ -out:"$OUT/unity_playback_alloc.exe" -r:System.Numerics.dll -r:System.Numerics.Vectors.dll \
    -r:"$OUT/DeepMotion.Bridge.Core.dll" benchmarks/unity_playback_alloc.cs
MONO_PATH="$OUT" mono "$OUT/unity_playback_alloc.exe" clients/unity/Tests/Editor/TestData
