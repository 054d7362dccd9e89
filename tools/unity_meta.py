"""Writes the .meta files Unity needs for every new file and folder of clients/unity.

Unity ignores assets without a .meta inside an immutable (installed) package, and GUIDs must be
stable, so new ones are derived from the asset's path. Folders ending in '~' are hidden from
Unity and get none, except the samples under Samples~ (imported into Assets with their GUIDs).

    python tools/unity_meta.py
"""
from __future__ import annotations

import hashlib
from pathlib import Path

UNITY = Path(__file__).resolve().parents[1] / "clients" / "unity"
IMPORTERS = {".cs": "MonoImporter", ".asmdef": "AssemblyDefinitionImporter", ".json": "PackageManifestImporter",
             ".md": "TextScriptImporter", ".txt": "TextScriptImporter", ".xml": "TextScriptImporter",
             ".bytes": "TextScriptImporter"}
MONO = """MonoImporter:
  externalObjects: {}
  serializedVersion: 2
  defaultReferences: []
  executionOrder: 0
  icon: {instanceID: 0}
  userData: 
  assetBundleName: 
  assetBundleVariant: 
"""


def hidden(path: Path) -> bool:
    """Unity skips 'name~' folders, but Samples~ is copied into a project on import: its files
    need .meta files with stable GUIDs so the sample scene's references survive the copy."""
    parts = path.relative_to(UNITY).parts
    if parts and parts[0] == "Samples~":
        return len(parts) == 1 or any(part.startswith(".") for part in parts)
    return any(part.endswith("~") or part.startswith(".") for part in parts)


def meta_text(path: Path) -> str:
    guid = hashlib.md5(str(path.relative_to(UNITY)).encode()).hexdigest()
    head = f"fileFormatVersion: 2\nguid: {guid}\n"
    if path.is_dir():
        return head + "folderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"
    importer = IMPORTERS.get(path.suffix, "DefaultImporter")
    if importer == "MonoImporter":
        return head + MONO
    return head + f"{importer}:\n  externalObjects: {{}}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"


def main() -> None:
    written = 0
    for path in sorted(UNITY.rglob("*")):
        if path.suffix == ".meta" or hidden(path):
            continue
        meta = path.with_name(path.name + ".meta")
        if not meta.exists():
            meta.write_text(meta_text(path))
            written += 1
    for meta in UNITY.rglob("*.meta"):
        if not meta.with_suffix("").exists():
            meta.unlink()
            print(f"removed orphan {meta.relative_to(UNITY)}")
    print(f"wrote {written} .meta files")


if __name__ == "__main__":
    main()
