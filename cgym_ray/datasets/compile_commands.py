"""Your own project as a dataset: one benchmark per translation unit of its compile_commands.json.

    cgym-ray datasets import myproject-v0 --compile-commands build/compile_commands.json

(CMake writes the file with `-DCMAKE_EXPORT_COMPILE_COMMANDS=ON`; `bear -- make`
writes it for any build.) Each entry's file is compiled the way benchmarks
are (`-O1 -Xclang -disable-llvm-passes -emit-llvm`) with the entry's own
include paths, macros and language flags, in parallel as Ray tasks. A file
that does not compile is recorded with the compiler's message and skipped;
the dataset is installed if at least one file compiled.

Every unit's result is written to `<datasets>/.imports/<name>/` as soon as
it is known, keyed by the hash of the file and its flags, so an interrupted
import (Ctrl-C, kill -9, a lost node) resumes where it stopped when run
again. The dataset itself appears in one rename, as every install does.

Before anything is built the whole file is checked: an entry whose file is
missing or is not C/C++ is refused with the entry's index and path, and
nothing is built or changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.datasets.archives import DatasetError, show_progress
from cgym_ray.datasets.catalogue import DATASET_NAME, find_entry
from cgym_ray.datasets.install import (
    MANIFEST,
    _locked,
    _private_dir,
    datasets_dir,
    publish,
    write_manifest,
)
from cgym_ray.datasets.toolchain import clang_version, compile_to_bitcode
from cgym_ray.scratch import atomic_write_bytes

C_SUFFIXES = (".c",)
CXX_SUFFIXES = (".cc", ".cpp", ".cxx", ".c++", ".C")
MAX_FILE_BYTES = 64 * 1024**2
# Flags that say what the code means (kept); everything else (optimization, debug info,
# outputs, dependency files, warnings) is the build's business, not the benchmark's.
_KEPT_WITH_VALUE = ("-I", "-D", "-U", "-include", "-isystem", "-iquote", "-idirafter", "-x")
_KEPT_PREFIXES = (
    "-I",
    "-D",
    "-U",
    "-std=",
    "-isystem",
    "-iquote",
    "-idirafter",
    "-f",
    "-m",
    "-pthread",
    "-ansi",
)
_DROPPED_PREFIXES = (
    "-fprofile",
    "-fcoverage",
    "-fsanitize",
    "-fdebug",
    "-fdiagnostics",
    "-fcolor",
    "-fno-color",
    "-flto",
)
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.+-]")


@dataclass(frozen=True)
class TranslationUnit:
    """One entry of compile_commands.json, checked: a C/C++ file and the flags that matter."""

    name: str  # the benchmark name: the file's path below the project's root
    file: Path
    directory: Path
    flags: tuple[str, ...]

    @property
    def key(self) -> str:
        """Changes when the file or its flags do: results are reused only for the same unit."""
        digest = hashlib.sha256(self.file.read_bytes())
        digest.update(json.dumps([str(self.file), list(self.flags)]).encode())
        return digest.hexdigest()[:32]


@dataclass
class ImportReport:
    name: str
    built: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # benchmark -> the compiler's message
    resumed: int = 0  # units whose result an earlier, interrupted import had already made

    def summary(self) -> str:
        lines = [
            f"{self.name}: {len(self.built)} benchmarks, {len(self.failed)} files failed to compile"
            + (f" ({self.resumed} done by an earlier interrupted import)" if self.resumed else "")
        ]
        for benchmark, message in sorted(self.failed.items()):
            first = next(
                (line for line in message.splitlines() if "error" in line),
                message.splitlines()[0] if message else "",
            )
            lines.append(f"  failed: {benchmark}: {first}")
        return "\n".join(lines)


def bitcode_flags(arguments: list[str]) -> tuple[str, ...]:
    """The flags of a compile command that change what the code means (-I, -D, -std=, -f...)."""
    kept: list[str] = []
    args = iter(arguments[1:])  # arguments[0] is the compiler
    for arg in args:
        if arg in _KEPT_WITH_VALUE:
            value = next(args, None)
            if value is not None:
                kept += [arg, value]
        elif arg in ("-o", "-MF", "-MT", "-MQ", "-Xclang", "-arch", "-target", "--target"):
            next(args, None)  # an output or a tool option, with its value: not ours
        elif arg.startswith(_KEPT_PREFIXES) and not arg.startswith(_DROPPED_PREFIXES):
            kept.append(arg)
    return tuple(kept)


def _arguments(entry: dict[str, Any]) -> list[str]:
    if isinstance(entry.get("arguments"), list):
        return [str(a) for a in entry["arguments"]]
    if isinstance(entry.get("command"), str):
        return shlex.split(entry["command"])
    raise ValueError("has neither 'arguments' (a list) nor 'command' (a string)")


def read_compile_commands(path: str | Path) -> list[TranslationUnit]:
    """Check every entry and return the units; DatasetError names the first bad entry."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text())
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(entries, list) or not entries:
        raise DatasetError(
            f"{path}: expected a non-empty JSON list of {{directory, file, arguments|command}}"
        )
    units: list[tuple[Path, Path, tuple[str, ...]]] = []
    seen: set[Path] = set()
    for index, entry in enumerate(entries):
        where = f"{path}: entry {index}"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("file"), str)
            or not isinstance(entry.get("directory"), str)
        ):
            raise DatasetError(f"{where}: needs 'directory' and 'file' strings")
        directory = Path(entry["directory"])
        file = (directory / entry["file"]).resolve()
        if not file.name.endswith(C_SUFFIXES + CXX_SUFFIXES):
            raise DatasetError(
                f"{where}: {file} is not a C or C++ file (expected {', '.join(C_SUFFIXES + CXX_SUFFIXES)}); "
                "nothing was imported"
            )
        if not file.is_file():
            raise DatasetError(f"{where}: {file}: no such file; nothing was imported")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise DatasetError(f"{where}: {file} is larger than {MAX_FILE_BYTES} bytes")
        try:
            flags = bitcode_flags(_arguments(entry))
        except ValueError as error:
            raise DatasetError(f"{where}: {error}") from None
        if file not in seen:  # a file built twice (two targets) is one benchmark
            seen.add(file)
            units.append((file, directory, flags))
    root = Path(os.path.commonpath([str(file.parent) for file, _, _ in units]))
    named = []
    for file, directory, flags in units:
        parts = [
            _UNSAFE_NAME_CHARS.sub("_", part).lstrip(".") or "_"
            for part in file.relative_to(root).parts
        ]
        named.append(TranslationUnit("/".join(parts), file, directory, flags))
    return named


def compile_unit(unit: TranslationUnit) -> tuple[bytes | None, str]:
    """The unit's bitcode, or None and the compiler's message."""
    compiled = compile_to_bitcode(unit.file, unit.flags, cwd=unit.directory)
    return compiled.bitcode, "" if compiled.ok else compiled.message[-4000:]


def _check_new_name(name: str) -> None:
    if not DATASET_NAME.match(name):
        raise DatasetError(
            f"dataset name {name!r}: lower-case letters, digits and _.+- ending in a version, e.g. myproject-v0"
        )
    if find_entry(name) is not None:
        raise DatasetError(f"{name} is a catalogued dataset; give your project another name")
    if (datasets_dir() / name / MANIFEST).is_file():
        raise DatasetError(
            f"{name} is already installed; `cgym-ray datasets remove {name}` first, or pick a new version"
        )


def import_compile_commands(
    name: str, compile_commands: str | Path, progress: bool = True
) -> ImportReport:
    """Build a dataset from a compile_commands.json on Ray (this process's, else embedded Ray)."""
    import ray

    _check_new_name(name)
    units = read_compile_commands(compile_commands)
    if not ray.is_initialized():
        from cgym_ray.ray_init import init_ray

        init_ray()  # embedded Ray on 127.0.0.1, every CPU
    root = datasets_dir()
    root.mkdir(parents=True, exist_ok=True)
    report = ImportReport(name)
    with _locked(root, name):
        _check_new_name(name)  # not imported by someone else while we waited
        work = root / ".imports" / name
        work.mkdir(parents=True, exist_ok=True)
        keys = {unit.name: unit.key for unit in units}
        todo = [
            u
            for u in units
            if not any((work / f"{keys[u.name]}{ext}").is_file() for ext in (".bc", ".error"))
        ]
        report.resumed = len(units) - len(todo)
        _build(todo, keys, work, name, progress)
        staging = _private_dir(root, ".staging", name)
        try:
            metadata = {}
            for unit in units:
                result = work / f"{keys[unit.name]}.bc"
                if result.is_file():
                    target = staging / "bitcode" / f"{unit.name}.bc"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(result, target)
                    metadata[unit.name] = {
                        "source": str(unit.file),
                        "directory": str(unit.directory),
                        "flags": list(unit.flags),
                    }
                    report.built.append(unit.name)
                else:
                    report.failed[unit.name] = json.loads(
                        (work / f"{keys[unit.name]}.error").read_text()
                    )["message"]
            if not report.built:
                first = next(iter(report.failed.items()))
                raise DatasetError(
                    f"{name}: none of the {len(units)} files compiled, so nothing was installed; "
                    f"{first[0]}: {first[1][-1500:]}"
                )
            (staging / "failures.json").write_text(json.dumps(report.failed, indent=1))
            description = {
                "name": name,
                "kind": "compile-commands",
                "description": f"imported from {Path(compile_commands).resolve()}",
                "clang_version": clang_version(),
                "failed": len(report.failed),
            }
            write_manifest(
                staging,
                name,
                "compile-commands",
                description,
                metadata,
                str(Path(compile_commands).resolve()),
            )
            publish(staging, root / name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(work, ignore_errors=True)
    return report


def _build(
    todo: list[TranslationUnit], keys: dict[str, str], work: Path, name: str, progress: bool
) -> None:
    """Compile the units as Ray tasks, writing each result as soon as it arrives."""
    import ray

    if not todo:
        return
    remote = ray.remote(num_cpus=1, max_retries=2)(compile_unit)
    pending = {remote.remote(unit): unit for unit in todo}
    done = 0
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        unit = pending.pop(ready[0])
        try:
            bitcode, message = ray.get(ready[0])
        except ray.exceptions.RayError as error:
            bitcode, message = (
                None,
                f"the build task failed: {type(error).__name__}: {str(error)[:1000]}",
            )
        if bitcode is not None:
            atomic_write_bytes(work / f"{keys[unit.name]}.bc", bitcode)
        else:
            atomic_write_bytes(
                work / f"{keys[unit.name]}.error",
                json.dumps({"file": str(unit.file), "message": message}).encode(),
            )
        done += 1
        if progress:
            show_progress(f"building {name}", done, len(todo), unit="files")
    if progress:
        print(file=sys.stderr)
