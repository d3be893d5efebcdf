"""InstCount and Autophase on a module whose features were counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.features import AUTOPHASE_NAMES, INSTCOUNT_NAMES

FIXTURE = Path(__file__).with_name("feature_fixture.ll").read_bytes()

EXPECTED_INSTCOUNT = {
    "TotalInsts": 10,
    "TotalBlocks": 5,
    "TotalFuncs": 1,
    "RetCount": 2,
    "BrCount": 2,
    "SwitchCount": 1,
    "AddCount": 1,
    "TruncCount": 1,
    "ZExtCount": 1,
    "PHICount": 1,
    "CallCount": 1,
}

EXPECTED_AUTOPHASE = {
    "TotalFuncs": 2,
    "TotalBlocks": 5,
    "TotalInsts": 10,
    "NumEdges": 6,
    "oneSuccessor": 1,
    "twoSuccessor": 1,
    "onePred": 2,
    "twoPred": 2,
    "onePredOneSuc": 1,
    "CriticalCount": 3,
    "BranchCount": 2,
    "UncondBranches": 1,
    "BB03Phi": 1,
    "BBNoPhi": 4,
    "BeginPhi": 1,
    "ArgsPhi": 2,
    "BBNumArgsLo": 1,
    "returnInt": 1,
    "const32Bit": 5,
    "numConstZeroes": 1,
    "numConstOnes": 3,
    "binaryConstArg": 1,
    "NumAddInst": 1,
    "NumBrInst": 2,
    "NumCallInst": 1,
    "NumPHIInst": 1,
    "NumRetInst": 2,
    "NumTruncInst": 1,
    "NumZExtInst": 1,
    "TotalMemInst": 1,
    "testUnary": 2,
    "BlockLow": 5,
}


def backends() -> list[str]:
    return ["libllvm", "llvmlite"]


@pytest.mark.parametrize("backend", backends())
def test_instcount_matches_hand_count(backend):
    module = get_backend(backend).load(FIXTURE, "feature_fixture.ll")
    got = dict(zip(INSTCOUNT_NAMES, module.inst_count(), strict=True))
    expected = {name: EXPECTED_INSTCOUNT.get(name, 0) for name in INSTCOUNT_NAMES}
    assert got == expected
    assert module.instruction_count() == 10


@pytest.mark.parametrize("backend", backends())
def test_autophase_matches_hand_count(backend):
    module = get_backend(backend).load(FIXTURE, "feature_fixture.ll")
    got = dict(zip(AUTOPHASE_NAMES, module.autophase(), strict=True))
    expected = {name: EXPECTED_AUTOPHASE.get(name, 0) for name in AUTOPHASE_NAMES}
    assert got == expected


@pytest.mark.slow  # all 45 programs
def test_backends_agree_on_every_builtin_program(suite_bitcode):
    libllvm, llvmlite = get_backend("libllvm"), get_backend("llvmlite")
    for name, bitcode in suite_bitcode.items():
        a, b = libllvm.load(bitcode, name), llvmlite.load(bitcode, name)
        assert a.inst_count() == b.inst_count(), name
        assert a.autophase() == b.autophase(), name


def test_features_agree_after_optimization(suite_bitcode):
    """PHIs, selects and switches appear only after passes: compare on optimized IR too."""
    libllvm, llvmlite = get_backend("libllvm"), get_backend("llvmlite")
    for name in ("crc32", "stack_vm", "dijkstra", "json_parser"):
        optimized = llvmlite.load(suite_bitcode[name], name)
        optimized.run_pipeline("default<O2>")
        # libLLVM 23 reads llvmlite's LLVM 22 bitcode.
        a = libllvm.load(optimized.bitcode(), name)
        assert a.autophase() == optimized.autophase(), name
        assert a.inst_count() == optimized.inst_count(), name
