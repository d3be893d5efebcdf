"""Find and load a shared libLLVM, and declare the C API functions we call.

Search order (docs/design.md): the `CGYM_LIBLLVM` variable, the
`karellen-llvm-core` wheel installed beside this package, then a system LLVM
found through `llvm-config`. The first library that loads wins.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from ctypes import POINTER, c_bool, c_char_p, c_int, c_size_t, c_uint, c_ulonglong, c_void_p
from dataclasses import dataclass
from pathlib import Path

from cgym_ray.errors import LibLLVMNotFound

LIB_SUFFIX = ".dylib" if sys.platform == "darwin" else ".so"


@dataclass(frozen=True)
class LibLLVM:
    """A loaded libLLVM: the ctypes handle, where it came from and its version."""

    lib: ctypes.CDLL
    path: str
    source: str
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def _wheel_candidates() -> list[Path]:
    """libLLVM files shipped by the karellen-llvm-core wheel (in <prefix>/lib)."""
    prefixes = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent.parent}
    found: list[Path] = []
    for prefix in prefixes:
        found += sorted(Path(p) for p in glob.glob(str(prefix / "lib" / f"libLLVM{LIB_SUFFIX}*")))
        found += sorted(Path(p) for p in glob.glob(str(prefix / "lib" / f"libLLVM-*{LIB_SUFFIX}*")))
    return found


def _llvm_config_candidates() -> list[Path]:
    found: list[Path] = []
    names = ["llvm-config"] + [f"llvm-config-{v}" for v in range(30, 13, -1)]
    for name in names:
        exe = shutil.which(name)
        if not exe:
            continue
        try:
            libdir = subprocess.run(
                [exe, "--libdir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        found += sorted(Path(p) for p in glob.glob(os.path.join(libdir, f"libLLVM*{LIB_SUFFIX}*")))
    return found


def candidate_paths() -> list[tuple[str, Path]]:
    """Every (source, path) pair tried, in order."""
    candidates: list[tuple[str, Path]] = []
    env = os.environ.get("CGYM_LIBLLVM")
    if env:
        candidates.append(("CGYM_LIBLLVM", Path(env)))
    candidates += [("karellen-llvm-core wheel", p) for p in _wheel_candidates()]
    candidates += [("llvm-config", p) for p in _llvm_config_candidates()]
    return candidates


def _version_of(lib: ctypes.CDLL) -> str:
    major, minor, patch = c_uint(), c_uint(), c_uint()
    if not hasattr(lib, "LLVMGetVersion"):
        raise OSError("library has no LLVMGetVersion (LLVM older than 16)")
    lib.LLVMGetVersion(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
    return f"{major.value}.{minor.value}.{patch.value}"


@functools.cache
def load_libllvm() -> LibLLVM:
    """Load the first usable libLLVM (cached for the process).

    Raises `LibLLVMNotFound` listing every place that was tried and why it failed.
    """
    tried: list[str] = []
    env = os.environ.get("CGYM_LIBLLVM")
    for source, path in candidate_paths():
        if not path.exists():
            tried.append(f"{source}: {path} (does not exist)")
            continue
        try:
            # RTLD_GLOBAL so the native feature extractor resolves LLVM symbols.
            lib = ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
            version = _version_of(lib)
            if not hasattr(lib, "LLVMRunPasses"):
                raise OSError("library has no LLVMRunPasses (new pass manager C API)")
        except OSError as error:
            tried.append(f"{source}: {path} ({error})")
            if env and source == "CGYM_LIBLLVM":
                break  # an explicit choice that fails should not silently fall through
            continue
        _declare(lib)
        return LibLLVM(lib=lib, path=str(path), source=source, version=version)
    if not env:
        tried.insert(0, "CGYM_LIBLLVM: not set")
    raise LibLLVMNotFound(
        "no usable shared libLLVM found. Tried:\n  "
        + "\n  ".join(tried or ["(no candidates)"])
        + "\nInstall one with `pip install karellen-llvm-core==23.1.4.post8` (Linux), "
        "`apt-get install libllvm19` (Debian), or point CGYM_LIBLLVM at libLLVM.so; "
        "or use backend='llvmlite'."
    )


# ctypes prototypes: (name, restype, argtypes). Opaque LLVM handles are c_void_p.
_V = c_void_p
_PROTOTYPES: list[tuple[str, object, list[object]]] = [
    ("LLVMContextCreate", _V, []),
    ("LLVMContextDispose", None, [_V]),
    ("LLVMCreateMemoryBufferWithMemoryRangeCopy", _V, [c_char_p, c_size_t, c_char_p]),
    ("LLVMDisposeMemoryBuffer", None, [_V]),
    ("LLVMGetBufferStart", c_void_p, [_V]),
    ("LLVMGetBufferSize", c_size_t, [_V]),
    ("LLVMParseIRInContext", c_bool, [_V, _V, POINTER(_V), POINTER(c_void_p)]),
    ("LLVMDisposeModule", None, [_V]),
    ("LLVMSetModuleIdentifier", None, [_V, c_char_p, c_size_t]),
    ("LLVMSetSourceFileName", None, [_V, c_char_p, c_size_t]),
    ("LLVMCloneModule", _V, [_V]),
    ("LLVMPrintModuleToString", c_void_p, [_V]),
    ("LLVMPrintValueToString", c_void_p, [_V]),
    ("LLVMDisposeMessage", None, [c_void_p]),
    ("LLVMWriteBitcodeToMemoryBuffer", _V, [_V]),
    ("LLVMVerifyModule", c_bool, [_V, c_int, POINTER(c_void_p)]),
    ("LLVMGetTarget", c_char_p, [_V]),
    ("LLVMSetTarget", None, [_V, c_char_p]),
    ("LLVMGetDataLayoutStr", c_char_p, [_V]),
    ("LLVMGetFirstFunction", _V, [_V]),
    ("LLVMGetNextFunction", _V, [_V]),
    ("LLVMIsDeclaration", c_bool, [_V]),
    ("LLVMGetNamedFunction", _V, [_V, c_char_p]),
    ("LLVMGetValueName2", c_void_p, [_V, POINTER(c_size_t)]),
    ("LLVMGetFirstBasicBlock", _V, [_V]),
    ("LLVMGetNextBasicBlock", _V, [_V]),
    ("LLVMGetFirstInstruction", _V, [_V]),
    ("LLVMGetNextInstruction", _V, [_V]),
    ("LLVMGetEnumAttributeKindForName", c_uint, [c_char_p, c_size_t]),
    ("LLVMCreateEnumAttribute", _V, [_V, c_uint, c_ulonglong]),
    ("LLVMAddAttributeAtIndex", None, [_V, c_uint, _V]),
    ("LLVMRemoveEnumAttributeAtIndex", None, [_V, c_uint, c_uint]),
    ("LLVMGetEnumAttributeAtIndex", _V, [_V, c_uint, c_uint]),
    ("LLVMGetModuleContext", _V, [_V]),
    ("LLVMRunPasses", _V, [_V, c_char_p, _V, _V]),
    ("LLVMCreatePassBuilderOptions", _V, []),
    ("LLVMDisposePassBuilderOptions", None, [_V]),
    ("LLVMPassBuilderOptionsSetVerifyEach", None, [_V, c_bool]),
    ("LLVMParseCommandLineOptions", None, [c_int, POINTER(c_char_p), c_char_p]),
    ("LLVMGetErrorMessage", c_void_p, [_V]),
    ("LLVMDisposeErrorMessage", None, [c_void_p]),
    ("LLVMGetDefaultTargetTriple", c_void_p, []),
    ("LLVMGetHostCPUName", c_void_p, []),
    ("LLVMGetTargetFromTriple", c_bool, [c_char_p, POINTER(_V), POINTER(c_void_p)]),
    ("LLVMCreateTargetMachine", _V, [_V, c_char_p, c_char_p, c_char_p, c_int, c_int, c_int]),
    ("LLVMDisposeTargetMachine", None, [_V]),
    (
        "LLVMTargetMachineEmitToMemoryBuffer",
        c_bool,
        [_V, _V, c_int, POINTER(c_void_p), POINTER(_V)],
    ),
    ("LLVMTargetMachineEmitToFile", c_bool, [_V, _V, c_char_p, c_int, POINTER(c_void_p)]),
    ("LLVMCreateBinary", _V, [_V, _V, POINTER(c_void_p)]),
    ("LLVMDisposeBinary", None, [_V]),
    ("LLVMObjectFileCopySectionIterator", _V, [_V]),
    ("LLVMObjectFileIsSectionIteratorAtEnd", c_bool, [_V, _V]),
    ("LLVMMoveToNextSection", None, [_V]),
    ("LLVMDisposeSectionIterator", None, [_V]),
    ("LLVMGetSectionName", c_char_p, [_V]),
    ("LLVMGetSectionSize", c_ulonglong, [_V]),
]

# Target initialisers are static inline in the headers; call the exported ones.
_TARGET_PREFIX = {
    "x86_64": "X86",
    "amd64": "X86",
    "i686": "X86",
    "aarch64": "AArch64",
    "arm64": "AArch64",
    "ppc64le": "PowerPC",
    "riscv64": "RISCV",
    "s390x": "SystemZ",
}


def _declare(lib: ctypes.CDLL) -> None:
    for name, restype, argtypes in _PROTOTYPES:
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    prefix = _TARGET_PREFIX.get(platform.machine().lower())
    if prefix is None:
        return  # object emission will report the unsupported host when asked
    for part in ("TargetInfo", "Target", "TargetMC", "AsmPrinter"):
        getattr(lib, f"LLVMInitialize{prefix}{part}")()


def module_functions(lib: ctypes.CDLL, module: int) -> Iterator[int]:
    """The functions of `module`, definitions and declarations, in module order."""
    function = lib.LLVMGetFirstFunction(module)
    while function:
        yield function
        function = lib.LLVMGetNextFunction(function)


def take_message(lib: ctypes.CDLL, pointer: int | None) -> str:
    """Copy an LLVM-owned C string and free it with LLVMDisposeMessage."""
    if not pointer:
        return ""
    text = ctypes.string_at(pointer).decode("utf-8", "replace")
    lib.LLVMDisposeMessage(pointer)
    return text


def take_error(lib: ctypes.CDLL, error: int | None) -> str:
    """Consume an LLVMErrorRef: return its message ('' for success)."""
    if not error:
        return ""
    pointer = lib.LLVMGetErrorMessage(error)
    text = ctypes.string_at(pointer).decode("utf-8", "replace")
    lib.LLVMDisposeErrorMessage(pointer)
    return text
