"""The libllvm-v4 pass list and CompilerGym's flags.

test_catalogue.py runs every action on every fresh program; here: how each
action is written (adaptors), the CompilerGym mapping, and actions on modules
that other passes have already changed, where the passes this catalogue drops
were found to crash or hang.
"""

from __future__ import annotations

import random

import pytest

from cgym_ray.errors import UnknownActionError
from cgym_ray.llvm.actions import ActionCatalogue
from cgym_ray.llvm.libllvm.compilergym_flags import (
    COMPILERGYM_FLAGS,
    GONE_REASONS,
    translate_compilergym_flag,
)
from cgym_ray.llvm.libllvm.passes import PASSES, catalogue_for

CATALOGUE = catalogue_for(23)
SMALL_PROGRAMS = ("crc32", "dijkstra", "sha256")
# What a program looks like once the usual first passes have run.
PREPARED = ("sroa", "instcombine", "inline")

# LLVM 23's loop and loop-nest passes (`opt -print-passes`): each needs a loop
# adaptor, and licm/lnicm one with MemorySSA (LLVM aborts without it).
LOOP_PASSES = {
    "canon-freeze",
    "guard-widening",
    "indvars",
    "licm",
    "lnicm",
    "loop-deletion",
    "loop-flatten",
    "loop-idiom",
    "loop-instsimplify",
    "loop-interchange",
    "loop-predication",
    "loop-reduce",
    "loop-rotate",
    "loop-simplifycfg",
    "loop-term-fold",
    "loop-unroll-and-jam",
    "loop-unroll-full",
    "loop-versioning-licm",
    "simple-loop-unswitch",
}
NEEDS_MEMORYSSA = {"licm", "lnicm"}
# Passes tried and dropped (see passes.py), and excluded kinds that must stay out.
NOT_IN_CATALOGUE = {
    "attributor",
    "attributor-cgscc",
    "loop-bound-split",
    "lnicm",
    "iroutliner",
    "asan",
    "msan",
    "tsan",
    "insert-gcov-profiling",
    "pgo-instr-gen",
    "debugify",
    "codegenprepare",
    "internalize",
    "structurizecfg",
    "verify",
    "print",
}


def test_catalogue_layout():
    assert isinstance(CATALOGUE, ActionCatalogue)
    assert (CATALOGUE.version, CATALOGUE.backend) == ("libllvm-v4", "libllvm")
    assert len(PASSES) >= 130
    assert list(CATALOGUE[: len(PASSES)]) == list(PASSES)
    # libllvm-v2 ended at the macros; v3 and v4 only append, so older indices keep their meaning.
    assert [a.name for a in CATALOGUE[len(PASSES) :]] == [
        *("O1", "O2", "O3", "Oz"),
        *("size-attributes", "drop-size-attributes"),
    ]
    assert CATALOGUE.replays == ("libllvm-v4", "libllvm-v3", "libllvm-v2")
    assert not any(a.is_macro for a in PASSES)
    assert not NOT_IN_CATALOGUE & set(CATALOGUE.names)


def test_every_pass_has_an_explicit_adaptor_and_a_description():
    for action in PASSES:
        pipeline = action.pipeline
        assert "," not in pipeline.replace(";", ""), action.name  # one pass per action
        assert pipeline.count("(") == pipeline.count(")"), action.name
        adaptors, _, inner = pipeline.rstrip(")").rpartition("(")
        inner = inner.split("<")[0]
        is_loop_adaptor = adaptors in ("function(loop", "function(loop-mssa")
        # guard-widening is registered both as a function and as a loop pass.
        expect_loop = inner in LOOP_PASSES and action.name != "guard-widening"
        assert is_loop_adaptor == expect_loop, action.name
        if inner in NEEDS_MEMORYSSA:
            assert adaptors == "function(loop-mssa", action.name
        assert action.description and "\n" not in action.description, action.name
        assert len(action.description) <= 80, action.name


def test_pinned_pipelines():
    assert CATALOGUE.lookup("instcombine").pipeline == "function(instcombine<no-verify-fixpoint>)"
    assert CATALOGUE.lookup("licm").pipeline == "function(loop-mssa(licm))"
    assert CATALOGUE.lookup("loop-rotate").pipeline == "function(loop(loop-rotate))"
    assert CATALOGUE.lookup("inline").pipeline == "cgscc(inline)"
    assert CATALOGUE.lookup("sroa").pipeline == "function(sroa<modify-cfg>)"
    assert CATALOGUE.lookup("loop-unroll-O3").pipeline == "function(loop-unroll<O3>)"
    assert CATALOGUE.lookup("globalopt").pipeline == "globalopt"


def test_compilergym_flags():
    assert len(COMPILERGYM_FLAGS) == 124
    mapped = [name for name in COMPILERGYM_FLAGS.values() if name is not None]
    gone = {flag for flag, name in COMPILERGYM_FLAGS.items() if name is None}
    assert set(GONE_REASONS) == gone
    assert all(GONE_REASONS[flag] for flag in gone)
    # The catalogue starts with CompilerGym's surviving passes, in its order,
    # then the newer passes alphabetically.
    assert CATALOGUE.names[: len(mapped)] == mapped
    newer = [a.name for a in PASSES[len(mapped) :]]
    assert newer == sorted(newer)
    assert translate_compilergym_flag("-functionattrs") == "function-attrs"
    assert translate_compilergym_flag("lowerswitch") == "lower-switch"


@pytest.mark.parametrize("flag", ["-prune-eh", "-constprop", "-sancov", "-attributor"])
def test_gone_flags_say_why(flag):
    with pytest.raises(UnknownActionError, match=flag):
        translate_compilergym_flag(flag)


def test_unknown_flag():
    with pytest.raises(UnknownActionError, match="not one of CompilerGym"):
        translate_compilergym_flag("-frobnicate")


def _session(bitcode: bytes, name: str):
    from cgym_ray.llvm.session import CompilerSession

    return CompilerSession(bitcode, name, timeout_s=30)


@pytest.mark.parametrize("name", SMALL_PROGRAMS)
def test_every_pass_on_a_prepared_program(name, suite_bitcode):
    with _session(suite_bitcode[name], name) as session:
        session.apply_many(PREPARED)
        results = session.try_actions([a.name for a in PASSES], observations=("verify",))
    broken = {
        PASSES[i].name: r for i, r in enumerate(results) if r.error or r.observations["verify"]
    }
    assert broken == {}


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_random_sequences_keep_the_module_valid(seed, suite_bitcode):
    rng = random.Random(seed)
    name = rng.choice(SMALL_PROGRAMS)
    sequence = [rng.choice(PASSES).name for _ in range(30)]
    with _session(suite_bitcode[name], name) as session:
        for action in sequence:
            step = session.apply(action, observations=("verify",))
            assert step.observations["verify"] == "", (name, session.history)
