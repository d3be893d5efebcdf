"""Build (once, cached) and load the native feature extractor `features.c`.

It is compiled with the system C compiler into the user's cache directory,
keyed by the hash of its source, so an upgrade rebuilds it and concurrent
processes never see a half-written library (write to a temp name, rename).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from ctypes import POINTER, Structure, c_char_p, c_int, c_int64, c_uint64, c_void_p
from pathlib import Path

from cgym_ray.errors import ToolchainError
from cgym_ray.scratch import cache_dir

SOURCE = Path(__file__).with_name("features.c")


def _compiler() -> str:
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return name
    raise ToolchainError(
        "the libllvm backend builds a small native feature extractor and needs a C compiler "
        "(cc, gcc or clang) on PATH; install one (apt-get install gcc) or use backend='llvmlite'"
    )


def build_cached_library(
    source: Path,
    key: bytes,
    command: Callable[[Path], list[str]],
    timeout_s: float | None = None,
) -> Path:
    """The shared library built from `source`, compiled only if no build of `key` is cached.

    `key` is what the build depends on (at least the source); the library is
    `<cache>/native/<source stem>-<hash>.so`. `command(output)` is the compiler
    command that writes it, asked for only when it must run. It writes into a
    temporary name and renames, so concurrent processes never load a
    half-written file. `ToolchainError` with the compiler's message if it fails.
    """
    digest = hashlib.sha256(key + sys.platform.encode()).hexdigest()[:16]
    target = cache_dir() / "native" / f"{source.stem}-{digest}.so"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        partial = Path(scratch) / target.name
        try:
            done = subprocess.run(
                command(partial), capture_output=True, text=True, timeout=timeout_s
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise ToolchainError(f"building {source} failed: {error}") from error
        if done.returncode != 0:
            raise ToolchainError(f"building {source} failed:\n{done.stderr.strip()[-3000:]}")
        os.replace(partial, target)
    return target


def build_native_library() -> Path:
    """Compile features.c if no cached build of this exact source exists."""
    flags = ["-O2", "-shared", "-fPIC", "-std=c11"]
    if sys.platform == "darwin":
        flags += ["-undefined", "dynamic_lookup"]
    return build_cached_library(
        SOURCE,
        SOURCE.read_bytes(),
        lambda output: [_compiler(), *flags, str(SOURCE), "-o", str(output)],
    )


class CgymGraph(Structure):
    """`CgymGraph` of features.c: a program graph as flat arrays the library owns."""

    _i32 = POINTER(ctypes.c_int32)
    _fields_ = [
        ("num_nodes", c_int64),
        ("num_edges", c_int64),
        ("text_bytes", c_int64),
        ("node_kind", _i32),
        ("node_opcode", _i32),
        ("node_type_kind", _i32),
        ("node_type", _i32),
        ("node_function", _i32),
        ("node_block", _i32),
        ("edge_source", _i32),
        ("edge_target", _i32),
        ("edge_kind", _i32),
        ("edge_position", _i32),
        ("text", c_void_p),
        ("num_types", c_int64),
        ("type_bytes", c_int64),
        ("type_text", c_void_p),
    ]


@functools.cache
def load_native() -> ctypes.CDLL:
    """The native extractor; libLLVM must already be loaded (RTLD_GLOBAL)."""
    lib = ctypes.CDLL(str(build_native_library()))
    lib.cgym_instruction_count.restype = c_int64
    lib.cgym_instruction_count.argtypes = [c_void_p]
    lib.cgym_inst_count.restype = None
    lib.cgym_inst_count.argtypes = [c_void_p, POINTER(c_int64)]
    lib.cgym_fingerprint.restype = c_uint64
    lib.cgym_fingerprint.argtypes = [c_void_p, POINTER(c_int64)]
    lib.cgym_autophase.restype = c_int
    lib.cgym_autophase.argtypes = [c_void_p, POINTER(c_int64)]
    lib.cgym_programl.restype = c_int
    lib.cgym_programl.argtypes = [c_void_p, c_int, POINTER(CgymGraph)]
    lib.cgym_programl_free.restype = None
    lib.cgym_programl_free.argtypes = [POINTER(CgymGraph)]
    lib.cgym_programl_copy.restype = None
    lib.cgym_programl_copy.argtypes = [POINTER(CgymGraph)] + [c_void_p] * 10
    lib.cgym_programl_cache_new.restype = c_void_p
    lib.cgym_programl_cache_new.argtypes = []
    lib.cgym_programl_cache_free.restype = None
    lib.cgym_programl_cache_free.argtypes = [c_void_p]
    lib.cgym_programl_cache_rebuilt.restype = c_int64
    lib.cgym_programl_cache_rebuilt.argtypes = [c_void_p]
    lib.cgym_programl_cached.restype = c_int
    lib.cgym_programl_cached.argtypes = [c_void_p, c_void_p, POINTER(CgymGraph)]
    lib.cgym_opcode_name.restype = c_char_p
    lib.cgym_opcode_name.argtypes = [c_int]
    lib.cgym_ir2vec_functions.restype = c_int64
    lib.cgym_ir2vec_functions.argtypes = [c_void_p, POINTER(c_int64)]
    lib.cgym_ir2vec.restype = c_int64
    lib.cgym_ir2vec.argtypes = [
        c_void_p,
        c_void_p,
        c_int,
        c_int,
        c_void_p,
        c_int64,
        c_void_p,
        c_int64,
        c_void_p,
    ]
    lib.cgym_function_keys.restype = c_int64
    lib.cgym_function_keys.argtypes = [c_void_p, c_void_p, c_void_p, c_int64]
    lib.cgym_lex.restype = c_int64
    lib.cgym_lex.argtypes = [
        c_char_p,
        c_int64,
        c_void_p,
        c_void_p,
        c_int64,
        c_void_p,
        c_int64,
        POINTER(c_int64),
        POINTER(c_int64),
    ]
    lib.cgym_token_keys.restype = c_int64
    lib.cgym_token_keys.argtypes = [
        c_void_p,
        c_void_p,
        c_int64,
        c_void_p,
        c_void_p,
        c_int64,
        POINTER(c_uint64),
        POINTER(ctypes.c_int32),
    ]
    return lib
