"""The interface every compiler backend implements, and how to pick one.

A backend turns bitcode or IR text into a `Module`: one in-memory LLVM module
that passes can be run on and that can be measured. Two backends exist:
`libllvm` (a shared libLLVM through its C API, the full pass registry) and
`llvmlite` (llvmlite's bundled LLVM, about 45 passes). They share this
interface so everything above the compiler layer is backend-agnostic.
"""

from __future__ import annotations

import abc
import hashlib
import importlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.tokens import LexedIr, inst2vec_statements, inst2vec_vocabulary, lex_ir

if TYPE_CHECKING:
    from cgym_ray.llvm.actions import ActionCatalogue
    from cgym_ray.llvm.programl import ProgramGraph

# Each backend's class, as "module:class": imported on first use (the libllvm one loads ctypes
# bindings, the llvmlite one llvmlite), and this module stays below both.
BACKENDS: dict[str, str] = {
    "libllvm": "cgym_ray.llvm.libllvm.backend:LibLLVMBackend",
    "llvmlite": "cgym_ray.llvm.llvmlite_backend.backend:LlvmliteBackend",
}
BACKEND_NAMES = tuple(BACKENDS)
# Every loaded module's ModuleID and source_filename, so that its IR text (and
# IrSha1) depends on the module only, not on the path or URI it came from.
MODULE_NAME = "module"

_VALUE_NAME = re.compile(r"[%@][-a-zA-Z$._0-9]+")
_BLOCK_LABEL = re.compile(r"^[-a-zA-Z$._0-9]+:.*$", re.MULTILINE)  # with its "; preds" comment


def ir_without_value_names(text: str) -> str:
    """IR text with every value and block name blanked: what `Module.fingerprint` must tell apart.

    Two modules whose texts differ here differ in something other than
    names (a flag, an attribute, an alignment, ...).
    """
    return _BLOCK_LABEL.sub("_:", _VALUE_NAME.sub("%_", text))


def printable(diagnostic: str, limit: int = 500) -> str:
    """An LLVM diagnostic fit to print: control and non-ASCII bytes escaped, at most `limit` characters.

    LLVM quotes the offending line, which for a binary file is raw bytes.
    """
    text = diagnostic.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[:limit] + " [...]"


class Module(abc.ABC):
    """One LLVM module owned by a backend. Not thread-safe."""

    @abc.abstractmethod
    def clone(self) -> Module:
        """An independent deep copy (cheap, but passes may treat it differently: see `copy`)."""

    def copy(self) -> Module:
        """An independent copy that every pass treats as it treats this module (what `fork` uses).

        LLVM's CloneModule rebuilds use lists in its own order, and some passes
        follow that order: on the suite, 5 of 36 random clones led to
        different IR after -Oz than the original did. Backends that can keep
        use-list order override this; the default is `clone`.
        """
        return self.clone()

    @abc.abstractmethod
    def run_pipeline(self, pipeline: str) -> None:
        """Run a new-pass-manager pipeline text; `PipelineError` if LLVM rejects it."""

    @abc.abstractmethod
    def add_function_attributes(self, names: Sequence[str]) -> None:
        """Add enum attributes (e.g. minsize, optsize) to every defined function.

        A name with a leading `-` (`-minsize`) is removed from each instead.
        `@FUNCTION:MARK` (or `@FUNCTION:-MARK`) changes the one defined
        function of that name (a `function-marks` element, `pipelines.marks`),
        and is a `CompilerError` where no such function is defined.
        """

    @abc.abstractmethod
    def instruction_count(self) -> int:
        """Instructions in defined functions."""

    @abc.abstractmethod
    def function_sizes(self) -> dict[str, int]:
        """Each defined function's instruction count by its name, in module order (unnamed ones left out)."""

    @abc.abstractmethod
    def inst_count(self) -> list[int]:
        """The 70 InstCount features (see `cgym_ray.llvm.features`)."""

    @abc.abstractmethod
    def autophase(self) -> list[int]:
        """The 56 Autophase features (see `cgym_ray.llvm.features`)."""

    @abc.abstractmethod
    def ir_text(self) -> str:
        """The module as textual IR."""

    @abc.abstractmethod
    def bitcode(self) -> bytes:
        """The module as bitcode."""

    @abc.abstractmethod
    def object_file(self) -> bytes:
        """The module compiled to a relocatable object file for the host."""

    @abc.abstractmethod
    def object_text_size_bytes(self) -> int:
        """Bytes of the `.text` sections of `object_file()`."""

    def ir2vec(self, kind: str) -> list[tuple[str, np.ndarray]]:
        """IR2Vec vectors of the functions with a body, by LLVM (see `cgym_ray.llvm.ir2vec`)."""
        raise CompilerError(
            "IR2Vec is computed by libLLVM 21 or later: use the libllvm backend (this one cannot)"
        )

    @abc.abstractmethod
    def verify(self) -> str:
        """LLVM's verifier: '' when the module is valid, else its message."""

    @abc.abstractmethod
    def dispose(self) -> None:
        """Free the module now (also done when it is garbage collected)."""

    def __enter__(self) -> Module:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()

    def lexed_ir(self) -> LexedIr:
        """The IR's tokens (`cgym_ray.llvm.tokens.lex_ir` of `ir_text()`; backends may keep
        them between steps)."""
        return lex_ir(self.ir_text())

    def inst2vec_statements(self) -> tuple[str, ...]:
        """The inst2vec statements (`cgym_ray.llvm.tokens.inst2vec_statements` of `ir_text()`)."""
        return tuple(inst2vec_statements(self.ir_text()))

    def inst2vec_indices(self) -> np.ndarray:
        """Each statement's index in the package's inst2vec vocabulary (0: unknown)."""
        return np.array(inst2vec_vocabulary().encode(self.inst2vec_statements()), dtype=np.int64)

    def programl(self, with_text: bool = True) -> ProgramGraph:
        """The ProGraML-style program graph (see `cgym_ray.llvm.programl`)."""
        raise CompilerError(
            f"the Programl graph is computed by the native extractor of the libllvm backend; "
            f"{type(self).__name__} has none (use backend='libllvm')"
        )

    def fingerprint(self) -> tuple[int, int]:
        """(a hash that changes when a pass changes the module, instruction count).

        This default hashes the IR text; backends override it with something cheaper.
        """
        digest = hashlib.sha1(self.ir_text().encode()).digest()
        return int.from_bytes(digest[:8], "little"), self.instruction_count()


class Backend(abc.ABC):
    """A way to load modules and the passes it can run on them."""

    name: str
    llvm_version: str
    library_path: str

    @abc.abstractmethod
    def load(self, data: bytes, name: str) -> Module:
        """Parse bitcode or IR text. `ModuleLoadError` names `name` and LLVM's diagnostic."""

    @property
    @abc.abstractmethod
    def actions(self) -> ActionCatalogue:
        """The action catalogue of this backend."""

    def describe(self) -> dict[str, object]:
        return {
            "backend": self.name,
            "llvm_version": self.llvm_version,
            "library": self.library_path,
            "num_actions": len(self.actions),
        }


_BACKENDS: dict[str, Backend] = {}


def get_backend(name: str = "libllvm") -> Backend:
    """The backend called `name` (one instance per process).

    >>> get_backend("libllvm").llvm_version  # doctest: +SKIP
    '23.1.4'
    """
    if name not in BACKEND_NAMES:
        raise CompilerError(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")
    if name not in _BACKENDS:
        module, _, cls = BACKENDS[name].partition(":")
        _BACKENDS[name] = getattr(importlib.import_module(module), cls)()
    return _BACKENDS[name]


def default_backend_name() -> str:
    """`libllvm` when a shared libLLVM loads, else `llvmlite`."""
    from cgym_ray.errors import LibLLVMNotFound
    from cgym_ray.llvm.libllvm.loader import load_libllvm

    try:
        load_libllvm()
    except LibLLVMNotFound:
        return "llvmlite"
    return "libllvm"
