"""Building a module into a program: what `Buildtime`, `TextSizeBytes` and `Runtime` need.

A benchmark builds into a program when it has a `main` (`Benchmark.runnable`;
CompilerGym's IsBuildable and IsRunnable, which are the same here: every
program we can link we also know how to run). The object file comes from the
worker's libLLVM and is linked with the system C compiler, as validation does.
Anything asked of a benchmark that does not build fails one way:
`ObservationNotApplicable`, at `reset`.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass
from pathlib import Path

from cgym_ray.datasets import Benchmark
from cgym_ray.datasets.toolchain import link_executable
from cgym_ray.errors import CompilerError, ObservationNotApplicable


@dataclass(frozen=True)
class Build:
    """A linked program and what building it cost."""

    executable: Path
    link_time_s: float
    text_size_bytes: int


def require_buildable(benchmark: Benchmark | None, what: str) -> Benchmark:
    """The benchmark, if it builds into a program; else the one error for `what`."""
    if benchmark is None or not benchmark.runnable:
        uri = getattr(benchmark, "uri", "this benchmark")
        raise ObservationNotApplicable(
            f"{what} needs a benchmark that builds into a program (one with main); {uri} "
            f"does not (check env.observation['IsBuildable'] first)"
        )
    return benchmark


def link(object_file: bytes, directory: Path, link_flags: tuple[str, ...]) -> Build:
    """Link `object_file` into `directory/program` (a benchmark's `link_flags`)."""
    started = time.perf_counter()
    executable = link_executable(object_file, directory / "program", link_flags)
    link_time_s = time.perf_counter() - started
    return Build(executable, link_time_s, elf_text_size_bytes(executable.read_bytes()))


_ELF_MAGIC = b"\x7fELF"


def elf_text_size_bytes(data: bytes) -> int:
    """Bytes of the `.text` sections of an ELF executable (as `size -A` reports `.text`).

    Read from the section headers with `struct`, so that the caller's process
    needs no LLVM: ELF32/ELF64, either byte order.
    """
    if data[:4] != _ELF_MAGIC:
        raise CompilerError(
            "TextSizeBytes reads ELF programs (Linux, BSD); this system linked another format: "
            "use ObjectTextSizeBytes instead"
        )
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        (shoff,) = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x3A)
        header = order + "IIQQQQ"
    else:
        (shoff,) = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x2E)
        header = order + "IIIIII"

    def section(index: int) -> tuple[int, int, int]:
        """(name offset, file offset, size) of section `index`."""
        name, _, _, _, offset, size = struct.unpack_from(header, data, shoff + index * shentsize)
        return name, offset, size

    _, names_offset, _ = section(shstrndx)
    total = 0
    for index in range(shnum):
        name_offset, _, size = section(index)
        start = names_offset + name_offset
        name = data[start : data.index(b"\0", start)]
        if name == b".text" or name.startswith(b".text."):
            total += size
    return total
