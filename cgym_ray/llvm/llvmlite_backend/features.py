"""InstCount and Autophase in Python, walking a module through llvmlite.

The definitions are in `cgym_ray.llvm.features`; the reference implementation
is `cgym_ray/llvm/native/features.c` (the libllvm backend), and the two must
give identical vectors on the same module. The walk goes through llvmlite's C
layer directly (`capi.py` says why not through ValueRef objects). llvmlite
exposes functions, blocks, instructions, opcode names, operands, value kinds,
types and constant values, but not everything LLVM's C API has. What is
missing is derived here:

- successors: the operands of the terminator that are basic blocks (LLVM's
  `getSuccessor` walks exactly those), so repeated targets repeat, as in C;
- the terminator: the block's last instruction when its opcode is one;
- conditional `br`: three operands (condition and two targets) instead of one;
- PHI incoming count: its number of operands (one value per incoming edge);
- switch case values (not operands since LLVM 22): from the printed switch;
- a call's own function type (`LLVMGetCalledFunctionType`): see `_is_int_call`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import llvmlite.binding as llvm
from llvmlite.binding import TypeKind

from cgym_ray.llvm.features import (
    AUTOPHASE_NAMES,
    AUTOPHASE_OPCODE_SLOTS,
    BINARY_OPCODES,
    INSTCOUNT_NAMES,
    INSTCOUNT_OPCODES,
    MEMORY_OPCODES,
    UNARY_OPCODES,
)
from cgym_ray.llvm.llvmlite_backend.capi import (
    BASIC_BLOCK_KIND,
    CONSTANT_INT_KIND,
    FUNCTION_KIND,
    LlvmliteC,
    address,
    llvmlite_c,
    value_ref,
)

_INSTCOUNT_SLOT = {opcode: 3 + i for i, opcode in enumerate(INSTCOUNT_OPCODES)}
_AP = {name: i for i, name in enumerate(AUTOPHASE_NAMES)}
_TERMINATORS = frozenset(
    "ret br switch indirectbr invoke resume unreachable cleanupret catchret catchswitch "
    "callbr".split()
)
# Block shapes by (predecessor edges, successors), as the C reference's else-if chain.
_SHAPES = {
    (1, 1): _AP["onePredOneSuc"],
    (2, 1): _AP["twoPredOneSuc"],
    (1, 2): _AP["onePredTwoSuc"],
    (2, 2): _AP["twoEach"],
}


def instruction_count(module: llvm.ModuleRef) -> int:
    """Instructions in the module's functions (declarations have none)."""
    c = llvmlite_c()
    return sum(
        1
        for function in c.functions(address(module))
        for block in c.blocks(function)
        for _ in c.instructions(block)
    )


def inst_count(module: llvm.ModuleRef) -> list[int]:
    """The 70 InstCount features: totals over defined functions, then one count per opcode."""
    c = llvmlite_c()
    counts = [0] * len(INSTCOUNT_NAMES)
    for function in _defined_functions(c, module):
        counts[2] += 1
        for block in c.blocks(function):
            counts[1] += 1
            for instruction in c.instructions(block):
                counts[0] += 1
                slot = _INSTCOUNT_SLOT.get(c.opcode(instruction))
                if slot is not None:
                    counts[slot] += 1
    return counts


def _defined_functions(c: LlvmliteC, module: llvm.ModuleRef) -> Iterator[int]:
    return (f for f in c.functions(address(module)) if not c.is_declaration(f))


# An instruction as the Autophase counters read it: (address, opcode, operands, their kinds).
_Instruction = tuple[int, str, list[int], list[int]]


def autophase(module: llvm.ModuleRef) -> list[int]:
    """The 56 Autophase features (see `cgym_ray.llvm.features.AUTOPHASE_NAMES`)."""
    c = llvmlite_c()
    out = [0] * len(AUTOPHASE_NAMES)
    cache = _ModuleCache()
    for function in c.functions(address(module)):
        out[_AP["TotalFuncs"]] += 1  # declarations too, as the AutoPhase pass counts them
        if c.is_declaration(function):
            continue
        blocks = [(block, _read_block(c, block)) for block in c.blocks(function)]
        successors = [_successors(instructions) for _, instructions in blocks]
        # Predecessors are counted as edges, with repeats, like LLVM's pred_iterator.
        predecessors = {block: 0 for block, _ in blocks}
        for targets in successors:
            for target in targets:
                predecessors[target] += 1
        text = _FunctionText(c, function)
        for (block, instructions), targets in zip(blocks, successors, strict=True):
            _count_shape(predecessors[block], targets, predecessors, out)
            _count_instructions(c, instructions, text, cache, out)
    return out


def _read_block(c: LlvmliteC, block: int) -> list[_Instruction]:
    instructions = []
    for instruction in c.instructions(block):
        operands = c.operands(instruction)
        kinds = [c.value_kind(operand) for operand in operands]
        instructions.append((instruction, c.opcode(instruction), operands, kinds))
    return instructions


def _successors(instructions: list[_Instruction]) -> list[int]:
    """Successor blocks, with repeats: `br i1 %c, label %a, label %a` has two."""
    if not instructions or instructions[-1][1] not in _TERMINATORS:
        return []
    _, _, operands, kinds = instructions[-1]
    return [op for op, kind in zip(operands, kinds, strict=True) if kind == BASIC_BLOCK_KIND]


class _FunctionText:
    """The printed form of a function's instructions, printed only when asked for.

    Printing one instruction numbers every value of its function first (about
    0.25 us an instruction of the function), and printing the whole function
    costs about 5 us an instruction: the first few instructions asked for are
    printed alone, then the whole function once. The printer puts each
    instruction on its own line, indented by two spaces; continuation lines
    (switch cases, landingpad clauses, debug records) are indented deeper and
    a switch closes with `  ]`.
    """

    PRINTED_ALONE = 16

    def __init__(self, c: LlvmliteC, function: int) -> None:
        self._c = c
        self._function = function
        self._lines: list[str] = []
        self._spans: dict[int, tuple[int, int]] | None = None
        self._printed_alone = 0

    def __getitem__(self, instruction: int) -> str:
        """The instruction's text: its line, and its continuation lines."""
        if self._spans is None:
            if self._printed_alone < self.PRINTED_ALONE:
                self._printed_alone += 1
                return self._c.text(instruction)
            self._spans = self._split()
        span = self._spans.get(instruction)
        if span is None:
            return self._c.text(instruction)
        return "\n".join(self._lines[span[0] : span[1]])

    def _split(self) -> dict[int, tuple[int, int]]:
        c = self._c
        self._lines = c.text(self._function).splitlines()
        starts = [
            i
            for i, line in enumerate(self._lines)
            if line.startswith("  ") and line[2:3] not in (" ", "]", "")
        ]
        instructions = [i for block in c.blocks(self._function) for i in c.instructions(block)]
        if len(starts) != len(instructions):  # an unforeseen layout: print one by one
            return {}
        ends = starts[1:] + [len(self._lines)]
        return {
            instruction: (start, end)
            for instruction, start, end in zip(instructions, starts, ends, strict=True)
        }


@dataclass
class _Callee:
    """What `_is_int_call` needs of a called function, read once per function."""

    returns_int: bool
    return_type: int
    vararg: bool
    parameter_types: list[int]
    type_text: str


class _ModuleCache:
    """Values read once per module: constants are uniqued per context, callees repeat."""

    def __init__(self) -> None:
        self.constants: dict[int, tuple[int, int]] = {}
        self.callees: dict[int, _Callee] = {}

    def constant(self, c: LlvmliteC, value: int) -> tuple[int, int]:
        if value not in self.constants:
            self.constants[value] = c.constant_int(value)
        return self.constants[value]

    def callee(self, function: int) -> _Callee:
        if function not in self.callees:
            function_type = value_ref(function, "function").global_value_type
            return_type = function_type.get_function_return()
            self.callees[function] = _Callee(
                returns_int=return_type.type_kind == TypeKind.integer,
                return_type=address(return_type),
                vararg=function_type.is_function_vararg,
                parameter_types=[address(t) for t in function_type.get_function_parameters()],
                type_text=str(function_type),
            )
        return self.callees[function]


def _count_shape(
    num_preds: int, successors: list[int], predecessors: dict[int, int], out: list[int]
) -> None:
    num_succ = len(successors)
    out[_AP["TotalBlocks"]] += 1
    out[_AP["NumEdges"]] += num_succ
    if num_succ > 1:
        # Critical: the source has several successors and the target several predecessor edges.
        out[_AP["CriticalCount"]] += sum(1 for target in successors if predecessors[target] > 1)
    if num_succ == 1:
        out[_AP["oneSuccessor"]] += 1
    elif num_succ == 2:
        out[_AP["twoSuccessor"]] += 1
    if num_preds == 1:
        out[_AP["onePred"]] += 1
    elif num_preds == 2:
        out[_AP["twoPred"]] += 1
    elif num_preds > 2:
        out[_AP["morePreds"]] += 1
    shape = _SHAPES.get((num_preds, num_succ))
    if shape is not None:
        out[shape] += 1


def _count_instructions(
    c: LlvmliteC,
    instructions: list[_Instruction],
    text: _FunctionText,
    cache: _ModuleCache,
    out: list[int],
) -> None:
    phis = phi_args = 0
    for position, (instruction, opcode, operands, kinds) in enumerate(instructions):
        slot = AUTOPHASE_OPCODE_SLOTS.get(opcode)
        if slot is not None:
            out[slot] += 1
        if opcode in MEMORY_OPCODES:
            out[_AP["TotalMemInst"]] += 1
        if opcode == "br":
            out[_AP["BranchCount"]] += 1
            if len(operands) == 1:  # `br label %x`; a conditional br has 3 operands
                out[_AP["UncondBranches"]] += 1
        for operand, kind in zip(operands, kinds, strict=True):
            if kind == CONSTANT_INT_KIND:
                _count_constant(*cache.constant(c, operand), out)
        if opcode == "switch":
            _count_switch_case_values(text[instruction], operands, kinds, out)
        elif opcode == "call" and _is_int_call(c, instruction, operands, kinds, text, cache):
            out[_AP["returnInt"]] += 1
        elif opcode in UNARY_OPCODES:
            out[_AP["testUnary"]] += 1
        elif opcode in BINARY_OPCODES:
            if c.is_constant(operands[0]) or c.is_constant(operands[1]):
                out[_AP["binaryConstArg"]] += 1
        elif opcode == "phi":
            if position == 0:
                out[_AP["BeginPhi"]] += 1
            phis += 1
            phi_args += len(operands)  # one incoming value per incoming edge
    out[_AP["TotalInsts"]] += len(instructions)
    out[_AP["ArgsPhi"]] += phi_args
    if phis == 0:
        out[_AP["BBNoPhi"]] += 1
    elif phis <= 3:
        out[_AP["BB03Phi"]] += 1
    else:
        out[_AP["BBHiPhi"]] += 1
    if phi_args > 5:
        out[_AP["BBNumArgsHi"]] += 1
    elif phi_args >= 1:
        out[_AP["BBNumArgsLo"]] += 1
    if len(instructions) < 15:
        out[_AP["BlockLow"]] += 1
    elif len(instructions) <= 500:
        out[_AP["BlockMid"]] += 1


def _count_constant(width: int, zext_value: int, out: list[int]) -> None:
    if width == 32:
        out[_AP["const32Bit"]] += 1
    elif width == 64:
        out[_AP["const64Bit"]] += 1
    if zext_value == 0:
        out[_AP["numConstZeroes"]] += 1
    elif width <= 64 and zext_value == 1:
        out[_AP["numConstOnes"]] += 1


# One case of a printed switch: `    i32 -3, label %7` (i1 cases print as true/false).
_SWITCH_CASE = re.compile(r"\n    i(\d+) (-?\d+|true|false), label ")


def _count_switch_case_values(
    text: str, operands: list[int], kinds: list[int], out: list[int]
) -> None:
    """Count a switch's case values as constants, as the C reference does.

    Since LLVM 22 the case values are no longer operands of the switch, and
    llvmlite has no accessor for them (`LLVMGetSwitchCaseValue`), so they are
    read from the printed switch, a line a case.
    """
    num_successors = kinds.count(BASIC_BLOCK_KIND)
    if len(operands) >= 2 * num_successors:  # an LLVM that keeps them as operands counted them
        return
    for width_text, value_text in _SWITCH_CASE.findall(text):
        width = int(width_text)
        value = {"true": 1, "false": 0}.get(value_text)
        if value is None:
            value = int(value_text) % (1 << width)  # printed signed; zero-extend
        _count_constant(width, value, out)


def _is_int_call(
    c: LlvmliteC,
    call: int,
    operands: list[int],
    kinds: list[int],
    text: _FunctionText,
    cache: _ModuleCache,
) -> bool:
    """A direct call, through the callee's own function type, of a function returning an integer.

    The C reference compares the callee's type with the call's function type
    (`LLVMGetCalledFunctionType`), which llvmlite does not expose. They differ
    when C calls a function through another prototype (K&R declarations:
    `call i32 (i32, ...) @f(i32 3)` of `i32 @f(i32)`). The call's type is
    rebuilt: its return type is the call's type; if it is variadic, LLVM
    prints it in full before the callee (`call i32 (i32, ...) @f`), so the text
    tells; otherwise its parameters are the argument types. Operand bundles
    (not emitted by clang for C) would count as arguments and fail the match.
    """
    if not operands or kinds[-1] != FUNCTION_KIND:  # the callee is the last operand
        return False
    callee = cache.callee(operands[-1])
    if not callee.returns_int or c.type_of(call) != callee.return_type:
        return False
    head = text[call].split(" @", 1)[0].rstrip()
    if head.endswith("...)"):  # the call's own type is variadic, printed in full
        return callee.vararg and head.endswith(" " + callee.type_text)
    arguments = operands[:-1]
    return (
        not callee.vararg
        and len(arguments) == len(callee.parameter_types)
        and all(
            c.type_of(argument) == parameter
            for argument, parameter in zip(arguments, callee.parameter_types, strict=True)
        )
    )
