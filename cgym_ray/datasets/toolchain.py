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
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cgym_ray.errors import ToolchainError

BITCODE_FLAGS = ("-O1", "-Xclang", "-disable-llvm-passes", "-ffp-contract=off", "-emit-llvm", "-c")
# The clang the shipped suite was built with; `scripts/test` installs it.
PREFERRED_LLVM_MAJOR = 19
PROGRAM_TIMEOUT_S = 30.0
COMPILE_TIMEOUT_S = 300.0


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


def _run_tool(
    command: list[str], what: str, cwd: Path | None = None, timeout_s: float = 600
) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ToolchainError(
            f"{what}: timed out after {timeout_s:g} s: {' '.join(command)}"
        ) from None
    if result.returncode != 0:
        raise ToolchainError(
            f"{what} failed ({' '.join(command)}):\n{result.stderr.strip()[-3000:]}"
        )


@dataclass(frozen=True)
class CompiledUnit:
    """One translation unit compiled to bitcode, or why not (the compiler's message)."""

    bitcode: bytes | None
    message: str = ""  # clang's stderr when it failed (it may also hold warnings when it did not)
    command: tuple[str, ...] = ()
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.bitcode is not None


def compile_to_bitcode(
    source: str | Path,
    flags: Sequence[str] = (),
    cwd: Path | None = None,
    stdin: bytes | None = None,
    timeout_s: float = COMPILE_TIMEOUT_S,
) -> CompiledUnit:
    """Compile one translation unit with the suite's flags: its bitcode, or the compiler's message.

    The one place clang turns a source into benchmark bitcode; callers decide
    whether a failure raises (a recipe, a file:// program) or is recorded
    (an imported project). `source` is a path as the compiler should see it
    (relative to `cwd`), or "-" with the code in `stdin`.

        unit = compile_to_bitcode("main.c", ["-Iinclude"], cwd=project)
        if not unit.ok:
            print(unit.message)
    """
    with tempfile.TemporaryDirectory(prefix="cgym-compile-") as scratch:
        output = Path(scratch) / "unit.bc"
        command = (clang(), *BITCODE_FLAGS, *flags, str(source), "-o", str(output))
        try:
            result = subprocess.run(
                command,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                cwd=cwd,
                timeout=timeout_s,
            )
        except subprocess.TimeoutExpired:
            return CompiledUnit(
                None, f"timed out after {timeout_s:g} s: {shlex.join(command)}", command, True
            )
        except OSError as error:
            return CompiledUnit(None, f"could not run {command[0]}: {error}", command)
        message = result.stderr.decode(errors="replace").strip()
        if result.returncode != 0 or not output.is_file():
            return CompiledUnit(
                None, message or f"{command[0]} exited with {result.returncode}", command
            )
        return CompiledUnit(output.read_bytes(), message, command)


def compile_c_to_bitcode(
    sources: list[Path],
    output: Path,
    include_dirs: tuple[str, ...] = (),
    extra_flags: tuple[str, ...] = (),
) -> Path:
    """Compile C files to one linked bitcode file, the way benchmarks are built.

    Each source is compiled in its own directory under its bare name, so the
    bitcode does not depend on where the checkout lives. A file that does not
    compile raises `ToolchainError` with the compiler's message.
    """
    flags = [f"-I{d}" for d in include_dirs] + list(extra_flags)
    with tempfile.TemporaryDirectory(prefix="cgym-build-") as scratch:
        parts = []
        for i, source in enumerate(sources):
            unit = compile_to_bitcode(source.name, flags, cwd=source.parent, timeout_s=600)
            if unit.timed_out:
                raise ToolchainError(f"compiling {source}: {unit.message}")
            if not unit.ok:
                raise ToolchainError(
                    f"compiling {source} failed ({' '.join(unit.command)}):\n{unit.message[-3000:]}"
                )
            part = Path(scratch) / f"{i}-{source.stem}.bc"
            part.write_bytes(unit.bitcode)  # type: ignore[arg-type]
            parts.append(str(part))
        output.parent.mkdir(parents=True, exist_ok=True)
        _run_tool([llvm_tool("llvm-link"), *parts, "-o", str(output)], f"linking {output.name}")
    return output


@dataclass(frozen=True)
class RunSpec:
    """How to run a program and which parts of its behaviour must not change.

    The default is the suite's: no arguments, no input, compare the exit
    status and stdout. Source-built datasets (cBench, PolyBench ...) give
    arguments, input files copied into the run's working directory, output
    files it writes, and mark what is not deterministic (timing on stderr,
    output that reads uninitialised memory) so only the rest is compared.
    """

    args: tuple[str, ...] = ()
    stdin: str | None = None  # a file of `input_dir` fed to standard input
    input_dir: Path | None = None  # its files are copied into the working directory
    output_files: tuple[str, ...] = ()  # files the program writes, compared byte for byte
    compare_exit_status: bool = True
    compare_stdout: bool = True
    compare_stderr: bool = False
    ignore_lines: tuple[
        str, ...
    ] = ()  # regexes: stdout/stderr lines (timings) left out of the comparison
    env: tuple[tuple[str, str], ...] = ()

    def _kept(self, output: bytes) -> bytes:
        if not self.ignore_lines:
            return output
        patterns = [re.compile(pattern.encode()) for pattern in self.ignore_lines]
        lines = output.split(b"\n")
        return b"\n".join(line for line in lines if not any(p.search(line) for p in patterns))

    def differences(self, reference: ProgramRun, run: ProgramRun) -> str:
        """Why `run` does not behave as `reference` ("" if it does)."""
        if run.timed_out != reference.timed_out:
            return "the program did not finish" if run.timed_out else "the reference did not finish"
        if self.compare_exit_status and run.returncode != reference.returncode:
            return f"exit status {run.returncode}, expected {reference.returncode}"
        if self.compare_stdout and self._kept(run.stdout) != self._kept(reference.stdout):
            return "output differs from the unoptimized program's"
        if self.compare_stderr and self._kept(run.stderr) != self._kept(reference.stderr):
            return "stderr differs from the unoptimized program's"
        for name in self.output_files:
            if run.output_files.get(name) != reference.output_files.get(name):
                return f"output file {name} differs from the unoptimized program's"
        return ""


SUITE_RUN = RunSpec()  # the suite's programs: no input, exit status and stdout compared


@dataclass(frozen=True)
class ProgramRun:
    """The observable behaviour of one program run."""

    returncode: int
    stdout: bytes
    stderr: bytes
    walltime_s: float
    timed_out: bool = False
    output_files: dict[str, bytes | None] = field(default_factory=dict)  # None: not written

    def same_behaviour(self, other: ProgramRun, spec: RunSpec = SUITE_RUN) -> bool:
        return not spec.differences(other, self)


def link_executable(
    object_file: bytes, output: Path, link_flags: tuple[str, ...] = ("-lm",)
) -> Path:
    """Link an object file (from the same libLLVM that optimized it) with the system C compiler."""
    obj = output.with_suffix(".o")
    obj.write_bytes(object_file)
    _run_tool([c_compiler(), str(obj), "-o", str(output), *link_flags], f"linking {output.name}")
    obj.unlink()
    return output


def run_program(
    executable: Path, timeout_s: float = PROGRAM_TIMEOUT_S, spec: RunSpec = SUITE_RUN
) -> ProgramRun:
    """Run in a fresh working directory holding copies of the spec's input files.

    The environment is clean (`PATH` and `LC_ALL=C` plus the spec's variables),
    so a run depends on nothing but the executable and its inputs.
    """
    import time

    with tempfile.TemporaryDirectory(prefix="cgym-run-") as scratch:
        cwd = Path(scratch)
        if spec.input_dir is not None:
            for item in sorted(spec.input_dir.iterdir()):
                shutil.copyfile(item, cwd / item.name)
        stdin = open(cwd / spec.stdin, "rb") if spec.stdin else subprocess.DEVNULL  # noqa: SIM115
        started = time.perf_counter()
        try:
            result = subprocess.run(
                [str(executable.resolve()), *spec.args],
                stdin=stdin,
                capture_output=True,
                timeout=timeout_s,
                cwd=cwd,
                env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", **dict(spec.env)},
            )
        except subprocess.TimeoutExpired as expired:
            return ProgramRun(
                -1, expired.stdout or b"", expired.stderr or b"", timeout_s, timed_out=True
            )
        finally:
            if spec.stdin:
                stdin.close()
        walltime_s = time.perf_counter() - started
        outputs = {name: _read_if_file(cwd / name) for name in spec.output_files}
    return ProgramRun(
        result.returncode, result.stdout, result.stderr, walltime_s, output_files=outputs
    )


def _read_if_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
