"""Direct calls into llvmlite's C layer, for the hot loops of feature extraction.

`llvmlite.binding.ValueRef` objects cost 10-40 us an instruction to walk
(measured on the built-in programs: 1 s for one Autophase vector of a 6,000
instruction module): every value becomes a Python object with a dict of
parents and a finalizer, and every call takes llvmlite's global lock. The same
`LLVMPY_*` functions called directly cost about 0.3 us each, so the walk here
visits the same functions, blocks, instructions and operands as ValueRef would,
by address.

The signatures are those of llvmlite 0.50 (pinned in pyproject.toml); the
tests compare every feature with the libllvm backend's. The functions come
through their own `PyDLL` handle: llvmlite's own prototypes stay untouched,
and the GIL is kept during these short calls instead of being released and
re-acquired around each. Skipping llvmlite's lock is safe because a `Module`
is used by one thread at a time and other threads' modules live in other
LLVM contexts.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Iterator
from ctypes import POINTER, c_bool, c_int, c_uint, c_uint64, c_void_p

import llvmlite.binding as llvm

# LLVMValueKind (llvm-c/Core.h), as llvmlite's ValueKind.
BASIC_BLOCK_KIND = int(llvm.ValueKind.basic_block)
FUNCTION_KIND = int(llvm.ValueKind.function)
CONSTANT_INT_KIND = int(llvm.ValueKind.constant_int)


def address(ref: llvm.ModuleRef | llvm.ValueRef) -> int:
    """The address of the LLVM object behind an llvmlite reference."""
    return ctypes.cast(ref._ptr, c_void_p).value or 0


def value_ref(value: int, kind: str) -> llvm.ValueRef:
    """An llvmlite `ValueRef` for an address, to use llvmlite's own API on cold paths."""
    return llvm.ValueRef(ctypes.cast(value, llvm.ffi.LLVMValueRef), kind, {})


class LlvmliteC:
    """The `LLVMPY_*` functions the feature walk needs, with iteration helpers."""

    def __init__(self) -> None:
        dll = ctypes.PyDLL(llvm.ffi.lib._name)

        def function(name: str, restype, *argtypes):
            return ctypes.PYFUNCTYPE(restype, *argtypes)((name, dll))

        self._functions_iter = function("LLVMPY_ModuleFunctionsIter", c_void_p, c_void_p)
        self._functions_next = function("LLVMPY_FunctionsIterNext", c_void_p, c_void_p)
        self._functions_dispose = function("LLVMPY_DisposeFunctionsIter", None, c_void_p)
        self._blocks_iter = function("LLVMPY_FunctionBlocksIter", c_void_p, c_void_p)
        self._blocks_next = function("LLVMPY_BlocksIterNext", c_void_p, c_void_p)
        self._blocks_dispose = function("LLVMPY_DisposeBlocksIter", None, c_void_p)
        self._instructions_iter = function("LLVMPY_BlockInstructionsIter", c_void_p, c_void_p)
        self._instructions_next = function("LLVMPY_InstructionsIterNext", c_void_p, c_void_p)
        self._instructions_dispose = function("LLVMPY_DisposeInstructionsIter", None, c_void_p)
        self._operands_iter = function("LLVMPY_InstructionOperandsIter", c_void_p, c_void_p)
        self._operands_next = function("LLVMPY_OperandsIterNext", c_void_p, c_void_p)
        self._operands_dispose = function("LLVMPY_DisposeOperandsIter", None, c_void_p)
        self._opcode_name = function("LLVMPY_GetOpcodeName", c_void_p, c_void_p)
        self._dispose_string = function("LLVMPY_DisposeString", None, c_void_p)
        self._print_value = function("LLVMPY_PrintValueToString", None, c_void_p, POINTER(c_void_p))
        self.type_of = function("LLVMPY_TypeOf", c_void_p, c_void_p)
        self._type_bit_width = function("LLVMPY_GetTypeBitWidth", c_uint64, c_void_p)
        self._int_num_words = function("LLVMPY_GetConstantIntNumWords", c_uint, c_void_p)
        self._int_raw_value = function(
            "LLVMPY_GetConstantIntRawValue", POINTER(c_uint64), c_void_p, POINTER(c_bool)
        )
        self.is_declaration = function("LLVMPY_IsDeclaration", c_int, c_void_p)
        self.value_kind = function("LLVMPY_GetValueKind", c_int, c_void_p)
        self.is_constant = function("LLVMPY_IsConstant", c_bool, c_void_p)

    def functions(self, module: int) -> Iterator[int]:
        iterator = self._functions_iter(module)
        try:
            while function := self._functions_next(iterator):
                yield function
        finally:
            self._functions_dispose(iterator)

    def blocks(self, function: int) -> Iterator[int]:
        iterator = self._blocks_iter(function)
        try:
            while block := self._blocks_next(iterator):
                yield block
        finally:
            self._blocks_dispose(iterator)

    def instructions(self, block: int) -> Iterator[int]:
        iterator = self._instructions_iter(block)
        try:
            while instruction := self._instructions_next(iterator):
                yield instruction
        finally:
            self._instructions_dispose(iterator)

    def operands(self, instruction: int) -> list[int]:
        iterator = self._operands_iter(instruction)
        operands = []
        while operand := self._operands_next(iterator):
            operands.append(operand)
        self._operands_dispose(iterator)
        return operands

    def opcode(self, instruction: int) -> str:
        """The IR mnemonic: `add`, `getelementptr`, `br` (LLVM's getOpcodeName)."""
        name = self._opcode_name(instruction)
        try:
            return ctypes.string_at(name).decode()
        finally:
            self._dispose_string(name)

    def constant_int(self, value: int) -> tuple[int, int]:
        """(bit width, zero-extended value) of a ConstantInt."""
        width = self._type_bit_width(self.type_of(value))
        words = self._int_num_words(value)
        little_endian = c_bool(False)
        raw = self._int_raw_value(value, ctypes.byref(little_endian))
        data = bytes(ctypes.cast(raw, POINTER(c_uint64 * words)).contents)
        return width, int.from_bytes(data, "little" if little_endian.value else "big")

    def text(self, value: int) -> str:
        """The value as LLVM prints it."""
        out = c_void_p()
        self._print_value(value, ctypes.byref(out))
        assert out.value is not None  # LLVMPrintValueToString never returns NULL
        try:
            return ctypes.string_at(out.value).decode()
        finally:
            self._dispose_string(out.value)


@functools.cache
def llvmlite_c() -> LlvmliteC:
    return LlvmliteC()
