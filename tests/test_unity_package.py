"""The Unity package is a valid package: manifest, one asmdef per assembly folder, .meta files."""
import json
import re

from conftest import ROOT

UNITY = ROOT / "clients" / "unity"


def test_manifest_has_what_the_package_manager_requires():
    manifest = json.loads((UNITY / "package.json").read_text())
    assert re.fullmatch(r"com\.[a-z0-9-]+\.[a-z0-9.-]+", manifest["name"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert re.fullmatch(r"\d{4}\.\d", manifest["unity"])
    assert manifest["displayName"] and manifest["description"]


def test_each_assembly_folder_has_one_valid_asmdef():
    names = set()
    for folder in ("Runtime", "Editor", "Tests/Editor", "Tests/Runtime"):
        asmdefs = list((UNITY / folder).glob("*.asmdef"))
        assert len(asmdefs) == 1, folder
        data = json.loads(asmdefs[0].read_text())
        assert data["name"] == asmdefs[0].stem
        names.add(data["name"])
    for folder in ("Editor", "Tests/Editor", "Tests/Runtime"):
        data = json.loads(next((UNITY / folder).glob("*.asmdef")).read_text())
        assert "DeepMotion.Bridge" in data["references"]


def test_every_asset_has_a_meta_file_with_a_unique_guid():
    guids = []
    for path in UNITY.rglob("*"):
        if path.suffix == ".meta" or path == UNITY:
            continue
        meta = path.with_name(path.name + ".meta")
        assert meta.exists(), f"{path.relative_to(UNITY)} has no .meta (Unity ignores it in an immutable package)"
        guids.append(re.search(r"^guid: ([0-9a-f]{32})$", meta.read_text(), re.M).group(1))
    assert len(guids) == len(set(guids))
