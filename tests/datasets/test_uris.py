"""Benchmark URIs, generators and users' own files."""

from __future__ import annotations

import pytest

from cgym_ray.datasets import BenchmarkError, BenchmarkUri, get_benchmark
from cgym_ray.llvm.backend import get_backend


@pytest.mark.parametrize(
    "uri",
    [
        "benchmark://cgym-suite-v0/../etc/passwd",
        "benchmark://cgym-suite-v0/a/b",
        "benchmark://cgym-suite-v0/",
        "benchmark:/cgym-suite-v0/crc32",
        "ftp://cgym-suite-v0/crc32",
        "file://relative/path.c",
        "generator://csmith-v0/-1",
        "generator://csmith-v0/99999999999",
        "benchmark://cgym-suite-v0/no_such_program",
        "benchmark://no-such-dataset/x",
    ],
)
def test_bad_uris_are_refused_with_a_reason(uri):
    with pytest.raises(BenchmarkError) as caught:
        get_benchmark(uri)
    assert str(caught.value)


def test_uri_round_trip():
    for uri in ("benchmark://cgym-suite-v0/crc32", "generator://csmith-v0/7", "file:///tmp/x.c"):
        assert str(BenchmarkUri.parse(uri)) == uri


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_csmith_seed_gives_the_same_runnable_program_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv("CGYM_CACHE_DIR", str(tmp_path))
    first = get_benchmark("generator://csmith-v0/42")
    assert first.runnable
    bitcode = first.bitcode()
    assert get_benchmark("generator://csmith-v0/42").bitcode() == bitcode  # from the cache
    (cached,) = tmp_path.rglob("42.bc")
    cached.unlink()
    assert get_benchmark("generator://csmith-v0/42").bitcode() == bitcode  # rebuilt
    assert get_backend("libllvm").load(bitcode, "csmith").instruction_count() > 100


def test_llvm_stress_seed_gives_a_module():
    benchmark = get_benchmark("generator://llvm-stress-v0/3")
    assert not benchmark.runnable
    module = get_backend("libllvm").load(benchmark.bitcode(), benchmark.uri)
    assert module.instruction_count() > 10 and module.verify() == ""


def test_user_files_c_bc_and_ll(tmp_path):
    source = tmp_path / "mine.c"
    source.write_text('#include <stdio.h>\nint main(void) { printf("%d\\n", 6 * 7); return 0; }\n')
    from_c = get_benchmark(f"file://{source}")
    assert from_c.runnable
    module = get_backend("libllvm").load(from_c.bitcode(), from_c.uri)
    (tmp_path / "mine.bc").write_bytes(module.bitcode())
    (tmp_path / "mine.ll").write_text(module.ir_text())
    for suffix in ("bc", "ll"):
        other = get_benchmark(f"file://{tmp_path}/mine.{suffix}")
        loaded = get_backend("libllvm").load(other.bitcode(), other.uri)
        assert loaded.instruction_count() == module.instruction_count()


def test_user_file_errors(tmp_path):
    with pytest.raises(BenchmarkError, match="no such file"):
        get_benchmark(f"file://{tmp_path}/absent.c")
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(BenchmarkError, match="must end in"):
        get_benchmark(f"file://{tmp_path}/notes.txt")
    broken = tmp_path / "broken.c"
    broken.write_text("int main(void) { return }\n")
    from cgym_ray.errors import ToolchainError

    with pytest.raises(ToolchainError, match="broken.c"):
        get_benchmark(f"file://{broken}").bitcode()
