"""Pipeline trees: exact round trip, refusals before LLVM, LLVM's own pipelines written out."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from cgym_ray.llvm.pipelines import Pipeline, PipelineSyntaxError, load_table, standard_pipeline
from cgym_ray.llvm.pipelines.registry import ParameterSpec
from cgym_ray.llvm.pipelines.run import run_pipeline
from cgym_ray.llvm.pipelines.standard import BUILT_IN, OZ_ATTRIBUTES, read_standard_text
from cgym_ray.llvm.session import CompilerSession

ODD_BUT_VALID = [
    "function(early-cse<>,loop-vectorize<no-interleave-forced-only;no-vectorize-forced-only;>)",
    "cgscc(devirt<4>(inline,function<eager-inv;no-rerun>(sroa<modify-cfg>,loop-mssa(licm<allowspeculation>))))",
    "require<globals-aa>,function(invalidate<aa>),globaldce,verify",
    "function(loop(loop-idiom,indvars),loop-unroll<O3;runtime>)",
]


@pytest.mark.parametrize("name", ["O2", "O3"])
def test_standard_pipelines_print_back_exactly(name):
    text = read_standard_text(name)
    assert str(Pipeline.parse(text)) == text
    assert str(standard_pipeline(name)) == text


@pytest.mark.parametrize("text", ODD_BUT_VALID)
def test_odd_forms_round_trip_and_pass_the_table(text):
    assert str(load_table().check(text)) == text


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("function(sroa", 13, "never closed"),
        ("function(sroa,,dce)", 14, "expected a pass name"),
        ("simplifycfg<keep-loops", 11, "never closed"),
        ("function(sroa))", 14, "unexpected ')'"),
    ],
)
def test_malformed_text_is_refused_with_its_position(text, position, words):
    with pytest.raises(PipelineSyntaxError, match=re.escape(words)) as caught:
        Pipeline.parse(text)
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        (
            "function(sroa,inline)",
            14,
            "'inline' is a cgscc pass and cannot stand at function level",
        ),
        (
            "function(loop-mssa(instcombine))",
            19,
            "'instcombine' is a function pass and cannot stand at loop",
        ),
        ("instcombine", 0, "cannot stand at module level"),
        ("function(loop(licm))", 14, "needs MemorySSA"),
        ("function(loop-mssa(dce))", 19, "cannot stand at loop level"),
        ("function(cgscc(inline))", 9, "cgscc(...) cannot stand at function level"),
        ("function(sroa(dce))", 9, "not an adaptor"),
        ("function(frobnicate)", 9, "unknown pass 'frobnicate'"),
    ],
)
def test_a_pass_at_the_wrong_level_is_refused_before_llvm(text, position, words):
    with pytest.raises(PipelineSyntaxError, match=re.escape(words)) as caught:
        load_table().check(text)
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("function(instcombine<max-iterations=0>)", "max-iterations=0 is outside its range 1..16"),
        ("function(simplifycfg<bonus-inst-threshold=99>)", "outside its range 0..16"),
        ("function(simplifycfg<bonus-inst-threshold=two>)", "must be an integer"),
        ("function(simplifycfg<keep-loops;frobnicate>)", "unknown parameter 'frobnicate'"),
        ("cgscc(devirt<99>(inline))", "the count=99 is outside its range 0..16"),
        ("function(dce<aggressive>)", "'dce' takes no parameters"),
        ("function<no-rerun>(dce)", "unknown parameter 'no-rerun'"),
    ],
)
def test_a_parameter_outside_its_range_is_refused_before_llvm(text, words):
    with pytest.raises(PipelineSyntaxError, match=re.escape(words)):
        load_table().check(text)


def test_parameter_spec_accepts_flags_both_ways_and_empty_items():
    spec = ParameterSpec(flags=frozenset({"keep-loops"}), integers={"n": (0, 3)})
    assert [spec.problem(item) for item in ("keep-loops", "no-keep-loops", "", "n=3")] == [None] * 4
    assert spec.problem("n=4") and spec.problem("no-n=1")


def test_a_pipeline_llvm_rejects_gets_llvms_message_and_the_position(crc32_bitcode):
    # The table would refuse this; an unchecked tree shows what LLVM says and where.
    text = "function(sroa,simplifycfg<keep-loops;bogus>)"
    with CompilerSession(crc32_bitcode, "crc32") as session:
        with pytest.raises(
            PipelineSyntaxError, match="invalid SimplifyCFG pass parameter 'bogus'"
        ) as caught:
            run_pipeline(session, Pipeline.parse(text))
        assert caught.value.position == text.index("simplifycfg")
        assert session.alive  # a rejected text runs nothing: the module is as it was
        assert session.history == []


@pytest.mark.slow
def test_the_pass_table_is_what_libllvm_says():
    """Re-derive every level from LLVM's pass trace and parse every parameter option (about 30 s)."""
    done = subprocess.run(
        [sys.executable, "-m", "cgym_ray.llvm.pipelines.derive"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _ir_differences(suite_bitcode, level: str, attributes: tuple[str, ...]) -> list[str]:
    from cgym_ray.llvm.actions import Action
    from cgym_ray.llvm.pipelines.run import pipeline_action

    built_in = Action("built-in", BUILT_IN[level])
    written = pipeline_action(standard_pipeline(level))
    differ = []
    for name, bitcode in sorted(suite_bitcode.items()):
        with CompilerSession(bitcode, name, attributes=attributes) as session:
            other = session.fork()
            session.apply(built_in)
            other.apply(written)
            if session.measure("ir_sha1") != other.measure("ir_sha1"):
                differ.append(name)
            other.close()
    return differ


@pytest.mark.slow
@pytest.mark.parametrize("attributes", [OZ_ATTRIBUTES, ()], ids=["Oz", "O2"])
def test_written_out_o2_gives_identical_ir_on_every_suite_program(suite_bitcode, attributes):
    started = time.perf_counter()
    assert _ir_differences(suite_bitcode, "O2", attributes) == []
    print(f"{len(suite_bitcode)} programs in {time.perf_counter() - started:.0f} s")


# Where written-out O3 equals default<O3>: the inliner's O3 parameters have no text form (see the file's header).
O3_IDENTICAL_ON = [
    "adler_fletcher",
    "astar_grid",
    "binary_search",
    "bloom_bitset",
    "brainfuck",
    "cholesky_cg",
    "crc32",
    "dijkstra",
    "edit_distance",
    "fir_iir",
    "fixed_point_math",
    "game_of_life",
    "lu_solve",
    "lzw",
    "max_flow",
    "mergesort",
    "nbody",
    "quicksort",
    "rbtree",
    "skiplist_trie",
    "sort_zoo",
    "string_search",
    "tiny_lisp",
]


@pytest.mark.slow
def test_written_out_o3_gives_identical_ir_where_the_inliner_agrees(suite_bitcode):
    programs = {name: suite_bitcode[name] for name in O3_IDENTICAL_ON}
    assert _ir_differences(programs, "O3", ()) == []
