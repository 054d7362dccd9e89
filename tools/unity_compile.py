"""Compile-checks every C# file of the Unity package the way Unity would assemble it.

Unity builds one assembly per .asmdef from the .cs files under its folder, with the references,
define constraints and version defines the .asmdef declares. This script does the same with
Debian's mono (`mcs`), against the API shims in tools/unity_shims/ (real public signatures of
UnityEngine, UnityEditor, the test framework, NUnit 3, grpc-dotnet and YetAnotherHttpHandler),
in three project configurations:

    without gRPC                nothing installed but this package
    with gRPC (UnityNuGet)      YetAnotherHttpHandler + org.nuget.grpc.net.client packages
    with gRPC (NuGetForUnity)   YetAnotherHttpHandler package + Grpc DLLs, DEEPMOTION_GRPC define

It prints one line per configuration (files compiled, assemblies, errors), fails when any
assembly does not compile, when an assembly references one its configuration leaves out, or
when a .cs file belongs to no assembly or is compiled in no configuration.

    python tools/unity_compile.py [--verbose]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "clients" / "unity"
SHIMS = Path(__file__).resolve().parent / "unity_shims"
UNITY_DEFINES = ["UNITY_2021_3_OR_NEWER", "UNITY_2021_3", "UNITY_INCLUDE_TESTS", "UNITY_EDITOR", "NET_STANDARD_2_0",
                 "CSHARP_7_3_OR_NEWER"]
FRAMEWORK = ["System.dll", "System.Core.dll", "System.Numerics.dll", "System.Numerics.Vectors.dll", "System.Net.Http.dll"]
# Shim assemblies: name -> (source file, references among shims)
SHIM_ASSEMBLIES = {
    "UnityEngine": ("UnityEngine.cs", []),
    "UnityEditor": ("UnityEditor.cs", ["UnityEngine"]),
    "nunit.framework": ("nunit.framework.cs", []),
    "UnityEngine.TestRunner": ("UnityEngine.TestRunner.cs", ["UnityEngine", "nunit.framework"]),
    "Grpc.Core.Api": ("Grpc.Core.Api.cs", []),
    "Grpc.Net.Client": ("Grpc.Net.Client.cs", ["Grpc.Core.Api"]),
    "Cysharp.Net.Http.YetAnotherHttpHandler": ("Cysharp.Net.Http.YetAnotherHttpHandler.cs", []),
}
# The test framework's editor assembly adds nothing the package's tests use.
EDITOR_TEST_RUNNER = "UnityEditor.TestRunner"


@dataclass
class Configuration:
    name: str
    packages: dict[str, str]            # UPM packages installed: name -> version
    precompiled: list[str]              # auto-referenced DLLs in the project
    asmdef_assemblies: list[str]        # assemblies other packages bring as .asmdef
    defines: list[str] = field(default_factory=list)  # project scripting define symbols


CONFIGURATIONS = [
    Configuration("without gRPC", {"com.unity.modules.animation": "1.0.0", "com.unity.modules.ai": "1.0.0"}, [], []),
    Configuration("with gRPC (UnityNuGet)",
                  {"com.unity.modules.animation": "1.0.0", "com.unity.modules.ai": "1.0.0",
                   "com.cysharp.yetanotherhttphandler": "1.11.5", "org.nuget.grpc.net.client": "2.66.0"},
                  ["Grpc.Core.Api", "Grpc.Net.Client"], ["Cysharp.Net.Http.YetAnotherHttpHandler"]),
    Configuration("with gRPC (NuGetForUnity)",
                  {"com.unity.modules.animation": "1.0.0", "com.cysharp.yetanotherhttphandler": "1.11.5"},
                  ["Grpc.Core.Api", "Grpc.Net.Client"], ["Cysharp.Net.Http.YetAnotherHttpHandler"],
                  defines=["DEEPMOTION_GRPC"]),
]


@dataclass
class Asmdef:
    path: Path
    data: dict
    files: list[Path]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def editor_only(self) -> bool:
        return self.data.get("includePlatforms") == ["Editor"]


def find_asmdefs() -> tuple[list[Asmdef], list[Path]]:
    """Each .cs file belongs to the .asmdef in its nearest enclosing folder (Unity's rule)."""
    asmdefs = {p.parent: Asmdef(p, json.loads(p.read_text()), []) for p in PACKAGE.rglob("*.asmdef")}
    orphans = []
    for cs in sorted(PACKAGE.rglob("*.cs")):
        folder = cs.parent
        while folder not in asmdefs and folder != PACKAGE.parent:
            folder = folder.parent
        (asmdefs[folder].files.append(cs) if folder in asmdefs else orphans.append(cs))
    return list(asmdefs.values()), orphans


def version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def version_matches(expression: str, version: str) -> bool:
    """Unity's version-define expressions: 'x' (x or newer), '[x,y]', '(x,y)', '[x,y)', '[x]'."""
    expression = expression.strip()
    v = version_tuple(version)
    m = re.fullmatch(r"([\[(])\s*([^,\])]*)\s*(?:,\s*([^\])]*))?\s*([\])])", expression)
    if not m:
        return v >= version_tuple(expression)
    lo_incl, lo, hi, hi_incl = m.group(1) == "[", m.group(2), m.group(3), m.group(4) == "]"
    if hi is None:
        return v == version_tuple(lo)
    ok = True
    if lo:
        ok &= v >= version_tuple(lo) if lo_incl else v > version_tuple(lo)
    if hi:
        ok &= v <= version_tuple(hi) if hi_incl else v < version_tuple(hi)
    return ok


def constraints_hold(constraints: list[str], defines: set[str]) -> bool:
    """Every entry must hold; an entry holds when any of its '||' terms does ('!X' negates)."""
    for entry in constraints:
        terms = [t.strip() for t in entry.split("||")]
        if not any((t[1:] not in defines) if t.startswith("!") else (t in defines) for t in terms):
            return False
    return True


def assembly_defines(a: Asmdef, cfg: Configuration) -> set[str]:
    defines = set(UNITY_DEFINES) | set(cfg.defines)
    for vd in a.data.get("versionDefines", []):
        version = cfg.packages.get(vd["name"])
        if version is not None and version_matches(vd.get("expression", "0.0.0"), version):
            defines.add(vd["define"])
    return defines


def build_shims(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for name, (source, refs) in SHIM_ASSEMBLIES.items():
        dll = out / f"{name}.dll"
        cmd = ["mcs", "-nologo", "-target:library", "-nowarn:67,169,649,414,3021", f"-out:{dll}"]
        cmd += [f"-r:{r}" for r in FRAMEWORK] + [f"-r:{built[r]}" for r in refs] + [str(SHIMS / source)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"shim {source} does not compile:\n{run.stdout}{run.stderr}")
        built[name] = dll
    return built


def compile_configuration(cfg: Configuration, asmdefs: list[Asmdef], shims: dict[str, Path], out: Path,
                          verbose: bool) -> tuple[int, list[str], set[Path], list[str], list[str]]:
    """Returns (errors, compiled assembly names, files compiled, messages, assemblies switched off)."""
    out.mkdir(parents=True, exist_ok=True)
    active = {a.name: a for a in asmdefs if constraints_hold(a.data.get("defineConstraints", []), assembly_defines(a, cfg))}
    built: dict[str, Path] = {}
    messages: list[str] = []
    errors = 0
    files: set[Path] = set()
    pending = dict(active)
    while pending:
        progressed = False
        for name, a in list(pending.items()):
            refs = a.data.get("references", [])
            ours = [r for r in refs if r in {x.name for x in asmdefs}]
            if any(r in pending for r in ours):
                continue  # a reference is not built yet
            del pending[name]
            progressed = True
            missing = [r for r in refs if r not in built and r not in cfg.asmdef_assemblies
                       and r not in ("UnityEngine.TestRunner", EDITOR_TEST_RUNNER)]
            if missing:
                errors += 1
                messages.append(f"  {name}: references {', '.join(missing)}, which this configuration does not have "
                                "(Unity stops compiling the project here)")
                continue
            cmd = ["mcs", "-nologo", "-target:library", "-langversion:7.2", "-nowarn:1591", f"-out:{out / (name + '.dll')}"]
            cmd += [f"-define:{d}" for d in sorted(assembly_defines(a, cfg))]
            cmd += [f"-r:{r}" for r in FRAMEWORK]
            if not a.data.get("noEngineReferences", False):
                cmd.append(f"-r:{shims['UnityEngine']}")
                if a.editor_only:
                    cmd.append(f"-r:{shims['UnityEditor']}")
            for r in refs:
                if r in built:
                    cmd.append(f"-r:{built[r]}")
                elif r in shims:
                    cmd.append(f"-r:{shims[r]}")
            if a.data.get("overrideReferences", False):
                for dll in a.data.get("precompiledReferences", []):
                    cmd.append(f"-r:{shims[Path(dll).stem]}")
            else:
                cmd += [f"-r:{shims[p]}" for p in cfg.precompiled]
            cmd += [str(f) for f in a.files]
            run = subprocess.run(cmd, capture_output=True, text=True)
            n_errors = len(re.findall(r": error CS\d+", run.stdout + run.stderr))
            if run.returncode != 0:
                errors += max(1, n_errors)
                messages.append(f"  {name}: {max(1, n_errors)} error(s)\n" + indent(run.stdout + run.stderr))
                continue
            if verbose and run.stdout.strip():
                messages.append(f"  {name}: warnings\n" + indent(run.stdout))
            built[name] = out / (name + ".dll")
            files.update(a.files)
        if not progressed:
            for name in pending:
                errors += 1
                messages.append(f"  {name}: reference cycle or reference to an assembly left out: {pending[name].data.get('references')}")
            break
    return errors, sorted(built), files, messages, sorted(a.name for a in asmdefs if a.name not in active)


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="also print warnings and the assemblies of each configuration")
    args = ap.parse_args(argv)
    if not shutil.which("mcs"):
        print("error: mcs not found (apt-get install mono-devel)", file=sys.stderr)
        return 2
    asmdefs, orphans = find_asmdefs()
    total_errors = 0
    compiled: set[Path] = set()
    with tempfile.TemporaryDirectory() as tmp:
        shims = build_shims(Path(tmp) / "shims")
        for i, cfg in enumerate(CONFIGURATIONS):
            errors, assemblies, files, messages, skipped = compile_configuration(cfg, asmdefs, shims, Path(tmp) / f"cfg{i}",
                                                                                 args.verbose)
            total_errors += errors
            compiled |= files
            print(f"{cfg.name}: {len(files)} files compiled in {len(assemblies)} assemblies, {errors} errors"
                  + (f" (switched off: {', '.join(skipped)})" if skipped else ""))
            for m in messages:
                print(m)
            if args.verbose:
                print("  assemblies: " + ", ".join(assemblies))
    all_files = sorted(PACKAGE.rglob("*.cs"))
    never = [f for f in all_files if f not in compiled]
    for f in orphans:
        print(f"error: {f.relative_to(ROOT)} belongs to no .asmdef")
    for f in never:
        if f not in orphans:
            print(f"error: {f.relative_to(ROOT)} is compiled in no configuration")
    print(f"all configurations: {len(compiled)} of {len(all_files)} .cs files compiled, {total_errors} errors")
    return 1 if total_errors or never or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
