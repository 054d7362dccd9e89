#!/usr/bin/env bash
# Compiles the Unity package's plain C# core (Runtime/Core) with its NUnit tests under
# Debian's mono and runs them: the part of the package that needs no Unity and no gRPC.
set -euo pipefail
cd "$(dirname "$0")/.."
UNITY=clients/unity
OUT=build/unity-core
if ! command -v mcs >/dev/null || ! command -v nunit-console >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing mono-devel and nunit-console (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-devel nunit-console >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-devel nunit-console >/dev/null; }
    else
        echo "error: the C# tests need Debian's mono-devel and nunit-console (apt-get install mono-devel nunit-console)" >&2
        exit 1
    fi
fi
NUNIT=$(find /usr/lib/cli -name nunit.framework.dll | head -1)
mkdir -p "$OUT"
mcs -nologo -warnaserror -langversion:7.2 -target:library -out:"$OUT/DeepMotion.Bridge.Core.dll" \
    -r:System.Numerics.dll -r:System.Numerics.Vectors.dll $(find "$UNITY/Runtime/Core" -name '*.cs' | sort)
mcs -nologo -warnaserror -langversion:7.2 -target:library -out:"$OUT/DeepMotion.Bridge.Core.Tests.dll" \
    -r:System.Numerics.dll -r:System.Numerics.Vectors.dll -r:"$NUNIT" -r:"$OUT/DeepMotion.Bridge.Core.dll" \
    $(find "$UNITY/Tests/Editor" -name '*.cs' | sort)
cp "$NUNIT" "$OUT/"
DEEPMOTION_TEST_DATA="$PWD/$UNITY/Tests/Editor/TestData" \
    nunit-console -nologo -noshadow -labels -xml="$OUT/TestResult.xml" "$OUT/DeepMotion.Bridge.Core.Tests.dll"
