"""The llvmlite backend: loading, every catalogue action, and features equal to libllvm's."""

from __future__ import annotations

import struct

import pytest

from cgym_ray.errors import CompilerError, ModuleLoadError, PipelineError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.features import AUTOPHASE_NAMES, INSTCOUNT_NAMES
from cgym_ray.llvm.llvmlite_backend import LlvmliteBackend, llvmlite_catalogue

# Programs with loops, switches, structs, floating point, many calls.
PROGRAMS = ("crc32", "dijkstra", "expr_calc", "json_parser", "nbody", "stack_vm")

# Sequences that leave PHIs, switches, critical edges, extracted loops behind.
SEQUENCES = (
    ("sroa",),
    ("sroa", "simplifycfg"),
    ("sroa", "instcombine", "simplifycfg", "jump-threading"),
    ("sroa", "loop-rotate", "lower-switch", "newgvn", "break-crit-edges"),
    ("reg2mem",),
    ("O1", "loop-extract", "mergereturn"),
    ("O3",),
)

# Hand-written corner cases: switches on i64/i8/i1 with negative and repeated cases,
# calls through another prototype (K&R), variadic calls, i128, invoke, indirectbr,
# unreachable blocks, self loops, PHIs with repeated predecessors.
CORNER_CASES_IR = b"""
target triple = "x86_64-pc-linux-gnu"

declare i32 @ext(i64)
declare i32 @vext(i32, ...)
declare i32 @__gxx_personality_v0(...)
declare i64 @wide()
declare i128 @huge(i128)

define i32 @sw(i64 %x, i8 %y, i1 %b) {
entry:
  switch i64 %x, label %d [
    i64 -1, label %a
    i64 1, label %a
    i64 0, label %b1
  ]
a:
  switch i8 %y, label %d [
    i8 -1, label %b1
    i8 1, label %d2
  ]
b1:
  %p = phi i32 [ 1, %entry ], [ 2, %a ]
  switch i1 %b, label %d [
    i1 true, label %d2
  ]
d2:
  %q = phi i32 [ %p, %b1 ], [ 0, %a ]
  br label %d
d:
  %r = phi i32 [ 0, %entry ], [ 1, %a ], [ %p, %b1 ], [ %q, %d2 ], [ %v, %d ]
  %c1 = call i32 @ext(i32 7)
  %c2 = call i32 (i32, ...) @vext(i32 1, i32 2)
  %c3 = call i32 (i64) @ext(i64 1)
  %c4 = call i32 (i32) @vext(i32 3)
  %c5 = call i64 @wide()
  %c6 = call i128 @huge(i128 1)
  %s = add i32 %c1, %c2
  %t = add i32 %s, %c3
  %u = add i32 %t, %c4
  %v = add i32 %u, %r
  br i1 %b, label %d, label %out
out:
  ret i32 %v
dead:
  unreachable
}

define i32 @eh(i32 %x) personality ptr @__gxx_personality_v0 {
entry:
  %r = invoke i32 @ext(i64 5) to label %ok unwind label %lp
ok:
  %ib = icmp eq i32 %r, 0
  br i1 %ib, label %ok, label %ind
ind:
  indirectbr ptr blockaddress(@eh, %ok), [label %ok, label %ok, label %fin]
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
fin:
  %f = freeze i32 %x
  %n = fneg float 1.0
  %z = add i32 %f, undef
  %w = xor i32 poison, %z
  ret i32 %w
}
"""

OPTNONE_IR = b"""
define i32 @f(i32 %x) #0 {
  %y = add i32 %x, 0
  ret i32 %y
}
attributes #0 = { noinline nounwind optnone }
"""


@pytest.fixture(scope="module")
def llvmlite() -> LlvmliteBackend:
    return get_backend("llvmlite")


@pytest.fixture(scope="module")
def libllvm():
    return get_backend("libllvm")  # scripts/setup-env installs it on every test machine


def _run(module, *actions: str) -> None:
    catalogue = llvmlite_catalogue()
    for action in actions:
        module.run_pipeline(catalogue.lookup(action).pipeline)


def _differences(llvmlite_module, libllvm_module) -> dict[str, tuple[int, int]]:
    """Every feature where the two modules differ, by name: (llvmlite, libllvm)."""
    pairs = {"instruction_count": (llvmlite_module, libllvm_module)}
    ours = llvmlite_module.inst_count() + llvmlite_module.autophase()
    theirs = libllvm_module.inst_count() + libllvm_module.autophase()
    names = [f"InstCount.{n}" for n in INSTCOUNT_NAMES] + [
        f"Autophase.{n}" for n in AUTOPHASE_NAMES
    ]
    differences = {name: (a, b) for name, a, b in zip(names, ours, theirs, strict=True) if a != b}
    counts = [module.instruction_count() for module in pairs["instruction_count"]]
    if counts[0] != counts[1]:
        differences["instruction_count"] = (counts[0], counts[1])
    return differences


def test_describes_llvm_22_and_its_library(llvmlite):
    assert llvmlite.name == "llvmlite"
    assert llvmlite.llvm_version.startswith("22.")
    assert "llvmlite" in llvmlite.library_path
    assert llvmlite.actions.version == "llvmlite-v1"


def test_catalogue_has_every_pass_and_o1_to_o3_but_no_oz(llvmlite):
    catalogue = llvmlite.actions
    macros = [action.name for action in catalogue if action.is_macro]
    assert macros == ["O1", "O2", "O3"]
    assert len(catalogue) - len(macros) == 45
    assert "loop-reduce" not in catalogue.names  # aborts llvmlite's assertion-enabled LLVM
    assert {"sroa", "instcombine", "loop-rotate", "simplifycfg", "newgvn"} <= set(catalogue.names)
    assert "Oz" not in catalogue.names
    for action in catalogue:
        assert llvmlite.parse_pipeline(action.pipeline), action.name


@pytest.mark.slow  # every llvmlite action on six programs
@pytest.mark.parametrize("program", ["crc32", "expr_calc", "nbody"])
def test_every_action_runs_and_leaves_a_valid_module(llvmlite, suite_bitcode, program):
    base = llvmlite.load(suite_bitcode[program], program)
    base.run_pipeline("sroa")  # PHIs and switches for the passes to work on
    for action in llvmlite.actions:
        module = base.clone()
        module.run_pipeline(action.pipeline)
        assert module.verify() == "", f"{action.name} broke {program}"


def test_action_name_and_pipeline_text_run_the_same_pass(llvmlite, crc32_bitcode):
    by_name, by_text = llvmlite.load(crc32_bitcode, "crc32"), llvmlite.load(crc32_bitcode, "crc32")
    by_name.run_pipeline("sroa,instcombine")
    by_text.run_pipeline("function(sroa<preserve-cfg>),function(instcombine<no-verify-fixpoint>)")
    assert by_name.ir_text() == by_text.ir_text()


def test_clone_is_independent(llvmlite, crc32_bitcode):
    original = llvmlite.load(crc32_bitcode, "crc32")
    before = original.ir_text()
    clone = original.clone()
    clone.run_pipeline("default<O3>")
    assert original.ir_text() == before
    assert clone.instruction_count() < original.instruction_count()
    original.dispose()
    assert clone.verify() == ""


# O3 inlines and unrolls: it grows json_parser, sha256 or md5, and shrinks these.
@pytest.mark.parametrize("program", ["crc32", "dijkstra", "expr_calc", "nbody", "stack_vm"])
def test_o3_reduces_the_instruction_count(llvmlite, suite_bitcode, program):
    module = llvmlite.load(suite_bitcode[program], program)
    before = module.instruction_count()
    module.run_pipeline("default<O3>")
    assert module.instruction_count() < before


@pytest.mark.parametrize(
    "data",
    [b"this is not IR", b"BC\xc0\xde\x35\x14\x00\x00\x05", b"\xff\xfe not utf-8 \x80"],
    ids=["text", "truncated-bitcode", "binary"],
)
def test_bad_input_raises_module_load_error_naming_it(llvmlite, data):
    with pytest.raises(ModuleLoadError, match="broken-input.bc"):
        llvmlite.load(data, "broken-input.bc")


def test_reads_bitcode_in_a_wrapper(llvmlite, crc32_bitcode):
    header = struct.pack("<5I", 0x0B17C0DE, 0, 20, len(crc32_bitcode), 0)
    wrapped = llvmlite.load(header + crc32_bitcode, "wrapped.bc")
    assert wrapped.instruction_count() == llvmlite.load(crc32_bitcode, "crc32").instruction_count()


def test_reads_ir_text(llvmlite, crc32_bitcode):
    module = llvmlite.load(crc32_bitcode, "crc32")
    again = llvmlite.load(module.ir_text().encode(), "crc32.ll")
    assert again.inst_count() == module.inst_count()


@pytest.mark.parametrize(
    "pipeline", ["no-such-pass", "sroa,no-such-pass", "default<Oz>", "default<Os>", "", " , "]
)
def test_unknown_pipeline_raises_pipeline_error_and_runs_nothing(llvmlite, crc32_bitcode, pipeline):
    module = llvmlite.load(crc32_bitcode, "crc32")
    before = module.ir_text()
    with pytest.raises(PipelineError):
        module.run_pipeline(pipeline)
    assert module.ir_text() == before


def test_disposed_module_says_so(llvmlite, crc32_bitcode):
    module = llvmlite.load(crc32_bitcode, "crc32")
    module.dispose()
    with pytest.raises(CompilerError, match="disposed"):
        module.instruction_count()


def test_function_attributes_replace_optnone(llvmlite):
    module = llvmlite.load(OPTNONE_IR, "optnone.ll")
    module.add_function_attributes(["minsize", "optsize"])
    text = module.ir_text()
    assert "minsize" in text and "optsize" in text and "optnone" not in text
    assert module.verify() == ""
    module.run_pipeline("instcombine")  # no longer skipped
    assert module.instruction_count() == 1


def test_unknown_function_attribute_is_an_error(llvmlite, crc32_bitcode):
    module = llvmlite.load(crc32_bitcode, "crc32")
    with pytest.raises(CompilerError, match="no-such-attribute"):
        module.add_function_attributes(["minsize", "no-such-attribute"])
    assert "minsize" not in module.ir_text()


def test_object_text_size_is_the_sum_of_text_sections(llvmlite, crc32_bitcode):
    module = llvmlite.load(crc32_bitcode, "crc32")
    module.run_pipeline("default<O2>")
    before = module.ir_text()
    data = module.object_file()
    assert data[:4] == b"\x7fELF"  # the tests run on Linux; the section reader reads ELF
    assert module.object_text_size_bytes() == _elf_text_size(data) > 0
    assert module.ir_text() == before  # code generation ran on a copy


def _elf_text_size(data: bytes) -> int:
    """Sum of `.text*` section sizes, read from an ELF64 little-endian section table."""
    (section_table,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count, names_index = struct.unpack_from("<HHH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQ", data, section_table + i * entry_size) for i in range(count)
    ]
    names_offset = sections[names_index][4]
    total = 0
    for name_offset, _, _, _, _, size in sections:
        name = data[names_offset + name_offset : data.index(b"\0", names_offset + name_offset)]
        if name == b".text" or name.startswith(b".text."):
            total += size
    return total


def test_load_drops_the_lifetime_declarations_llvm_22_leaves_behind(llvmlite, crc32_bitcode):
    text = llvmlite.load(crc32_bitcode, "crc32").ir_text()
    assert "@llvm.lifetime.start.p0(" in text
    assert "@llvm.lifetime.start.i64" not in text


@pytest.mark.parametrize("program", PROGRAMS)
def test_features_equal_libllvm_at_load(llvmlite, libllvm, suite_bitcode, program):
    bitcode = suite_bitcode[program]
    assert _differences(llvmlite.load(bitcode, program), libllvm.load(bitcode, program)) == {}


@pytest.mark.parametrize("program", PROGRAMS)
@pytest.mark.parametrize("sequence", SEQUENCES, ids=" ".join)
def test_features_equal_libllvm_after_passes(llvmlite, libllvm, suite_bitcode, program, sequence):
    module = llvmlite.load(suite_bitcode[program], program)
    _run(module, *sequence)
    # libLLVM 23 reads LLVM 22 bitcode (not the other way round): compare on llvmlite's output.
    assert _differences(module, libllvm.load(module.bitcode(), program)) == {}


@pytest.mark.parametrize("sequence", [(), ("simplifycfg",), ("lower-switch", "reg2mem")], ids=str)
def test_features_equal_libllvm_on_corner_cases(llvmlite, libllvm, sequence):
    module = llvmlite.load(CORNER_CASES_IR, "corner-cases.ll")
    assert module.verify() == ""
    _run(module, *sequence)
    assert _differences(module, libllvm.load(module.bitcode(), "corner-cases")) == {}


def test_return_int_counts_only_calls_through_the_callees_own_type(llvmlite):
    module = llvmlite.load(CORNER_CASES_IR, "corner-cases.ll")
    autophase = dict(zip(AUTOPHASE_NAMES, module.autophase(), strict=True))
    # @vext through its own variadic type, @ext through i32 (i64), @wide and @huge;
    # not @ext through i32 (i32), not @vext through i32 (i32), not the invoke.
    assert autophase["returnInt"] == 4
