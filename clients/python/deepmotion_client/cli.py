"""`deepmotion-client`: stream a prompt from a DeepMotion server into BVH and a preview."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import grpc

from .client import MotionClient, MotionStream
from .errors import DeepMotionError, UsageError
from .motion.export import check_output_path, save_motion
from .motion.feet import pin_feet, skating
from .motion.retarget import load_target_rig
from .prompt_args import add_prompt_arguments, describe, segments_from_args
from .recording import RecordingWriter, read_recording
from .session import MotionSession


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="deepmotion-client", description="DeepMotion bridge client")
    ap.add_argument("--address", default="127.0.0.1:50051", help="server host:port")
    ap.add_argument("--token-file", type=Path, default=None, help="file holding the bearer token")
    ap.add_argument("--tls", action="store_true", help="connect with TLS (system roots or --ca)")
    ap.add_argument("--ca", type=Path, default=None, help="CA certificate (PEM) for --tls")
    ap.add_argument("--retries", type=int, default=3,
                    help="retries with backoff while the server is UNAVAILABLE before any response (at most 4); "
                         "a stream whose server goes away mid-stream is asked again with the same seed")
    ap.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    g = sub.add_parser("generate", help="generate motion for a prompt (or a timeline) and save it")
    add_prompt_arguments(g)
    g.add_argument("-o", "--out", type=Path, required=True, help="output: .bvh, .glb / .gltf (glTF 2.0) or .npz")
    g.add_argument("--preview", type=Path, default=None, help="also write an animated GIF")
    g.add_argument("--duration", type=float, default=0.0, help="seconds (0 = the model predicts one)")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--guidance", type=float, default=0.0)
    g.add_argument("--level", type=int, default=0, help="highest level (0 = all)")
    g.add_argument("--in-place", action="store_true", help="keep the root over the origin")
    g.add_argument("--units", choices=["m", "cm"], default="cm")
    g.add_argument("--timeout", type=float, default=120.0)
    g.add_argument("--record", type=Path, default=None, help="also save the stream with its timing (.dmrec)")
    g.add_argument("--target-rig", type=Path, default=None,
                   help="retarget onto this character: a BVH skeleton (BVH output keeps its units) or a glTF / "
                        "VRM file (.glb/.gltf output is a copy of it with the animation added)")
    g.add_argument("--map", default="auto",
                   help="joint map for --target-rig / --start-from: mixamo, unreal, vrm, unity, canonical, bandai, auto, "
                        "or a .json file")
    g.add_argument("--rest-frame", type=int, default=None,
                   help="frame of --target-rig holding its rest pose (default: the zero-rotation pose)")
    g.add_argument("--no-foot-cleanup", action="store_true",
                   help="keep the feet as generated (default: pin feet on contact frames with two-bone IK)")
    se = sub.add_parser("session", help="an unbounded motion from a timed script of prompts (stdin or --script): "
                                        "each prompt continues what is playing, an idle prompt fills the gaps")
    se.add_argument("--script", type=Path, default=None, help="lines 'SECONDS TEXT' (or TEXT: 4 s after the last); "
                                                              "default: stdin")
    se.add_argument("--seconds", type=float, default=None, help="session length (default: last prompt + 6 s)")
    se.add_argument("--idle", default=MotionSession.idle_prompt, help="the prompt that fills gaps")
    se.add_argument("--piece", type=float, default=4.0, help="seconds per generated piece")
    se.add_argument("--seed", type=int, default=0)
    se.add_argument("-o", "--out", type=Path, required=True, help="the whole motion: .bvh, .glb / .gltf or .npz")
    se.add_argument("--record", type=Path, default=None, help="every response of every piece, session time (.dmrec)")
    se.add_argument("--units", choices=["m", "cm"], default="cm")
    r = sub.add_parser("replay", help="serve a recording over the MotionService API (no model needed)")
    r.add_argument("recording", type=Path)
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, default=50051)
    r.add_argument("--realtime", action="store_true", help="keep the recorded timing (default: as fast as possible)")
    sub.add_parser("info", help="print the server's model, skeleton and limits")
    v = sub.add_parser("view", help="a 3D viewer in the browser: type prompts, watch the stream arrive, open "
                                    "recordings and BVH files (works without a server), download BVH / glTF")
    v.add_argument("--address", dest="view_address", default=None,
                   help="DeepMotion server host:port (same as the --address before the command)")
    v.add_argument("--host", default="127.0.0.1", help="address the page is served on")
    v.add_argument("--port", type=int, default=8080, help="port of the page (0 = any free port)")
    v.add_argument("--three", default=None, help="folder of the three npm package (default: clients/web/node_modules/three)")
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "replay":
            return _replay(args)
        token = _read_token(args.token_file) if args.token_file else None
        if args.command == "view":
            return _view(args, token)
        with MotionClient(args.address, token, args.tls, args.ca.read_bytes() if args.ca else None,
                          retries=args.retries) as client:
            if args.command == "info":
                print(client.model_info())
                return 0
            if args.command == "session":
                return _session(client, args)
            return _generate(client, args)
    except grpc.RpcError as e:
        if args.debug:
            raise
        print(f"deepmotion-client: {e.code().name}: {e.details()}", file=sys.stderr)
        return 1
    except (DeepMotionError, FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as e:
        if args.debug:
            raise
        print(f"deepmotion-client: error: {e}", file=sys.stderr)
        return 2


def _view(args, token) -> int:
    from .viewer.server import find_three, serve_viewer
    three = find_three(args.three)
    if args.view_address:
        args.address = args.view_address

    def ready(port):
        print(f"viewer on http://{args.host}:{port}/ (DeepMotion server {args.address}); Ctrl-C stops it", flush=True)

    try:
        serve_viewer(args.address, token, args.host, args.port, three, ready)
    except KeyboardInterrupt:
        pass
    return 0


def _session(client: MotionClient, args) -> int:
    from .session import parse_script, run_script
    check_output_path(args.out)
    lines = args.script.read_text().splitlines() if args.script else sys.stdin.read().splitlines()
    events = parse_script(lines)
    if not events:
        raise UsageError("session: no prompts (lines 'SECONDS TEXT' or 'TEXT')")
    total = args.seconds or events[-1][0] + 6.0
    recorder = RecordingWriter(args.record) if args.record else None
    session = MotionSession(client, args.idle, args.piece, seed=args.seed, record=recorder)
    try:
        run_script(session, events, total)
    finally:
        if recorder:
            recorder.close()
    for p in session.pieces:
        shown = p.text if len(p.text) <= 72 else p.text[:69] + "..."  # one line per piece, however long the prompt
        print(f"{p.start_frame / 20:6.1f} s  {shown!r}: first frames after {p.first_frames_s:.3f} s, "
              f"final after {p.final_s:.3f} s")
    save_motion(args.out, session.motion(), args.units)
    print(f"wrote {args.out} ({session.frames} frames, {session.frames / 20:.1f} s, {len(session.pieces)} pieces)")
    return 0


def _read_token(path: Path) -> str:
    try:
        token = path.read_text().strip()
    except OSError as e:
        raise UsageError(f"--token-file {path}: {e.strerror or e}") from None
    if not token:
        raise UsageError(f"--token-file {path}: the file is empty")
    return token


def _generate(client: MotionClient, args) -> int:
    # Everything that can be checked before asking the server is: output format and folder,
    # the target rig (a bad file fails fast, not after a generation).
    segments = segments_from_args(args)
    check_output_path(args.out)
    history = None
    if args.start_from and args.target_rig:
        raise UsageError("--start-from writes onto its own rig; leave out --target-rig")
    rig_path = args.start_from or args.target_rig
    target = load_target_rig(rig_path, args.map, args.rest_frame) if rig_path else None
    if args.start_from:
        history = target.read_motion()
        print(f"continuing the last frames of {args.start_from} ({history.num_frames} frames at {history.fps:g} fps)")
    t0 = time.perf_counter()
    stream = MotionStream()
    seen = set()
    recorder = RecordingWriter(args.record) if args.record else None
    try:
        for response in client.generate(args.text, args.duration, args.seed, args.guidance, args.level,
                                        foot_contacts=not args.no_foot_cleanup,
                                        root_motion="in-place" if args.in_place else "world", timeout=args.timeout,
                                        history=history, segments=segments):
            if recorder:
                recorder.write(time.perf_counter() - t0, response)
            kind = stream.feed(response)
            if kind == "header":
                h = stream.header
                print(f"header: {h.frame_count} frames at {h.fps:g} fps ({h.duration_s:.1f} s), levels "
                      f"{list(h.levels)}, seed {h.seed}, model {h.model_version}")
            elif kind == "chunk" and response.chunk.level not in seen:
                seen.add(response.chunk.level)
                print(f"level {response.chunk.level}: first frames after {time.perf_counter() - t0:.3f} s")
    finally:
        if recorder:  # what arrived is kept, also when the stream failed
            recorder.close()
            print(f"recorded {args.record}")
    stream.require_end()
    if stream.end is not None:
        for t in stream.end.timings:
            print(f"level {t.level}: {t.chunk_count} chunks, first after {t.first_chunk_s:.3f} s on the server, "
                  f"compute {t.compute_s:.3f} s")
        print(f"total: {stream.end.total_s:.3f} s on the server, {time.perf_counter() - t0:.3f} s here")
    motion = stream.motion()
    if not args.no_foot_cleanup and stream.contacts is not None:
        before = skating(motion)["skating_ratio"]
        motion = pin_feet(motion, stream.contacts)
        print(f"feet: skating ratio {before:.2f} -> {skating(motion)['skating_ratio']:.2f} with contact cleanup")
    elif not args.no_foot_cleanup:
        print("feet: the stream carries no foot contacts (a recording made without them?); no cleanup")
    canonical = motion  # the preview shows the canonical skeleton
    if target is not None:
        r = target.retargeter
        motion = target.apply(motion)
        print(f"retargeted onto {rig_path} ({len(r.map)} mapped joints, "
              f"{len(r.report.unmapped_target_joints)} held at rest, scale {r.scale:.3f})")
        target.save(args.out, motion, args.units)
    else:
        save_motion(args.out, motion, args.units)
    print(f"wrote {args.out} (level {stream.complete_level()}, {motion.num_frames} frames)")
    if args.preview:
        from .motion.preview import save_preview
        print(f"wrote {save_preview(canonical, args.preview, describe(args, segments))}")
    return 0


def _replay(args) -> int:
    import asyncio

    from .replay import serve
    records = read_recording(args.recording)  # a damaged file is a RecordingError: main prints it

    def ready(port):
        print(f"replaying {args.recording} ({len(records)} responses, "
              f"{'real time' if args.realtime else 'as fast as possible'}) on {args.host}:{port}", flush=True)

    try:
        asyncio.run(serve(records, args.host, args.port, args.realtime, args.recording.name, ready))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
