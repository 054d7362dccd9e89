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
        hidden = any(part.endswith("~") for part in path.relative_to(UNITY).parts)  # Unity skips "name~"
        if path.suffix == ".meta" or path == UNITY or hidden:
            continue
        meta = path.with_name(path.name + ".meta")
        assert meta.exists(), f"{path.relative_to(UNITY)} has no .meta (Unity ignores it in an immutable package)"
        guids.append(re.search(r"^guid: ([0-9a-f]{32})$", meta.read_text(), re.M).group(1))
    assert len(guids) == len(set(guids))


def test_package_has_samples_documentation_and_link_xml():
    manifest = json.loads((UNITY / "package.json").read_text())
    for sample in manifest["samples"]:
        assert (UNITY / sample["path"]).is_dir(), sample
        assert list((UNITY / sample["path"]).glob("*.cs"))
    assert (UNITY / "Documentation~" / "index.md").read_text().count("## ") >= 4
    link = (UNITY / "link.xml").read_text()
    for assembly in ("Google.Protobuf", "Grpc.Net.Client", "DeepMotion.Bridge.Core"):
        assert f'fullname="{assembly}"' in link


def test_core_is_plain_csharp_without_unity_or_grpc():
    asmdef = json.loads((UNITY / "Runtime" / "Core" / "DeepMotion.Bridge.Core.asmdef").read_text())
    assert asmdef["noEngineReferences"] is True and asmdef["references"] == []
    for cs in (UNITY / "Runtime" / "Core").rglob("*.cs"):
        text = cs.read_text()
        assert not re.search(r"^using (UnityEngine|UnityEditor|Grpc|Google)", text, re.M), cs.name


def test_asmdef_references_resolve_to_package_assemblies_or_documented_dependencies():
    ours = {json.loads(p.read_text())["name"] for p in UNITY.rglob("*.asmdef")}
    external = {"UnityEngine.TestRunner", "UnityEditor.TestRunner", "Cysharp.Net.Http.YetAnotherHttpHandler"}
    for p in UNITY.rglob("*.asmdef"):
        for ref in json.loads(p.read_text())["references"]:
            assert ref in ours | external, f"{p.name} references unknown assembly {ref}"
