"""`deepmotion-client view`: a local page for auditioning prompts in 3D.

Why the client serves it: the page speaks HTTP only, so this process talks gRPC to the
DeepMotion server and pushes each response to the page as one JSON line of a streamed HTTP
response (NDJSON); the server stays lean and unaware of browsers. Recordings (.dmrec) and BVH
files are read here too, so the page works with no DeepMotion server at all. three.js comes
from the npm registry at setup time (clients/web, `npm ci`), is served from that folder, and
its licence is shown in the page; nothing is fetched at run time.

Endpoints (all JSON unless said):
    GET  /                      the page;  /static/*  its files;  /vendor/three/*  three.js
    GET  /api/info              the server's model (skeleton, limits) or {"offline": reason}
    POST /api/generate          {text | segments, duration, seed, guidance, history} -> NDJSON stream
    POST /api/open?name=F       the bytes of a .dmrec or .bvh file -> NDJSON stream
    POST /api/export?format=F   {root, rot, fps} -> a .bvh / .glb / .gltf file
    POST /api/character?name=F  a .glb / .gltf / .vrm character -> {bones, parents, ...}
    POST /api/retarget          {root, rot, fps} -> that motion on the character last loaded
"""
from __future__ import annotations

import json
import mimetypes
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np

from ..errors import DeepMotionError, UsageError

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD = 64 << 20


def find_three(explicit: str | None = None) -> Path:
    """The three package installed by setup (clients/web/node_modules/three), or where the user points."""
    candidates = [Path(explicit)] if explicit else []
    if os.environ.get("DEEPMOTION_THREE"):
        candidates.append(Path(os.environ["DEEPMOTION_THREE"]))
    candidates.append(Path(__file__).resolve().parents[4] / "clients" / "web" / "node_modules" / "three")
    for c in candidates:
        if (c / "build" / "three.module.js").is_file():
            return c
    raise UsageError("three.js is not installed: run `bash scripts/setup.sh` (it runs `npm ci` in clients/web), "
                     "or pass --three DIR (a folder holding build/three.module.js)")


def response_json(response) -> dict:
    """One GenerateResponse as the page reads it (flat float lists)."""
    kind = response.WhichOneof("payload")
    if kind == "header":
        h = response.header
        return {"type": "header", "request_id": h.request_id, "frame_count": h.frame_count, "fps": h.fps,
                "levels": list(h.levels), "seed": h.seed, "model": h.model_version,
                "skeleton": {"names": list(h.skeleton.joint_names), "parents": list(h.skeleton.parents),
                             "offsets": [round(v, 6) for v in h.skeleton.rest_offsets]}}
    if kind == "chunk":
        c = response.chunk
        return {"type": "chunk", "level": c.level, "start": c.start_frame, "count": c.frame_count,
                "root": np.round(np.asarray(c.root_positions), 5).tolist(),
                "rot": np.round(np.asarray(c.local_rotations), 6).tolist()}
    return {"type": "end", "total_s": response.end.total_s,
            "timings": [{"level": t.level, "first_s": t.first_chunk_s} for t in response.end.timings]}


def motion_json(motion, source: str) -> list[dict]:
    """A whole motion as one stream: header, its frames as the final level, end."""
    from ..motion.skeleton import canonical_skeleton
    sk = canonical_skeleton()
    n = motion.num_frames
    return [{"type": "header", "request_id": source, "frame_count": n, "fps": motion.fps, "levels": [1],
             "seed": 0, "model": source,
             "skeleton": {"names": list(sk.names), "parents": list(sk.parents),
                          "offsets": np.round(sk.offsets.ravel(), 6).tolist()}},
            {"type": "chunk", "level": 1, "start": 0, "count": n,
             "root": np.round(motion.root_positions.ravel(), 5).tolist(),
             "rot": np.round(motion.local_rotations.ravel(), 6).tolist()},
            {"type": "end", "total_s": 0.0, "timings": []}]


def motion_from(body: dict):
    """Frames the page sends ({root, rot, fps}: flat lists) as a Motion on the canonical skeleton."""
    from ..motion.clip import Motion
    from ..motion.skeleton import canonical_skeleton
    n = len(body["root"]) // 3
    return Motion(canonical_skeleton(), np.asarray(body["root"], float).reshape(n, 3),
                  np.asarray(body["rot"], float).reshape(n, -1, 4), float(body.get("fps", 20.0)))


class Viewer:
    """What the page's requests act on: a client for the server (made lazily, so the page opens
    without one) and the character last loaded."""

    def __init__(self, address: str, token: str | None, three: Path):
        self.address, self.token, self.three = address, token, three
        self.character = None
        self.lock = threading.Lock()

    def client(self):
        from ..client import MotionClient
        return MotionClient(self.address, self.token)

    def info(self) -> dict:
        try:
            with self.client() as c:
                info = c.model_info(timeout=3)
        except Exception as e:  # noqa: BLE001 - any failure means "no server": the page works offline
            return {"offline": f"no DeepMotion server at {self.address} ({type(e).__name__}): open a recording or BVH"}
        return {"model": info.model_version, "licence": info.licence, "fps": info.fps, "levels": info.levels,
                "limits": {"max_duration_s": info.limits.max_duration_s, "min_duration_s": info.limits.min_duration_s,
                           "max_segments": info.limits.max_segments, "default_guidance": info.limits.default_guidance_scale,
                           "max_history_frames": info.limits.max_history_frames,
                           "min_history_frames": info.limits.min_history_frames}}

    def generate(self, body: dict):
        history = motion_from(body["history"]) if body.get("history") else None
        segments = [(s["text"], float(s["seconds"])) for s in body.get("segments") or []] or None
        seed = body.get("seed")
        with self.client() as c:
            for response in c.generate(None if segments else body.get("text", ""), float(body.get("duration") or 0),
                                       int(seed) if seed not in (None, "") else None,
                                       float(body["guidance"]) if body.get("guidance") else 0.0,
                                       history=history, segments=segments, timeout=300):
                yield response_json(response)

    def open(self, name: str, data: bytes) -> list[dict]:
        suffix = Path(name).suffix.lower()
        if suffix == ".dmrec":
            from ..recording import parse_recording
            return [response_json(r.response) for r in parse_recording(data, name)]
        if suffix == ".bvh":
            from ..motion.retarget import load_target_rig
            with tempfile.TemporaryDirectory() as d:
                path = Path(d) / Path(name).name
                path.write_bytes(data)
                motion = load_target_rig(path).read_motion().resample(20.0)
            return motion_json(motion, name)
        raise UsageError(f"{name}: open a .dmrec recording or a .bvh file")

    def export(self, fmt: str, body: dict) -> tuple[bytes, str]:
        from ..motion.export import save_motion
        if fmt not in ("bvh", "glb", "gltf"):
            raise UsageError(f"format: {fmt!r}; use bvh, glb or gltf")
        motion = motion_from(body)
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / f"motion.{fmt}"
            if self.character is not None and body.get("on_character"):
                self.character.save(out, self.character.apply(motion))
            else:
                save_motion(out, motion, "cm")
            return out.read_bytes(), mimetypes.guess_type(out.name)[0] or "application/octet-stream"

    def load_character(self, name: str, data: bytes) -> dict:
        from ..motion.retarget import load_target_rig
        suffix = Path(name).suffix.lower()
        if suffix not in (".glb", ".gltf", ".vrm"):
            raise UsageError(f"{name}: a character is a .glb, .gltf or .vrm file")
        keep = Path(tempfile.mkdtemp()) / Path(name).name
        keep.write_bytes(data)
        rig = load_target_rig(keep)
        with self.lock:
            self.character = rig
        sk = rig.retargeter.target
        return {"bones": list(sk.names), "parents": list(sk.parents)}

    def retarget(self, body: dict) -> dict:
        if self.character is None:
            raise UsageError("no character loaded: open a .glb, .gltf or .vrm first")
        on_rig = self.character.apply(motion_from(body))
        return {"bones": list(on_rig.skeleton.names), "root": np.round(on_rig.root_positions.ravel(), 5).tolist(),
                "rot": np.round(on_rig.local_rotations.ravel(), 6).tolist()}


def make_handler(viewer: Viewer):
    class Handler(BaseHTTPRequestHandler):
        server_version = "deepmotion-viewer"

        def log_message(self, fmt, *args):  # quiet: the terminal shows what matters
            pass

        def _send(self, code: int, body: bytes, ctype: str, extra: dict | None = None):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, obj, code: int = 200):
            self._send(code, json.dumps(obj).encode(), "application/json")

        def _error(self, e: Exception, code: int = 400):
            self._json({"error": str(e)}, code)

        def _file(self, root: Path, rel: str):
            path = (root / rel).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                return self._json({"error": f"not found: {rel}"}, 404)
            ctype = "text/javascript" if path.suffix == ".js" else (mimetypes.guess_type(path.name)[0] or "text/plain")
            self._send(200, path.read_bytes(), ctype)

        def _body(self) -> bytes:
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_UPLOAD:
                raise UsageError(f"upload of {n} bytes; at most {MAX_UPLOAD}")
            return self.rfile.read(n)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path in ("/", "/index.html"):
                return self._file(STATIC, "index.html")
            if url.path.startswith("/static/"):
                return self._file(STATIC, url.path[len("/static/"):])
            if url.path.startswith("/vendor/three/"):
                return self._file(viewer.three, url.path[len("/vendor/three/"):])
            if url.path == "/api/info":
                return self._json(viewer.info())
            return self._json({"error": f"not found: {url.path}"}, 404)

        def _stream(self, lines):
            """NDJSON, one line per message as it arrives; an error ends the stream as its last line."""
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                for obj in lines:
                    self.wfile.write((json.dumps(obj) + "\n").encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the page went away; the generator's close cancels the call
            except Exception as e:  # noqa: BLE001 - reported to the page, which shows it
                import grpc
                msg = f"{e.code().name}: {e.details()}" if isinstance(e, grpc.RpcError) else str(e)
                self.wfile.write((json.dumps({"type": "error", "message": msg}) + "\n").encode())
            self.close_connection = True

        def do_POST(self):
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                data = self._body()
                if url.path == "/api/generate":
                    return self._stream(viewer.generate(json.loads(data or b"{}")))
                if url.path == "/api/open":
                    return self._stream(viewer.open(q.get("name", "file"), data))
                if url.path == "/api/export":
                    body, ctype = viewer.export(q.get("format", "bvh"), json.loads(data))
                    return self._send(200, body, ctype, {"Content-Disposition": f'attachment; filename="motion.{q.get("format", "bvh")}"'})
                if url.path == "/api/character":
                    return self._json(viewer.load_character(q.get("name", "character.glb"), data))
                if url.path == "/api/retarget":
                    return self._json(viewer.retarget(json.loads(data)))
                return self._json({"error": f"not found: {url.path}"}, 404)
            except (DeepMotionError, ValueError, KeyError) as e:
                return self._error(e)

    return Handler


def serve_viewer(address: str, token: str | None, host: str, port: int, three: Path, ready=None,
                 stop: threading.Event | None = None) -> None:
    viewer = Viewer(address, token, three)
    try:
        httpd = ThreadingHTTPServer((host, port), make_handler(viewer))
    except OSError as e:
        raise UsageError(f"cannot serve the viewer on {host}:{port}: {e.strerror or e}") from None
    httpd.daemon_threads = True
    if ready:
        ready(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        while not (stop and stop.is_set()):
            time.sleep(0.2)
    finally:
        httpd.shutdown()
        httpd.server_close()
