"""External tools: clang for C to bitcode, the system C compiler to link, program runs.

Benchmarks are compiled as CompilerGym's cbench-v1 was: `-O1 -Xclang
-disable-llvm-passes` keeps the IR unoptimized without the `noinline` and
`optnone` that plain `-O0` puts on every function (no pass order could inline
otherwise). `-ffp-contract=off` keeps floating-point results independent of
whether a later pass could fuse a multiply-add.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cgym_ray.errors import ToolchainError

BITCODE_FLAGS = ("-O1", "-Xclang", "-disable-llvm-passes", "-ffp-contract=off", "-emit-llvm", "-c")
# The clang the shipped suite was built with; `scripts/test` installs it.
PREFERRED_LLVM_MAJOR = 19
PROGRAM_TIMEOUT_S = 30.0


def _find(env_var: str, names: list[str], what: str, install_hint: str) -> str:
    explicit = os.environ.get(env_var)
    if explicit:
        if shutil.which(explicit):
            return shutil.which(explicit)  # type: ignore[return-value]
        raise ToolchainError(f"{env_var}={explicit} is not an executable")
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise ToolchainError(
        f"{what} not found (looked for {', '.join(names)}; set {env_var} to override). "
        f"{install_hint}"
    )


def _versioned(tool: str) -> list[str]:
    majors = [PREFERRED_LLVM_MAJOR] + [m for m in range(30, 13, -1) if m != PREFERRED_LLVM_MAJOR]
    return [f"{tool}-{m}" for m in majors] + [tool]


@functools.cache
def clang() -> str:
    return _find("CGYM_CLANG", _versioned("clang"), "clang", "Install it: apt-get install clang-19")


@functools.cache
def llvm_tool(name: str) -> str:
    """llvm-link, llvm-as, llvm-stress ... of the preferred LLVM version."""
    return _find(
        f"CGYM_{name.upper().replace('-', '_')}",
        _versioned(name),
        name,
        "Install it: apt-get install llvm-19",
    )


@functools.cache
def c_compiler() -> str:
    return _find("CC", ["cc", "gcc", "clang"], "a C compiler", "Install it: apt-get install gcc")


@functools.cache
def clang_version() -> str:
    text = subprocess.run([clang(), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"clang version (\S+)", text)
    return match.group(1) if match else text.splitlines()[0]


def _run_tool(command: list[str], what: str, cwd: Path | None = None, timeout_s: float = 600) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"{what}: timed out after {timeout_s:g} s: {' '.join(command)}") from None
    if result.returncode != 0:
        raise ToolchainError(f"{what} failed ({' '.join(command)}):\n{result.stderr.strip()[-3000:]}")


def compile_c_to_bitcode(
    sources: list[Path], output: Path, include_dirs: tuple[str, ...] = (), extra_flags: tuple[str, ...] = ()
) -> Path:
    """Compile C files to one linked bitcode file, the way benchmarks are built.

    Each source is compiled in its own directory under its bare name, so the
    bitcode does not depend on where the checkout lives.
    """
    with tempfile.TemporaryDirectory(prefix="cgym-build-") as scratch:
        parts = []
        for i, source in enumerate(sources):
            part = Path(scratch) / f"{i}-{source.stem}.bc"
            flags = [f"-I{d}" for d in include_dirs] + list(extra_flags)
            _run_tool(
                [clang(), *BITCODE_FLAGS, *flags, source.name, "-o", str(part)],
                f"compiling {source}",
                cwd=source.parent,
            )
            parts.append(str(part))
        output.parent.mkdir(parents=True, exist_ok=True)
        _run_tool([llvm_tool("llvm-link"), *parts, "-o", str(output)], f"linking {output.name}")
    return output


@dataclass(frozen=True)
class ProgramRun:
    """The observable behaviour of one program run."""

    returncode: int
    stdout: bytes
    stderr: bytes
    walltime_s: float
    timed_out: bool = False

    def same_behaviour(self, other: ProgramRun) -> bool:
        return (self.returncode, self.stdout, self.timed_out) == (
            other.returncode,
            other.stdout,
            other.timed_out,
        )


def link_executable(object_file: bytes, output: Path, link_flags: tuple[str, ...] = ("-lm",)) -> Path:
    """Link an object file (from the same libLLVM that optimized it) with the system C compiler."""
    obj = output.with_suffix(".o")
    obj.write_bytes(object_file)
    _run_tool([c_compiler(), str(obj), "-o", str(output), *link_flags], f"linking {output.name}")
    obj.unlink()
    return output


def run_program(executable: Path, timeout_s: float = PROGRAM_TIMEOUT_S) -> ProgramRun:
    """Run with no input, no arguments and a clean environment."""
    import time

    started = time.perf_counter()
    try:
        result = subprocess.run(
            [str(executable)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout_s,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired as expired:
        return ProgramRun(-1, expired.stdout or b"", expired.stderr or b"", timeout_s, timed_out=True)
    return ProgramRun(result.returncode, result.stdout, result.stderr, time.perf_counter() - started)
