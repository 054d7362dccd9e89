"""The `deepmotion` command: data, training, generation, evaluation, serving and benchmarks.

Each subcommand lives in a module named for it and calls into the engine (or the server for
`serve`); options several commands share are in options.py. Errors the user can act on (bad
input, a damaged model, a missing file) print one line and exit 2; --debug shows the traceback.
"""
from __future__ import annotations

import argparse
import sys


def user_errors() -> tuple[type[BaseException], ...]:
    """What a user can act on: the project's documented errors (their message names the file,
    field or option) and files that are missing or unreadable. Anything else is a bug and
    keeps its traceback."""
    from deepmotion_client.errors import DeepMotionError
    return (DeepMotionError, FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def build_parser() -> argparse.ArgumentParser:
    from . import bench, data, evaluate, generate, serve, serve_ray, train

    ap = argparse.ArgumentParser(prog="deepmotion", description="DeepMotion bridge: text-to-motion engine and server")
    ap.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (data, train, generate, evaluate, serve, serve_ray, bench):
        module.add_commands(sub)
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("deepmotion: interrupted", file=sys.stderr)
        return 130
    except user_errors() as e:
        if args.debug:
            raise
        print(f"deepmotion: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
