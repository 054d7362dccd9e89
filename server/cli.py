"""The `deepmotion` command: data pipeline today; training, generation and serving join it."""
from __future__ import annotations

import argparse
import sys

from deepmotion_client.motion.bvh import BVHError


def _known_errors() -> tuple[type[BaseException], ...]:
    from deepmotion.engine.data.bandai import ArchiveError
    from deepmotion.engine.data.dataset import DatasetError
    from deepmotion.engine.data.importers import FolderImportError
    from deepmotion.engine.checkpoint import CheckpointError
    from deepmotion.engine.data.sources import SourceError
    return (CheckpointError, BVHError, ArchiveError, DatasetError, FolderImportError, SourceError, KeyError, OSError, ValueError)


def build_parser() -> argparse.ArgumentParser:
    from deepmotion.engine.data import cli as data_cli
    from deepmotion.engine import generate
    from deepmotion.engine.training import cli as train_cli

    ap = argparse.ArgumentParser(prog="deepmotion", description="DeepMotion bridge: text-to-motion engine and server")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_cli.add_commands(sub)
    train_cli.add_commands(sub)
    generate.add_commands(sub)
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except _known_errors() as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"deepmotion: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("deepmotion: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
