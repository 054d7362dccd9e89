"""Regenerate the committed Python stubs from proto/ (needs grpcio-tools).

    python tools/gen_proto.py            # rewrite clients/python/deepmotion_client/proto/
    python tools/gen_proto.py --check    # exit 1 when the committed files are stale

The Unity package has no generated C#: its Core reads and writes the few messages it needs
(Runtime/Core/Wire), and tests/test_unity_wire.py holds that code to Python's protobuf bytes.

protoc names the generated module after the proto package (deepmotion.v1), which would
collide with this project's own `deepmotion` import package, so the stubs live inside
deepmotion_client.proto and the grpc module imports its sibling relatively.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = ROOT / "proto"
PROTO = "deepmotion/v1/motion.proto"
OUT_DIR = ROOT / "clients" / "python" / "deepmotion_client" / "proto"
FILES = ("motion_pb2.py", "motion_pb2.pyi", "motion_pb2_grpc.py")


def generate() -> dict[str, str]:
    from grpc_tools import protoc
    import grpc_tools

    include = str(Path(grpc_tools.__file__).parent / "_proto")
    with tempfile.TemporaryDirectory() as tmp:
        rc = protoc.main(["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={tmp}",
                          f"--pyi_out={tmp}", f"--grpc_python_out={tmp}", str(PROTO_DIR / PROTO)])
        if rc != 0:
            raise SystemExit(f"protoc failed with exit code {rc}")
        gen = Path(tmp) / "deepmotion" / "v1"
        out = {}
        for name in FILES:
            text = (gen / name).read_text()
            text = re.sub(r"^from deepmotion\.v1 import motion_pb2", "from . import motion_pb2", text, flags=re.M)
            # The message classes name the module they live in, so they pickle (Ray, multiprocessing).
            text = text.replace("'deepmotion.v1.motion_pb2'", "'deepmotion_client.proto.motion_pb2'")
            out[OUT_DIR / name] = text
        return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare, do not write")
    args = ap.parse_args(argv)
    files = generate()
    stale = [str(p.relative_to(ROOT)) for p, t in files.items() if not p.exists() or p.read_text() != t]
    if args.check:
        if stale:
            print(f"stale generated files: {', '.join(stale)}; run: python tools/gen_proto.py")
            return 1
        print("generated files are up to date")
        return 0
    for p, t in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(t)
    print(f"wrote {', '.join(str(p.relative_to(ROOT)) for p in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
