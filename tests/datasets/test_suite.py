"""The built-in suite: shipped bitcode, manifest, splits, and programs free of UB."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

import pytest

from cgym_ray.datasets import get_benchmark, get_dataset
from cgym_ray.datasets.build_suite import check as check_shipped_bitcode
from cgym_ray.datasets.suite import SOURCE_DIR, SPLITS, load_manifest
from cgym_ray.datasets.toolchain import clang, link_executable, run_program
from cgym_ray.llvm.backend import get_backend

SUITE = get_dataset("cgym-suite-v0")
NAMES = SUITE.benchmark_names()


def test_suite_has_enough_programs_in_every_category():
    manifest = load_manifest()
    assert len(manifest["benchmarks"]) >= 40
    categories = {entry["category"] for entry in manifest["benchmarks"]}
    assert len(categories) >= 10


def test_every_source_is_in_the_manifest_and_a_split():
    sources = {path.stem for path in SOURCE_DIR.glob("*.c")}
    assert sources == set(NAMES)
    counts = {split: len(SUITE.benchmark_names(split)) for split in SPLITS}
    assert all(counts.values()) and sum(counts.values()) == len(NAMES)


def test_at_least_five_programs_are_large(suite_bitcode):
    backend = get_backend("libllvm")
    large = [n for n, bc in suite_bitcode.items() if backend.load(bc, n).instruction_count() > 5000]
    assert len(large) >= 5, large


@pytest.mark.slow  # rebuilds all 45 programs
def test_shipped_bitcode_matches_the_sources():
    assert check_shipped_bitcode() == []


@pytest.mark.slow  # all 45 programs, compiled and run
@pytest.mark.parametrize("name", NAMES)
def test_program_prints_its_recorded_output(name, tmp_path):
    benchmark = get_benchmark(f"benchmark://cgym-suite-v0/{name}")
    module = get_backend("libllvm").load(benchmark.bitcode(), name)
    run = run_program(link_executable(module.object_file(), tmp_path / name))
    assert run.returncode == 0
    assert hashlib.sha256(run.stdout).hexdigest() == benchmark.metadata["stdout_sha256"]
    assert b"checksum" in run.stdout.lower()


@pytest.mark.slow  # UBSan and ASan builds of all 45 programs
@pytest.mark.parametrize("name", NAMES)
def test_program_is_clean_under_ubsan_and_asan(name):
    with tempfile.TemporaryDirectory() as scratch:
        executable = Path(scratch) / name
        subprocess.run(
            [
                clang(),
                "-std=c11",
                "-g",
                "-O1",
                "-fsanitize=address,undefined",
                "-fno-sanitize-recover=all",
                str(SOURCE_DIR / f"{name}.c"),
                "-lm",
                "-o",
                str(executable),
            ],
            check=True,
            capture_output=True,
        )
        result = subprocess.run([str(executable)], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert result.stderr == b""
