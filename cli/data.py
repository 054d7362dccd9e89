"""`deepmotion data ...`: prepare, import, inspect and export datasets."""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from tqdm import tqdm

from deepmotion_client.motion.bvh import write_bvh

from deepmotion.engine.data.dataset import Dataset, file_hash, format_summary, is_current, write_dataset
from .options import DEFAULT_DATA

DEFAULT_ARCHIVE = Path("../shared/data/bandai-namco-research-motion.tar.xz")


def _bar(desc: str, total: int | None = None):
    return lambda it: tqdm(it, desc=desc, total=total, unit="clip", dynamic_ncols=True,
                           disable=os.environ.get("DEEPMOTION_NO_PROGRESS") == "1")


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser("data", help="prepare, import, inspect and export motion datasets")
    dsub = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")

    p = dsub.add_parser("prepare", help="import the Bandai-Namco archive into a dm-v1 dataset cache")
    p.add_argument("--archive", type=Path, default=Path(os.environ.get("DEEPMOTION_ARCHIVE", DEFAULT_ARCHIVE)),
                   help=f"the .tar.xz (default: $DEEPMOTION_ARCHIVE or {DEFAULT_ARCHIVE})")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA, help=f"dataset directory (default: {DEFAULT_DATA})")
    p.add_argument("--limit", type=int, default=None, help="import only the first N clips (quick checks)")
    p.add_argument("--match", default=None, help="import only clips whose file name matches this regex")
    p.add_argument("--no-mirror", action="store_true", help="do not add left/right mirrored twins")
    p.add_argument("--compose", type=int, nargs=2, default=[1200, 800], metavar=("SPATIAL", "TEMPORAL"),
                   help="composed clips to add (engine/data/compose.py): walker + gesture, one action then "
                        "another (default: 1200 800); also moves held-out action x style combinations to "
                        "the 'open' split")
    p.add_argument("--no-compose", dest="compose", action="store_const", const=None,
                   help="single actions only, no open split")
    p.add_argument("--force", action="store_true", help="rebuild even when the cache is current")
    p.set_defaults(func=cmd_prepare)

    p = dsub.add_parser("import-bvh", help="import a folder of BVH files with captions")
    p.add_argument("folder", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--map", default="auto", help="joint map: auto, canonical, bandai, mixamo, or a JSON file")
    p.add_argument("--no-mirror", action="store_true")
    p.set_defaults(func=cmd_import_bvh)

    p = dsub.add_parser("import-humanml3d", help="import a HumanML3D-format folder (texts/ + new_joints/)")
    p.add_argument("folder", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-mirror", action="store_true")
    p.set_defaults(func=cmd_import_humanml3d)

    p = dsub.add_parser("stats", help="print clips, minutes and counts per split, action and style")
    p.add_argument("dataset", type=Path, nargs="?", default=DEFAULT_DATA)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_stats)

    p = dsub.add_parser("export", help="write one clip of a dataset as BVH (and a GIF preview)")
    p.add_argument("clip", help="clip id, e.g. dataset-2_walk_normal_001")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, required=True, help="output .bvh")
    p.add_argument("--preview", type=Path, default=None, help="also write an animated GIF")
    p.add_argument("--units", choices=["m", "cm"], default="m")
    p.set_defaults(func=cmd_export)


def cmd_prepare(args) -> int:
    from deepmotion.engine.data.bandai import LICENCE, build_items, load_world_clips

    t0 = time.time()
    if not args.archive.is_file():
        from deepmotion.engine.data.bandai import ArchiveError
        raise ArchiveError(f"archive not found: {args.archive} (pass --archive or set DEEPMOTION_ARCHIVE)")
    from deepmotion.engine.data.compose import COMPOSE_VERSION, OPEN_COMBINATIONS, OPEN_PAIRS
    opts = (f"limit={args.limit};match={args.match};mirror={not args.no_mirror};compose={args.compose};"
            f"open={OPEN_PAIRS},{OPEN_COMBINATIONS};compose_v={COMPOSE_VERSION}")
    content_hash = file_hash([args.archive], opts)
    if not args.force and is_current(args.out, content_hash):
        print(f"{args.out}: up to date (content hash {content_hash[:12]}); --force rebuilds")
        print(format_summary(Dataset(args.out)))
        return 0
    errors: list[str] = []
    clips = load_world_clips(args.archive, args.limit, args.match, _bar("read + parse"), errors)
    items, figures = build_items(clips, _bar("retarget", len(clips)), _bar("fit rig axes", len(clips)))
    if args.compose:
        from deepmotion.engine.data.compose import composed_items, hold_out_combinations
        figures["open_single_clips"] = hold_out_combinations(items)
        composed = composed_items(items, *args.compose)
        figures["composed_clips"] = len(composed)
        items += composed
    source = {"kind": "bandai-namco", "archive": args.archive.name, "licence": LICENCE,
              "skipped": errors, **figures}
    write_dataset(args.out, items, content_hash, source, mirror=not args.no_mirror,
                  progress=_bar("encode dm-v1", len(items)))
    print(format_summary(Dataset(args.out)))
    print(f"retarget: mean bone direction error {figures['mean_bone_error_deg']:.3f} deg "
          f"(worst clip {figures['max_clip_bone_error_deg']:.3f}); skipped {len(errors)} file(s)")
    for e in errors:
        print(f"  skipped: {e}")
    print(f"prepared in {time.time() - t0:.1f} s")
    return 0


def _write_import(args, items, source_paths, kind) -> int:
    content_hash = file_hash(source_paths, f"{kind};mirror={not args.no_mirror}")
    write_dataset(args.out, items, content_hash, {"kind": kind, "folder": str(args.folder)},
                  mirror=not args.no_mirror, progress=_bar("encode dm-v1", len(items)))
    print(format_summary(Dataset(args.out)))
    return 0


def cmd_import_bvh(args) -> int:
    from deepmotion.engine.data.importers import import_bvh_folder

    items = import_bvh_folder(args.folder, args.map, _bar("import BVH"))
    paths = [p for p in args.folder.rglob("*") if p.is_file() and p.suffix in (".bvh", ".txt", ".csv")]
    return _write_import(args, items, paths, "bvh-folder")


def cmd_import_humanml3d(args) -> int:
    from deepmotion.engine.data.importers import import_humanml3d

    items = import_humanml3d(args.folder, _bar("import HumanML3D"))
    paths = [p for p in args.folder.rglob("*") if p.is_file() and p.suffix in (".npy", ".txt")]
    return _write_import(args, items, paths, "humanml3d")


def cmd_stats(args) -> int:
    ds = Dataset(args.dataset)
    if args.json:
        s = ds.summary()
        s["styles"] = dict(s["styles"])
        s["sources"] = dict(s["sources"])
        print(json.dumps({"meta": ds.meta, **s}, indent=2))
    else:
        print(format_summary(ds))
    return 0


def cmd_export(args) -> int:
    ds = Dataset(args.data)
    i = ds.index(args.clip)
    motion = ds.motion_of(i)
    write_bvh(args.out, motion, scale=100.0 if args.units == "cm" else 1.0)
    print(f"wrote {args.out} ({motion.num_frames} frames at {motion.fps:g} fps, units {args.units})")
    if args.preview:
        from deepmotion_client.motion.preview import render_gif
        render_gif(motion, args.preview, title=ds.records[i]["captions"][0])
        print(f"wrote {args.preview}")
    return 0
