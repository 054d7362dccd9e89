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


def asmdef(folder: str) -> dict:
    found = list((UNITY / folder).glob("*.asmdef"))
    assert len(found) == 1, folder
    data = json.loads(found[0].read_text())
    assert data["name"] == found[0].stem
    return data


GRPC_CONSTRAINTS = ["DEEPMOTION_YAHH", "DEEPMOTION_GRPC_NET_CLIENT || DEEPMOTION_GRPC"]


def test_playback_assemblies_never_reference_grpc():
    """A project without the gRPC packages must compile: playback, editor, tests and the replay sample."""
    for folder in ("Runtime/Core", "Runtime", "Editor", "Tests/Editor", "Tests/Runtime", "Samples~/ReplayNpc"):
        data = asmdef(folder)
        assert all("Grpc" not in r and "YetAnotherHttpHandler" not in r for r in data["references"]), folder
        assert "DEEPMOTION_YAHH" not in json.dumps(data.get("defineConstraints", [])), folder
    assert asmdef("Tests/Editor")["references"][0] == "DeepMotion.Bridge.Core"
    assert "DeepMotion.Bridge" not in asmdef("Tests/Editor")["references"], "core tests need only the core"


def test_grpc_assemblies_switch_on_only_with_their_packages():
    for folder in ("Runtime/Grpc", "Editor/Grpc", "Samples~/NpcStreaming"):
        data = asmdef(folder)
        assert data["defineConstraints"] == GRPC_CONSTRAINTS, folder
        defines = {(v["name"], v["define"]) for v in data["versionDefines"]}
        assert ("com.cysharp.yetanotherhttphandler", "DEEPMOTION_YAHH") in defines
        assert ("org.nuget.grpc.net.client", "DEEPMOTION_GRPC_NET_CLIENT") in defines
    assert "WebGL" in asmdef("Runtime/Grpc")["excludePlatforms"]
    assert not asmdef("Runtime")["excludePlatforms"], "playback (replay) works on WebGL"


def test_every_asset_has_a_meta_file_with_a_unique_guid():
    guids = []
    for path in UNITY.rglob("*"):
        parts = path.relative_to(UNITY).parts
        # Unity skips "name~" folders, except that samples are copied into projects with their .meta files.
        hidden = any(part.endswith("~") for part in parts) and not (parts[0] == "Samples~" and len(parts) > 1)
        if path.suffix == ".meta" or path == UNITY or hidden:
            continue
        meta = path.with_name(path.name + ".meta")
        assert meta.exists(), f"{path.relative_to(UNITY)} has no .meta (Unity ignores it in an immutable package)"
        guids.append(re.search(r"^guid: ([0-9a-f]{32})$", meta.read_text(), re.M).group(1))
    assert len(guids) == len(set(guids))


def test_package_has_samples_documentation_licence_and_changelog():
    manifest = json.loads((UNITY / "package.json").read_text())
    for sample in manifest["samples"]:
        assert (UNITY / sample["path"]).is_dir(), sample
        assert list((UNITY / sample["path"]).glob("*.cs"))
    replay = UNITY / "Samples~" / "ReplayNpc"
    scene = (replay / "ReplayNpc.unity").read_text()
    for asset in ("ReplayNpcDemo.cs", "walk-turn-left.bytes"):
        guid = re.search(r"^guid: ([0-9a-f]{32})$", (replay / (asset + ".meta")).read_text(), re.M).group(1)
        assert guid in scene, f"the sample scene references {asset} by its GUID"
    assert (UNITY / "Documentation~" / "index.md").read_text().count("## ") >= 4
    for name in ("LICENSE.md", "CHANGELOG.md", "Third Party Notices.md"):
        assert (UNITY / name).is_file(), name
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    for key, name in (("documentationUrl", "Documentation~/index.md"), ("changelogUrl", "CHANGELOG.md"),
                      ("licensesUrl", "LICENSE.md")):
        assert manifest[key].startswith("https://") and manifest[key].endswith(name.replace("~", "%7E")), key
    assert not (UNITY / "link.xml").exists(), "Unity ignores a package's link.xml: GrpcLinkXml hands the rules to the linker"


def test_core_is_plain_csharp_without_unity_or_grpc():
    asmdef = json.loads((UNITY / "Runtime" / "Core" / "DeepMotion.Bridge.Core.asmdef").read_text())
    assert asmdef["noEngineReferences"] is True and asmdef["references"] == []
    for cs in (UNITY / "Runtime" / "Core").rglob("*.cs"):
        text = cs.read_text()
        assert not re.search(r"^using (UnityEngine|UnityEditor|Grpc|Google)", text, re.M), cs.name


def test_asmdef_references_resolve_to_package_assemblies_or_documented_dependencies():
    ours = {json.loads(p.read_text())["name"] for p in UNITY.rglob("*.asmdef")}
    external = {"UnityEngine.TestRunner", "UnityEditor.TestRunner", "Cysharp.Net.Http.YetAnotherHttpHandler"}  # noqa: E501
    for p in UNITY.rglob("*.asmdef"):
        for ref in json.loads(p.read_text())["references"]:
            assert ref in ours | external, f"{p.name} references unknown assembly {ref}"
