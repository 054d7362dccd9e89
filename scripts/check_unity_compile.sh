#!/usr/bin/env bash
# Compiles every C# file of the Unity package (Runtime, gRPC transport, Editor, Samples~, Tests)
# with Debian's mono against shims of the Unity, NUnit 3, grpc-dotnet and YetAnotherHttpHandler
# APIs, with and without the gRPC packages: one line per configuration, files and errors.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mcs >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing mono-devel (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-devel >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-devel >/dev/null; }
    else
        echo "error: the compile check needs Debian's mono-devel (apt-get install mono-devel)" >&2
        exit 1
    fi
fi
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" tools/unity_compile.py "$@"
