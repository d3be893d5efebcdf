"""The action catalogue: size, names, replay, and every action on every program."""

from __future__ import annotations

import pytest

from cgym_ray.datasets import get_dataset
from cgym_ray.errors import UnknownActionError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.session import CompilerSession

CATALOGUE = get_backend("libllvm").actions


def test_catalogue_is_large_versioned_and_has_macro_actions():
    assert CATALOGUE.version == "libllvm-v4"
    passes = [a for a in CATALOGUE if a.is_pass]
    assert len(passes) >= 100
    assert [a.name for a in CATALOGUE if a.is_macro] == ["O1", "O2", "O3", "Oz"]
    oz = CATALOGUE.lookup("Oz")
    assert oz.pipeline == "default<O2>" and oz.attributes == ("minsize", "optsize")


def test_commandline_round_trip():
    indices = [CATALOGUE.index_of(n) for n in ("sroa", "licm", "O3")]
    text = CATALOGUE.to_commandline(indices)
    assert text == "sroa licm O3"
    assert CATALOGUE.from_commandline(text) == indices
    with pytest.raises(UnknownActionError, match="frobnicate"):
        CATALOGUE.from_commandline("sroa frobnicate")


@pytest.mark.slow  # every action on all 45 programs
@pytest.mark.parametrize("name", get_dataset("cgym-suite-v0").benchmark_names())
def test_every_action_keeps_every_program_valid(name, suite_bitcode):
    with CompilerSession(suite_bitcode[name], name, timeout_s=120) as session:
        results = session.try_actions(list(range(len(CATALOGUE))), observations=("verify",))
    broken = {
        CATALOGUE[i].name: r for i, r in enumerate(results) if r.error or r.observations["verify"]
    }
    assert broken == {}


def test_compilergym_commandlines_are_translated():
    indices = CATALOGUE.from_commandline(
        "opt -mem2reg -functionattrs -simplifycfg input.bc -o output.bc"
    )
    assert [CATALOGUE[i].name for i in indices] == ["mem2reg", "function-attrs", "simplifycfg"]
    with pytest.raises(UnknownActionError, match="constprop"):
        CATALOGUE.from_commandline("opt -constprop input.bc -o output.bc")


def test_size_attributes_marks_every_function_and_runs_no_pass(suite_bitcode):
    """The action -Oz's marks come from: minsize and optsize on each defined function, IR kept."""
    size_attributes = CATALOGUE.index_of("size-attributes")
    assert CATALOGUE[size_attributes].kind == "attributes"
    with CompilerSession(suite_bitcode["crc32"], "crc32") as session:
        before = session.measure("instruction_count", "ir_text")
        result = session.apply(size_attributes)
        after = session.measure("instruction_count", "ir_text")
    assert result.changed  # the marks are part of the state: the fingerprint sees them
    assert after["instruction_count"] == before["instruction_count"]
    defines = [line for line in after["ir_text"].splitlines() if line.startswith("define ")]
    assert defines and "minsize" not in before["ir_text"]
    groups = {
        line.split(" = ")[0]: line
        for line in after["ir_text"].splitlines()
        if line.startswith("attributes #")
    }
    for line in defines:
        group = line.rsplit(" #", 1)[1].split()[0]
        assert (
            "minsize" in groups[f"attributes #{group}"]
            and "optsize" in groups[f"attributes #{group}"]
        )


def test_size_attributes_then_o2_is_oz(suite_bitcode):
    """Oz is exactly the marks followed by default<O2>, so the flat space can rebuild it."""
    counts = []
    for commandline in ("Oz", "size-attributes O2"):
        with CompilerSession(suite_bitcode["sha256"], "sha256") as session:
            for index in CATALOGUE.from_commandline(commandline):
                session.apply(index)
            counts.append(session.measure("ir_text")["ir_text"])
    assert counts[0] == counts[1]
