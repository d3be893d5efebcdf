"""Build the built-in suite's bitcode and manifest from its C sources.

    python -m cgym_ray.datasets.build_suite            # rebuild what changed
    python -m cgym_ray.datasets.build_suite --check    # verify shipped bitcode matches sources

Each program is compiled with `toolchain.BITCODE_FLAGS` by the clang named in
the manifest, its output recorded by running it, and its split taken from
`suite/splits.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cgym_ray.datasets.suite import BITCODE_DIR, MANIFEST_PATH, SOURCE_DIR, SPLITS, SPLITS_PATH
from cgym_ray.datasets.toolchain import (
    BITCODE_FLAGS,
    clang,
    clang_version,
    compile_c_to_bitcode,
    run_program,
)
from cgym_ray.errors import ToolchainError

_HEADER = re.compile(r"/\* cgym-suite: category=(\w+); (.*?) \*/")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_splits() -> dict[str, str]:
    splits = json.loads(SPLITS_PATH.read_text())
    return {name: split for split in SPLITS for name in splits.get(split, [])}


def describe_source(path: Path) -> tuple[str, str, int]:
    """(category, description, non-blank lines) from a program's header comment."""
    text = path.read_text()
    match = _HEADER.match(text)
    if not match:
        raise ToolchainError(f"{path}: first line must be /* cgym-suite: category=...; ... */")
    lines = sum(1 for line in text.splitlines() if line.strip())
    return match.group(1), match.group(2), lines


def build_program(source: Path, output: Path) -> dict[str, object]:
    """Compile one program, run it, and return its manifest entry (minus the split)."""
    compile_c_to_bitcode([source], output)
    with tempfile.TemporaryDirectory(prefix="cgym-suite-") as scratch:
        executable = Path(scratch) / source.stem
        link = subprocess.run(
            [clang(), str(output), "-lm", "-o", str(executable)], capture_output=True, text=True
        )
        if link.returncode != 0:
            raise ToolchainError(f"linking {output} failed: {link.stderr.strip()}")
        run = run_program(executable)
    if run.returncode != 0 or run.timed_out:
        raise ToolchainError(
            f"{source.name} exited with {run.returncode} (timed out: {run.timed_out})"
        )
    category, description, lines = describe_source(source)
    stdout = run.stdout.decode()
    checksum = [line for line in stdout.splitlines() if "checksum" in line.lower()]
    return {
        "name": source.stem,
        "category": category,
        "description": description,
        "lines_of_c": lines,
        "source_sha256": _sha256(source.read_bytes()),
        "bitcode_sha256": _sha256(output.read_bytes()),
        "stdout_sha256": _sha256(run.stdout),
        "checksum_line": checksum[-1] if checksum else stdout.splitlines()[-1],
        "runtime_s": round(run.walltime_s, 4),
    }


def build(names: list[str] | None = None) -> dict:
    splits = read_splits()
    sources = sorted(SOURCE_DIR.glob("*.c"))
    missing = [s.stem for s in sources if s.stem not in splits]
    if missing:
        raise ToolchainError(f"programs without a split in {SPLITS_PATH}: {', '.join(missing)}")
    previous = {}
    if MANIFEST_PATH.exists():
        previous = {e["name"]: e for e in json.loads(MANIFEST_PATH.read_text())["benchmarks"]}
    entries = []
    for source in sources:
        name = source.stem
        output = BITCODE_DIR / f"{name}.bc"
        old = previous.get(name)
        fresh = (
            old is not None
            and output.exists()
            and old["source_sha256"] == _sha256(source.read_bytes())
            and old["bitcode_sha256"] == _sha256(output.read_bytes())
            and (names is None or name not in names)
        )
        if fresh:
            entry = dict(old)
        else:
            print(f"building {name}", file=sys.stderr)
            entry = build_program(source, output)
        entry["split"] = splits[name]
        entries.append(entry)
    for stale in BITCODE_DIR.glob("*.bc"):
        if stale.stem not in splits:
            stale.unlink()
    manifest = {
        "dataset": "cgym-suite-v0",
        "clang_version": clang_version(),
        "flags": list(BITCODE_FLAGS),
        "benchmarks": entries,
    }
    MANIFEST_PATH.write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def check() -> list[str]:
    """Rebuild every program in a scratch dir; list where it differs from what ships."""
    manifest = json.loads(MANIFEST_PATH.read_text())
    problems = []
    if manifest["clang_version"] != clang_version():
        problems.append(
            f"the suite was built with clang {manifest['clang_version']}, this is {clang_version()}"
        )
        return problems
    with tempfile.TemporaryDirectory(prefix="cgym-suite-check-") as scratch:
        for entry in manifest["benchmarks"]:
            source = SOURCE_DIR / f"{entry['name']}.c"
            shipped = BITCODE_DIR / f"{entry['name']}.bc"
            if _sha256(source.read_bytes()) != entry["source_sha256"]:
                problems.append(f"{entry['name']}: source changed since the manifest was written")
            if not shipped.exists() or _sha256(shipped.read_bytes()) != entry["bitcode_sha256"]:
                problems.append(f"{entry['name']}: shipped bitcode does not match the manifest")
            rebuilt = compile_c_to_bitcode([source], Path(scratch) / f"{entry['name']}.bc")
            if _sha256(rebuilt.read_bytes()) != entry["bitcode_sha256"]:
                problems.append(f"{entry['name']}: rebuilding the source gives different bitcode")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify instead of building")
    parser.add_argument("names", nargs="*", help="force a rebuild of these programs")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem)
        print(
            "suite bitcode matches its sources" if not problems else f"{len(problems)} problem(s)"
        )
        return 1 if problems else 0
    manifest = build(args.names or None)
    print(f"built {len(manifest['benchmarks'])} programs into {BITCODE_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
