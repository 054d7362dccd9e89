"""Dependency direction of DESIGN §1: the client never imports torch, the engine never grpc."""
import subprocess
import sys


def imported_after(code: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                       capture_output=True, text=True, check=True)
    return set(r.stdout.split())


def test_client_imports_without_torch():
    mods = imported_after("import deepmotion_client, deepmotion_client.motion, deepmotion_client.proto.motion_pb2_grpc, "
                          "deepmotion_client.motion.preview, deepmotion_client.motion.joint_maps")
    assert "torch" not in mods and "grpc" in mods


def test_engine_does_not_import_grpc():
    mods = imported_after("import deepmotion.engine.data.cli, deepmotion.engine.data.bandai, "
                          "deepmotion.engine.data.importers, deepmotion.engine.representation.dmv1")
    assert not any(m == "grpc" or m.startswith("grpc.") for m in mods)
