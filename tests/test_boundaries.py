"""Dependency direction (docs/ARCHITECTURE.md): the client never imports torch, the engine never grpc,
the server or the command line; the server never the command line."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine"


def imported_after(code: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                       capture_output=True, text=True, check=True)
    return set(r.stdout.split())


def test_client_imports_without_torch():
    mods = imported_after("import deepmotion_client, deepmotion_client.motion, deepmotion_client.proto.motion_pb2_grpc, "
                          "deepmotion_client.motion.preview, deepmotion_client.motion.joint_maps")
    assert "torch" not in mods and "grpc" in mods


def test_engine_does_not_import_grpc():
    engine = [f"deepmotion.engine.{'.'.join(p.relative_to(ENGINE).with_suffix('').parts)}"
              for p in sorted(ENGINE.rglob("*.py")) if p.name != "__init__.py"]
    mods = imported_after("import " + ", ".join(engine))
    assert not any(m == "grpc" or m.startswith("grpc.") for m in mods)
    assert not any(m.startswith(("deepmotion.server", "deepmotion.cli")) for m in mods)


def test_imports_point_one_way_in_the_source():
    """engine -> deepmotion_client only; server -> engine, client; cli -> everything; nothing -> cli."""
    for folder, forbidden in ((ENGINE, ("deepmotion.server", "deepmotion.cli")), (ROOT / "server", ("deepmotion.cli",)),
                              (ROOT / "clients" / "python" / "deepmotion_client", ("deepmotion.", "torch"))):
        for path in folder.rglob("*.py"):
            for line in path.read_text().splitlines():
                words = line.strip().split()
                if len(words) > 1 and words[0] in ("import", "from"):
                    assert not words[1].startswith(forbidden), f"{path.relative_to(ROOT)}: {line.strip()}"
