"""Our speed against the peers' architectures, timed in the same run on the same CPU (issue 16).

The peers are rebuilt here from their published shapes with random weights (speed does not
depend on the weights): MDM (8-layer transformer, width 512, over 196 frames of 263 floats, 50
DDIM steps with guidance), MLD (a 9-layer width-256 denoiser over a 1 x 256 latent, 50 steps with
guidance, then its 9-layer VAE decoder), MotionLCM (MLD's networks, 1 and 4 steps, guidance
distilled in: one pass per step), MoMask (a 6-layer width-384 masked transformer over 49 tokens,
10 iterations with guidance, a 6-layer residual transformer for 5 residual layers, then its
convolutional decoder), and the text towers they use (CLIP ViT-B/32's 12-layer width-512 text
transformer over 77 tokens; our MiniLM is the real one). Ours is the real default model, in
process and through `deepmotion serve` on loopback. 10-s clips, batch 1, medians, and our
figures as ratios to theirs.

    .venv/bin/python benchmarks/peers.py [--runs 7] [--threads 1] [--json out.json]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

from report import emit


def encoder(width: int, depth: int, heads: int, ff: int) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(width, heads, ff, dropout=0.0, batch_first=True, norm_first=True,
                                       activation="gelu")
    return nn.TransformerEncoder(layer, depth, enable_nested_tensor=False).eval()


class ClipText(nn.Module):
    """CLIP ViT-B/32's text tower: 49,408-token vocabulary, 77 positions, 12 layers of width 512."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(49408, 512)
        self.pos = nn.Parameter(torch.randn(77, 512) * 0.01)
        self.tr = encoder(512, 12, 8, 2048)
        self.proj = nn.Linear(512, 512, bias=False)

    def forward(self, ids):
        mask = torch.triu(torch.full((77, 77), float("-inf")), 1)
        h = self.tr(self.tok(ids) + self.pos, mask=mask)
        return self.proj(h[:, -1])


class MDM(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp, self.out = nn.Linear(263, 512), nn.Linear(512, 263)
        self.t = nn.Sequential(nn.Linear(512, 512), nn.SiLU(), nn.Linear(512, 512))
        self.tr = encoder(512, 8, 4, 1024)

    def forward(self, x, cond):
        h = torch.cat([(self.t(cond) + cond)[:, None], self.inp(x)], 1)
        return self.out(self.tr(h)[:, 1:])


class MLDDenoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Sequential(nn.Linear(256, 256), nn.SiLU(), nn.Linear(256, 256))
        self.text = nn.Linear(512, 256)
        self.tr = encoder(256, 9, 4, 1024)

    def forward(self, z, text):
        h = torch.cat([self.text(text)[:, None] + self.t(z[:, 0])[:, None], z], 1)
        return self.tr(h)[:, 1:]


class MLDDecoder(nn.Module):
    """The VAE decoder: 196 frame queries attending over the latent, 9 layers of width 256."""

    def __init__(self):
        super().__init__()
        self.q = nn.Parameter(torch.randn(1, 196, 256) * 0.01)
        self.tr = encoder(256, 9, 4, 1024)
        self.out = nn.Linear(256, 263)

    def forward(self, z):
        h = torch.cat([z, self.q.expand(z.shape[0], -1, -1)], 1)
        return self.out(self.tr(h)[:, z.shape[1]:])


class MoMask(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(512 + 2, 384)
        self.text = nn.Linear(512, 384)
        self.masked = encoder(384, 6, 6, 1024)
        self.residual = encoder(384, 6, 6, 1024)
        self.head = nn.Linear(384, 512)
        up = []
        for _ in range(2):
            up += [nn.Upsample(scale_factor=2), nn.Conv1d(512, 512, 3, padding=1), nn.ReLU()]
        self.decoder = nn.Sequential(nn.Conv1d(512, 512, 3, padding=1), nn.ReLU(), *up, nn.Conv1d(512, 263, 3, padding=1))
        self.codebook = nn.Embedding(512, 512)

    def logits(self, tr, ids, text):
        return self.head(tr(torch.cat([self.text(text)[:, None], self.emb(ids)], 1))[:, 1:])


@torch.no_grad()
def time_it(fn, runs: int) -> float:
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


# A different prompt every run: the engine keeps prompts it has seen lately (text_cache), and a
# repeated prompt would skip the text encoder that every peer pays for.
PROMPTS = ["a person walks forward and waves with the right hand", "someone jogs forward and then stops to look around",
           "a man walks slowly while raising his left arm", "a woman runs ahead and then turns to the right",
           "a tired person shuffles forward with heavy steps", "someone steps back and bows politely to the crowd",
           "a child skips happily in a small circle", "a guard paces nervously and then waves hello",
           "an old man walks with a limp and stops", "a dancer spins around and raises both hands",
           "a person walks backwards and then waves", "someone turns left and walks away quickly"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1: what a 2-core server gives the engine)")
    ap.add_argument("--model", type=Path, default=None, help="our model directory (default: the shipped one)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    frames = 196  # 10 s at 20 fps (HumanML3D's longest clip)

    clip, mdm, mld, mld_dec, momask = ClipText().eval(), MDM().eval(), MLDDenoiser().eval(), MLDDecoder().eval(), MoMask().eval()
    ids = torch.randint(0, 49408, (1, 77))
    text = lambda: clip(ids)  # noqa: E731

    def mdm_run():
        c = text()
        x = torch.randn(2, frames, 263)
        for _ in range(50):
            x = mdm(x, torch.cat([c, torch.zeros_like(c)]))

    def mld_steps(steps: int, guidance: bool):
        def run():
            c = text()
            z = torch.randn(2 if guidance else 1, 1, 256)
            cond = torch.cat([c, torch.zeros_like(c)]) if guidance else c
            for _ in range(steps):
                z = mld(z, cond)
            mld_dec(z[:1])
        return run

    def momask_run():
        c = text()
        ids_ = torch.full((2, 49), 512)
        cond = torch.cat([c, torch.zeros_like(c)])
        for _ in range(10):
            ids_ = momask.logits(momask.masked, ids_, cond).argmax(-1)
        for _ in range(5):
            momask.logits(momask.residual, ids_[:1], c)
        momask.decoder(momask.codebook(ids_[:1]).transpose(1, 2))

    peers = {
        "CLIP ViT-B/32 text tower": time_it(text, args.runs),
        "MDM, 50 steps + CLIP text": time_it(mdm_run, max(2, args.runs // 3)),
        "MLD, 50 steps + CLIP text": time_it(mld_steps(50, True), args.runs),
        "MotionLCM, 1 step + CLIP text": time_it(mld_steps(1, False), args.runs),
        "MotionLCM, 4 steps + CLIP text": time_it(mld_steps(4, False), args.runs),
        "MoMask, 10 iterations + residual + CLIP text": time_it(momask_run, args.runs),
    }

    from deepmotion.engine.assets import model_path
    from deepmotion.engine.pipeline import load_cascade
    pipe = load_cascade(model_path(args.model))
    prompt = PROMPTS[0]
    peers[f"text tower (ours, real: {pipe.text_encoder.id})"] = time_it(lambda: pipe.text_encoder.encode([prompt]), args.runs)
    firsts, finals = [], []
    for run in range(args.runs + 1):
        t0 = time.perf_counter()
        first = None
        for _ in pipe.generate([PROMPTS[run % len(PROMPTS)]], [10.0], [run]):
            first = first or time.perf_counter() - t0
        if run:
            firsts.append(first)
            finals.append(time.perf_counter() - t0)
    ours = {"in process: first frames": statistics.median(firsts), "in process: final level": statistics.median(finals)}
    serve_args = ["--model", str(args.model)] if args.model else []
    ours.update(through_server(args.runs, serve_args))
    lcm4 = peers["MotionLCM, 4 steps + CLIP text"]
    momask_s = peers["MoMask, 10 iterations + residual + CLIP text"]
    result = {"threads": args.threads, "clip_seconds": 10.0, "model": pipe.meta.get("model_version"),
              "steps": pipe.settings.sample_steps,
              "peers_ms": {k: round(v * 1000, 1) for k, v in peers.items()},
              "ours_ms": {k: round(v * 1000, 1) for k, v in ours.items()},
              "ratios": {
                  "server first frames / MotionLCM-4 (bar 0.6)": round(ours["server: first frames"] / lcm4, 2),
                  "server final level / MoMask (bar 0.5)": round(ours["server: final level"] / momask_s, 2),
                  "in-process first frames / MotionLCM-4": round(ours["in process: first frames"] / lcm4, 2),
                  "in-process final level / MoMask": round(ours["in process: final level"] / momask_s, 2),
                  "in-process final level / MLD-50": round(ours["in process: final level"] / peers["MLD, 50 steps + CLIP text"], 2),
                  "in-process final level / MDM-50": round(ours["in process: final level"] / peers["MDM, 50 steps + CLIP text"], 2),
              }}
    emit(result, args.json)
    return 0


def through_server(runs: int, serve_args: list[str]) -> dict:
    """The same request through `deepmotion serve` (its default threads) from this process."""
    import grpc
    from served import served

    from deepmotion_client.proto import motion_pb2 as pb
    from deepmotion_client.proto import motion_pb2_grpc as pb_grpc
    with served(*serve_args) as (port, _):
        stub = pb_grpc.MotionServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        firsts, finals = [], []
        for seed in range(runs + 1):
            t0 = time.perf_counter()
            first = None
            text = PROMPTS[seed % len(PROMPTS)]
            for r in stub.Generate(pb.GenerateRequest(text=text, duration_s=10.0, seed=seed, has_seed=True)):
                if first is None and r.WhichOneof("payload") == "chunk":
                    first = time.perf_counter() - t0
            if seed:
                firsts.append(first)
                finals.append(time.perf_counter() - t0)
        return {"server: first frames": statistics.median(firsts), "server: final level": statistics.median(finals)}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
