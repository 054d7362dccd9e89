"""Shared wire vectors: protobuf bytes written by Python's protobuf, checked by the Unity
package's own reader and writer (clients/unity/Tests/Editor/WireVectorTests.cs), which the
gRPC transport uses instead of Google.Protobuf. Regenerate with
`python tests/unity_wire_vectors.py`; tests/test_unity_wire.py fails when the file is stale.

One record per line, whitespace-separated key=value fields (text values percent-encoded):
    request hex=<GenerateRequest bytes> request_id= text= duration= seed= has_seed= guidance= max_level= output=<jp,fc,rm|none>
            history=<frames, floats from history_value> segments=<text,seconds|...|none>
    modelinfo hex=<ModelInfo bytes> model_version= fps= levels= joints= max_text_chars= min_duration= max_duration=
              min_guidance= max_guidance= default_guidance= max_chunk_frames= max_queue=
              max_history_frames= min_history_frames= history_used_s= quaternion_tolerance= max_segments=
              max_timeline_s= max_text_tokens= text_encoder= licence= representation=
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from deepmotion_client.motion.skeleton import canonical_skeleton
from deepmotion_client.proto import motion_pb2 as pb

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "clients" / "unity" / "Tests" / "Editor" / "TestData" / "wire-vectors.txt"

REQUESTS = [
    dict(text="a person waves with the right hand"),
    dict(request_id="npc-7:prompt.3", text="someone walks forward, then turns left", duration_s=4.0, seed=7, has_seed=True,
         guidance_scale=2.5, max_level=2, output=(False, False, pb.ROOT_MOTION_WORLD)),
    dict(text="un garde fait les cent pas, puis salue \u2014 \u6b69\u304f", duration_s=7.25, seed=0, has_seed=True,
         output=(True, True, pb.ROOT_MOTION_IN_PLACE)),
    dict(text="x", seed=2**64 - 1, has_seed=True, duration_s=0.5, max_level=3, output=(False, False, pb.ROOT_MOTION_UNSPECIFIED)),
    dict(text="t" * 300, guidance_scale=-0.0),
    dict(text="", seed=5, has_seed=True, history=8, segments=(("a person strolls forward", 3.2),
                                                              ("now the person waves hello with the right hand", 2.4))),
]


def history_value(i: int) -> float:
    """Deterministic floats exactly representable in float32, rebuilt the same way in C#."""
    return ((i * 3) % 8) / 4.0 - 1.0


def request_message(fields: dict) -> pb.GenerateRequest:
    kw = {k: v for k, v in fields.items() if k not in ("output", "history", "segments")}
    m = pb.GenerateRequest(**kw)
    if "history" in fields:
        n = fields["history"]
        m.history.CopyFrom(pb.MotionFrames(frame_count=n, root_positions=[history_value(i) for i in range(3 * n)],
                                           local_rotations=[history_value(i + 7) for i in range(4 * 22 * n)]))
    for text, seconds in fields.get("segments", ()):
        m.segments.add(text=text, duration_s=seconds)
    if "output" in fields:
        jp, fc, rm = fields["output"]
        m.output.CopyFrom(pb.OutputOptions(joint_positions=jp, foot_contacts=fc, root_motion=rm))
    return m


def model_info() -> pb.ModelInfo:
    sk = canonical_skeleton()
    skeleton = pb.Skeleton(joint_names=list(sk.names), parents=[int(p) for p in sk.parents],
                           rest_offsets=[float(x) for x in sk.offsets.reshape(-1)])
    limits = pb.Limits(max_text_chars=500, min_duration_s=0.5, max_duration_s=10.0, min_guidance_scale=0.0,
                       max_guidance_scale=10.0, default_guidance_scale=2.5, max_chunk_frames=40, max_queue=32,
                       max_history_frames=200, min_history_frames=8, history_used_s=3.2, quaternion_tolerance=1e-3,
                       max_segments=16, max_timeline_s=60.0, max_text_tokens=256)
    return pb.ModelInfo(model_version="deepmotion-default 0.1.0", skeleton=skeleton, fps=20.0, levels=3, limits=limits,
                        text_encoder="sentence-transformers/all-MiniLM-L6-v2",
                        licence="CC-BY-NC-4.0 (trained on Bandai-Namco Research Motion)", representation="dm-v1")


def fmt(x: float) -> str:
    return repr(float(x))


def lines() -> list[str]:
    out = ["# Shared wire vectors (tests/unity_wire_vectors.py); do not edit by hand."]
    for f in REQUESTS:
        m = request_message(f)
        output = "none"
        if m.HasField("output"):
            output = f"{int(m.output.joint_positions)},{int(m.output.foot_contacts)},{int(m.output.root_motion)}"
        out.append(" ".join([
            "request", f"hex={m.SerializeToString().hex()}", f"request_id={quote(m.request_id)}", f"text={quote(m.text)}",
            f"duration={fmt(m.duration_s)}", f"seed={m.seed}", f"has_seed={int(m.has_seed)}",
            f"guidance={fmt(m.guidance_scale)}", f"max_level={m.max_level}", f"output={output}",
            f"history={m.history.frame_count if m.HasField('history') else 0}",
            "segments=" + ("|".join(f"{quote(g.text)},{fmt(g.duration_s)}" for g in m.segments) or "none")]))
    info = model_info()
    lim = info.limits
    out.append(" ".join([
        "modelinfo", f"hex={info.SerializeToString().hex()}", f"model_version={quote(info.model_version)}",
        f"fps={fmt(info.fps)}", f"levels={info.levels}", f"joints={len(info.skeleton.joint_names)}",
        f"max_text_chars={lim.max_text_chars}", f"min_duration={fmt(lim.min_duration_s)}",
        f"max_duration={fmt(lim.max_duration_s)}", f"min_guidance={fmt(lim.min_guidance_scale)}",
        f"max_guidance={fmt(lim.max_guidance_scale)}", f"default_guidance={fmt(lim.default_guidance_scale)}",
        f"max_chunk_frames={lim.max_chunk_frames}", f"max_queue={lim.max_queue}",
        f"max_history_frames={lim.max_history_frames}", f"min_history_frames={lim.min_history_frames}",
        f"history_used_s={fmt(lim.history_used_s)}", f"quaternion_tolerance={fmt(lim.quaternion_tolerance)}",
        f"max_segments={lim.max_segments}", f"max_timeline_s={fmt(lim.max_timeline_s)}",
        f"max_text_tokens={lim.max_text_tokens}",
        f"text_encoder={quote(info.text_encoder)}", f"licence={quote(info.licence)}",
        f"representation={quote(info.representation)}"]))
    return out


def main() -> None:
    VECTORS.write_text("\n".join(lines()) + "\n")
    print(f"wrote {VECTORS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
