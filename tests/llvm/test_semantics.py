"""Semantic validation runs the optimized program and catches a changed behaviour."""

from __future__ import annotations

import pytest

from cgym_ray.datasets import get_benchmark
from cgym_ray.errors import MiscompileError
from cgym_ray.llvm.semantics import check_behaviour
from cgym_ray.llvm.session import CompilerSession


@pytest.mark.parametrize("name", ["crc32", "sha256", "dijkstra"])
def test_o3_and_oz_keep_behaviour(name):
    benchmark = get_benchmark(f"benchmark://cgym-suite-v0/{name}")
    for action in ("O3", "Oz"):
        with CompilerSession(benchmark.bitcode(), benchmark.uri) as session:
            session.apply(action)
            check = check_behaviour(benchmark, session.measure("object_file")["object_file"])
        assert check.ok, check.reason
        check.raise_for_failure()


def test_a_different_program_is_reported_as_a_miscompile():
    crc32 = get_benchmark("benchmark://cgym-suite-v0/crc32")
    sha256 = get_benchmark("benchmark://cgym-suite-v0/sha256")
    with CompilerSession(sha256.bitcode(), sha256.uri) as session:
        wrong_object = session.measure("object_file")["object_file"]
    check = check_behaviour(crc32, wrong_object)
    assert not check.ok and "output differs" in check.reason
    with pytest.raises(MiscompileError, match="crc32"):
        check.raise_for_failure()


def test_csmith_program_keeps_behaviour_at_o3():
    benchmark = get_benchmark("generator://csmith-v0/1")
    with CompilerSession(benchmark.bitcode(), benchmark.uri) as session:
        session.apply("O3")
        assert check_behaviour(benchmark, session.measure("object_file")["object_file"]).ok
