"""The libllvm backend: modules held in a shared libLLVM, driven through ctypes."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from ctypes import c_int64, c_size_t, c_void_p
from pathlib import Path

import numpy as np

from cgym_ray.errors import CompilerError, ModuleLoadError, PipelineError
from cgym_ray.llvm.backend import MODULE_NAME, Backend, Module, printable
from cgym_ray.llvm.ir2vec import (
    KINDS,
    NATIVE_KINDS,
    native_table,
    parse_printer_output,
    require_vocabulary,
    stderr_of,
    vocabulary_dimension,
)
from cgym_ray.llvm.libllvm.loader import (
    LibLLVM,
    load_libllvm,
    module_functions,
    take_error,
    take_message,
)
from cgym_ray.llvm.libllvm.token_cache import TokenCache
from cgym_ray.llvm.native import load_native
from cgym_ray.llvm.native.clone import load_clone
from cgym_ray.llvm.programl import GraphCache, ProgramGraph, from_native
from cgym_ray.llvm.tokens import LexedIr

# LLVM C API enum values used here.
_VERIFIER_RETURN_STATUS = 1  # LLVMReturnStatusAction
_ATTRIBUTE_FUNCTION_INDEX = 0xFFFFFFFF  # LLVMAttributeFunctionIndex (-1 as unsigned)
# The inliner's marks exclude each other: setting one takes the other off.
_CLASHING = {"noinline": "alwaysinline", "alwaysinline": "noinline"}
_CODEGEN_DEFAULT = 2  # LLVMCodeGenLevelDefault
_RELOC_PIC = 2  # LLVMRelocPIC
_CODE_MODEL_DEFAULT = 0  # LLVMCodeModelDefault
_OBJECT_FILE = 1  # LLVMObjectFile


class _Context:
    """An LLVMContext shared by a loaded module and its clones.

    Each module keeps a reference to its context, so the context is disposed
    only after the last module that lives in it.
    """

    def __init__(self, llvm: LibLLVM) -> None:
        self._llvm = llvm
        self.ref = llvm.lib.LLVMContextCreate()

    def __del__(self) -> None:
        if getattr(self, "ref", None):
            self._llvm.lib.LLVMContextDispose(self.ref)
            self.ref = None


def function_instruction_count(lib: ctypes.CDLL, function: int) -> int:
    """Instructions in one function, by the C API's block and instruction lists."""
    count = 0
    block = lib.LLVMGetFirstBasicBlock(function)
    while block:
        instruction = lib.LLVMGetFirstInstruction(block)
        while instruction:
            count += 1
            instruction = lib.LLVMGetNextInstruction(instruction)
        block = lib.LLVMGetNextBasicBlock(block)
    return count


class LibLLVMModule(Module):
    def __init__(self, backend: LibLLVMBackend, context: _Context, ref: int) -> None:
        self._backend = backend
        self._lib = backend.llvm.lib
        self._context = context
        self.ref: int | None = ref
        self._tokens: TokenCache | None = None  # made on first use; see token_cache.py
        self._graphs: GraphCache | None = None  # made on first use; see programl.py
        # IR2Vec vectors by (kind, vocabulary file) and function key: see ir2vec_native.
        self._ir2vec_kept: dict[tuple[str, Path], dict[int, np.ndarray]] = {}

    def _handle(self) -> int:
        if not self.ref:
            raise CompilerError("this module was disposed")
        return self.ref

    def clone(self) -> LibLLVMModule:
        return LibLLVMModule(
            self._backend, self._context, self._lib.LLVMCloneModule(self._handle())
        )

    def copy(self) -> LibLLVMModule:
        """A clone whose use lists are in the original's order (native/clone.cpp), in its context.

        Exact for the passes: on every suite program, the same actions after a
        copy give the IR of the original, but for the numbers LLVM appends
        to clashing local names (each function counts them in a counter no
        API copies). Where clone.cpp cannot be built (see native/clone.py),
        a bitcode round trip with use-list order (`_keep_use_list_order`) into
        a new context: exact too, about three times the cost.
        """
        clone = load_clone(self._backend.llvm)
        if clone is not None:
            ref = clone.cgym_clone_module(self._handle())
            if ref:
                return LibLLVMModule(self._backend, self._context, ref)
        return self.bitcode_copy()

    def bitcode_copy(self) -> LibLLVMModule:
        """`copy` through bitcode: what forks use where clone.cpp cannot be built."""
        buffer = self._lib.LLVMWriteBitcodeToMemoryBuffer(self._handle())
        return self._backend.parse(buffer, MODULE_NAME)

    def run_pipeline(self, pipeline: str) -> None:
        ref = self._handle()
        error = self._lib.LLVMRunPasses(
            ref, pipeline.encode(), self._backend.target_machine(ref), self._backend.pass_options
        )
        message = take_error(self._lib, error)
        if message:
            raise PipelineError(f"LLVM rejected the pipeline {pipeline!r}: {message}")

    def add_function_attributes(self, names: Sequence[str]) -> None:
        # In their order: `@f:mark` on one function, a run of bare names on every one.
        everywhere: list[str] = []
        for name in names:
            if not name.startswith("@"):
                everywhere.append(name)
                continue
            if everywhere:
                self._add_everywhere(everywhere)
                everywhere = []
            self._mark_function(name)
        if everywhere:
            self._add_everywhere(everywhere)

    def _attribute_kind(self, name: str) -> int:
        kind = self._lib.LLVMGetEnumAttributeKindForName(name.encode(), len(name))
        if kind == 0:
            raise CompilerError(f"LLVM {self._backend.llvm_version} has no attribute {name!r}")
        return kind

    def _mark_function(self, spec: str) -> None:
        """`@FUNCTION:MARK` or `@FUNCTION:-MARK` on one defined function (`pipelines.marks`).

        noinline and alwaysinline exclude each other, so setting one takes the
        other off; setting any mark takes optnone off, as for every function.
        """
        function_name, _, mark = spec[1:].partition(":")
        ref = self._handle()
        function = self._lib.LLVMGetNamedFunction(ref, function_name.encode())
        if not function or self._lib.LLVMIsDeclaration(function):
            raise CompilerError(
                f"function-marks names {function_name!r}, which is not a function defined "
                "in this module"
            )
        bare = mark.removeprefix("-")
        kind = self._attribute_kind(bare)
        if mark.startswith("-"):
            self._lib.LLVMRemoveEnumAttributeAtIndex(function, _ATTRIBUTE_FUNCTION_INDEX, kind)
            return
        clashing = _CLASHING.get(bare)
        for other in ("optnone", *([clashing] if clashing else [])):
            self._lib.LLVMRemoveEnumAttributeAtIndex(
                function, _ATTRIBUTE_FUNCTION_INDEX, self._attribute_kind(other)
            )
        context = self._lib.LLVMGetModuleContext(ref)
        self._lib.LLVMAddAttributeAtIndex(
            function, _ATTRIBUTE_FUNCTION_INDEX, self._lib.LLVMCreateEnumAttribute(context, kind, 0)
        )

    def _add_everywhere(self, names: Sequence[str]) -> None:
        ref = self._handle()
        context = self._lib.LLVMGetModuleContext(ref)
        attributes, removed = [], []
        for name in names:
            bare = name.removeprefix("-")
            kind = self._attribute_kind(bare)
            if name.startswith("-"):
                removed.append(kind)
                continue
            attributes.append(self._lib.LLVMCreateEnumAttribute(context, kind, 0))
            clashing = _CLASHING.get(bare)  # setting one inliner mark takes the other off
            if clashing:
                removed.append(self._attribute_kind(clashing))
        optnone = self._lib.LLVMGetEnumAttributeKindForName(b"optnone", 7)
        for function in module_functions(self._lib, ref):
            if not self._lib.LLVMIsDeclaration(function):
                for kind in removed:
                    self._lib.LLVMRemoveEnumAttributeAtIndex(
                        function, _ATTRIBUTE_FUNCTION_INDEX, kind
                    )
                if not attributes:
                    continue
                # optnone would make every pass skip the function; a size goal overrides it.
                self._lib.LLVMRemoveEnumAttributeAtIndex(
                    function, _ATTRIBUTE_FUNCTION_INDEX, optnone
                )
                for attribute in attributes:
                    self._lib.LLVMAddAttributeAtIndex(
                        function, _ATTRIBUTE_FUNCTION_INDEX, attribute
                    )

    def instruction_count(self) -> int:
        return int(self._backend.native.cgym_instruction_count(self._handle()))

    def function_sizes(self) -> dict[str, int]:
        lib = self._lib
        sizes: dict[str, int] = {}
        for function in module_functions(lib, self._handle()):
            length = c_size_t()
            name = lib.LLVMGetValueName2(function, ctypes.byref(length))
            if lib.LLVMIsDeclaration(function) or not length.value:
                continue
            name_text = ctypes.string_at(name, length.value).decode(errors="replace")
            sizes[name_text] = function_instruction_count(lib, function)
        return sizes

    def fingerprint(self) -> tuple[int, int]:
        count = c_int64()
        digest = self._backend.native.cgym_fingerprint(self._handle(), ctypes.byref(count))
        return int(digest), int(count.value)

    def inst_count(self) -> list[int]:
        out = (c_int64 * 70)()
        self._backend.native.cgym_inst_count(self._handle(), out)
        return list(out)

    def autophase(self) -> list[int]:
        out = (c_int64 * 56)()
        if self._backend.native.cgym_autophase(self._handle(), out) != 0:
            raise MemoryError("out of memory computing Autophase features")
        return list(out)

    def programl(self, with_text: bool = True) -> ProgramGraph:
        if with_text:
            return from_native(self._backend.native, self._handle(), with_text)
        if self._graphs is None:
            self._graphs = GraphCache(self._backend.native)
        return self._graphs.graph(self._handle())

    def ir_text(self) -> str:
        return take_message(self._lib, self._lib.LLVMPrintModuleToString(self._handle()))

    def lexed_ir(self) -> LexedIr:
        return self._token_cache().lexed_ir(self._handle())

    def inst2vec_statements(self) -> tuple[str, ...]:
        return self._token_cache().inst2vec_statements(self._handle())

    def inst2vec_indices(self) -> np.ndarray:
        return self._token_cache().inst2vec_indices(self._handle())

    def _token_cache(self) -> TokenCache:
        if self._tokens is None:
            self._tokens = TokenCache(self._lib, self._backend.native)
        return self._tokens

    def bitcode(self) -> bytes:
        buffer = self._lib.LLVMWriteBitcodeToMemoryBuffer(self._handle())
        try:
            return _buffer_bytes(self._lib, buffer)
        finally:
            self._lib.LLVMDisposeMemoryBuffer(buffer)

    def object_file(self) -> bytes:
        buffer = self._emit_object()
        try:
            return _buffer_bytes(self._lib, buffer)
        finally:
            self._lib.LLVMDisposeMemoryBuffer(buffer)

    def object_text_size_bytes(self) -> int:
        buffer = self._emit_object()
        lib = self._lib
        try:
            message = c_void_p()
            binary = lib.LLVMCreateBinary(buffer, None, ctypes.byref(message))
            if not binary:
                raise CompilerError(
                    f"cannot read the emitted object: {take_message(lib, message.value)}"
                )
            sections = lib.LLVMObjectFileCopySectionIterator(binary)
            size = 0
            while not lib.LLVMObjectFileIsSectionIteratorAtEnd(binary, sections):
                name = lib.LLVMGetSectionName(sections) or b""
                if name == b".text" or name.startswith(b".text.") or name == b"__text":
                    size += lib.LLVMGetSectionSize(sections)
                lib.LLVMMoveToNextSection(sections)
            lib.LLVMDisposeSectionIterator(sections)
            lib.LLVMDisposeBinary(binary)
            return int(size)
        finally:
            lib.LLVMDisposeMemoryBuffer(buffer)

    def _emit_object(self) -> int:
        # Code generation changes the module (it lowers intrinsics, ...): emit from a clone.
        scratch = self._lib.LLVMCloneModule(self._handle())
        try:
            message = c_void_p()
            buffer = c_void_p()
            failed = self._lib.LLVMTargetMachineEmitToMemoryBuffer(
                self._backend.target_machine(scratch),
                scratch,
                _OBJECT_FILE,
                ctypes.byref(message),
                ctypes.byref(buffer),
            )
            if failed:
                raise CompilerError(
                    f"code generation failed: {take_message(self._lib, message.value)}"
                )
            assert buffer.value is not None  # set whenever emission succeeds
            return buffer.value
        finally:
            self._lib.LLVMDisposeModule(scratch)

    def ir2vec(self, kind: str) -> list[tuple[str, np.ndarray]]:
        if kind in NATIVE_KINDS:
            return self.ir2vec_native(kind)
        return self.ir2vec_printer(kind)

    def ir2vec_native(self, kind: str) -> list[tuple[str, np.ndarray]]:
        """IR2Vec computed by features.c, as LLVM's embedder does (full precision).

        A function's vector depends on its own instructions only, so each is
        kept between steps under the function's native key (as the token
        observations are, see token_cache.py) and computed again only when a
        step changed that function.
        """
        if kind not in KINDS:
            raise CompilerError(f"unknown IR2Vec kind {kind!r}; LLVM has {', '.join(KINDS)}")
        path = require_vocabulary()
        table = native_table(path)
        native, module = self._backend.native, self._handle()
        keys = [key for key, defined in self._function_keys() if defined]
        kept = self._ir2vec_kept.get((kind, path), {})
        name_bytes = ctypes.c_int64()
        count = native.cgym_ir2vec_functions(module, ctypes.byref(name_bytes))
        dimension = table.shape[1]
        out = np.zeros((count, dimension), dtype=np.float64)
        wanted = np.ones(count, dtype=np.uint8)
        for i, key in enumerate(keys):
            vector = kept.get(key)
            if vector is not None:
                out[i], wanted[i] = vector, 0
        names = ctypes.create_string_buffer(max(name_bytes.value, 1))
        done = native.cgym_ir2vec(
            module,
            table.ctypes.data,
            dimension,
            kind == "flow-aware",
            out.ctypes.data,
            count,
            names,
            len(names),
            wanted.ctypes.data,
        )
        if done != count or len(keys) != count:
            raise CompilerError(f"native IR2Vec failed ({'out of memory' if done == -1 else done})")
        self._ir2vec_kept[(kind, path)] = {
            key: kept[key] if not wanted[i] else out[i].copy() for i, key in enumerate(keys)
        }
        listed = names.raw[: name_bytes.value].split(b"\0")[:count]
        return [(n.decode("utf-8", "replace"), out[i]) for i, n in enumerate(listed)]

    def _function_keys(self) -> list[tuple[int, bool]]:
        """Each function's native key (features.c `cgym_function_keys`), and whether it has a body."""
        native, module = self._backend.native, self._handle()
        capacity = 256
        while True:
            keys = np.empty(capacity, dtype=np.uint64)
            defined = np.empty(capacity, dtype=np.uint8)
            found = native.cgym_function_keys(
                module, keys.ctypes.data, defined.ctypes.data, capacity
            )
            if found >= 0:
                return list(
                    zip(keys[:found].tolist(), defined[:found].astype(bool).tolist(), strict=True)
                )
            capacity *= 4

    def ir2vec_printer(self, kind: str) -> list[tuple[str, np.ndarray]]:
        """IR2Vec as LLVM's `print<ir2vec>` prints it (two decimals): the native path's reference."""
        if kind not in KINDS:
            raise CompilerError(f"unknown IR2Vec kind {kind!r}; LLVM has {', '.join(KINDS)}")
        if self._backend.llvm.major < 21:
            super().ir2vec(kind)
        path = require_vocabulary()  # before LLVM reads it: a missing file would end the process
        self._backend.set_options((f"--ir2vec-vocab-path={path}", f"--ir2vec-kind={kind}"))
        printed = stderr_of(lambda: self.run_pipeline("print<ir2vec>"))
        return parse_printer_output(printed, vocabulary_dimension())

    def verify(self) -> str:
        message = c_void_p()
        broken = self._lib.LLVMVerifyModule(
            self._handle(), _VERIFIER_RETURN_STATUS, ctypes.byref(message)
        )
        text = take_message(self._lib, message.value)
        return text.strip() or "module is broken" if broken else ""

    def dispose(self) -> None:
        if self._graphs is not None:
            self._graphs.close()
        if self.ref:
            self._lib.LLVMDisposeModule(self.ref)
            self.ref = None

    def __del__(self) -> None:
        self.dispose()


def _buffer_bytes(lib: ctypes.CDLL, buffer: int) -> bytes:
    return ctypes.string_at(lib.LLVMGetBufferStart(buffer), lib.LLVMGetBufferSize(buffer))


_options_set: set[str] = set()


def _keep_use_list_order(llvm: LibLLVM) -> None:
    """Make bitcode keep each value's use-list order (as `opt` writes it), once a process.

    A module read back from such bitcode is one the passes walk in the same
    order (see `LibLLVMModule.copy`). LLVM ends the process when an option is
    given twice, hence the set.
    """
    option = "-preserve-bc-uselistorder"
    if option not in _options_set:
        argv = (ctypes.c_char_p * 2)(b"cgym-ray", option.encode())
        llvm.lib.LLVMParseCommandLineOptions(2, argv, None)
        _options_set.add(option)


class LibLLVMBackend(Backend):
    name = "libllvm"

    def __init__(self) -> None:
        self.llvm = load_libllvm()
        self.native = load_native()
        self.llvm_version = self.llvm.version
        self.library_path = self.llvm.path
        self.pass_options = self.llvm.lib.LLVMCreatePassBuilderOptions()
        self.llvm.lib.LLVMPassBuilderOptionsSetVerifyEach(self.pass_options, False)
        self._target_machines: dict[bytes, int] = {}
        self._actions = None
        _keep_use_list_order(self.llvm)
        self._options: tuple[str, ...] = ()

    def set_options(self, options: tuple[str, ...]) -> None:
        """Set LLVM command-line options (`--name=value`) in this process, as `opt` would."""
        if options == self._options:
            return
        argv = (ctypes.c_char_p * (len(options) + 1))(b"cgym-ray", *(o.encode() for o in options))
        self.llvm.lib.LLVMParseCommandLineOptions(len(options) + 1, argv, None)
        self._options = options

    def load(self, data: bytes, name: str) -> LibLLVMModule:
        buffer = self.llvm.lib.LLVMCreateMemoryBufferWithMemoryRangeCopy(
            data, len(data), name.encode()
        )
        return self.parse(buffer, name)

    def parse(self, buffer: int, name: str) -> LibLLVMModule:
        """The module in an LLVM memory buffer (bitcode or IR text), which this takes over."""
        lib = self.llvm.lib
        context = _Context(self.llvm)
        # LLVMParseIRInContext reads bitcode and text alike, and takes the buffer.
        module = c_void_p()
        message = c_void_p()
        if lib.LLVMParseIRInContext(
            context.ref, buffer, ctypes.byref(module), ctypes.byref(message)
        ):
            detail = printable(take_message(lib, message.value).strip()) or "unreadable input"
            raise ModuleLoadError(f"cannot load {name}: {detail}")
        assert module.value is not None  # set whenever parsing succeeds
        # Where the module came from is not part of it (see MODULE_NAME).
        lib.LLVMSetModuleIdentifier(module.value, MODULE_NAME.encode(), len(MODULE_NAME))
        lib.LLVMSetSourceFileName(module.value, MODULE_NAME.encode(), len(MODULE_NAME))
        return LibLLVMModule(self, context, module.value)

    def target_machine(self, module: int) -> int:
        """A target machine for the module's triple (the host's when it has none)."""
        lib = self.llvm.lib
        triple = lib.LLVMGetTarget(module) or b""
        if not triple:
            triple = ctypes.string_at(lib.LLVMGetDefaultTargetTriple())
        if triple not in self._target_machines:
            target = c_void_p()
            message = c_void_p()
            if lib.LLVMGetTargetFromTriple(triple, ctypes.byref(target), ctypes.byref(message)):
                raise CompilerError(
                    f"this libLLVM cannot generate code for {triple.decode()}: "
                    f"{take_message(lib, message.value)}"
                )
            self._target_machines[triple] = lib.LLVMCreateTargetMachine(
                target, triple, b"generic", b"", _CODEGEN_DEFAULT, _RELOC_PIC, _CODE_MODEL_DEFAULT
            )
        return self._target_machines[triple]

    @property
    def actions(self):
        if self._actions is None:
            from cgym_ray.llvm.libllvm.passes import catalogue_for

            self._actions = catalogue_for(self.llvm.major)
        return self._actions
