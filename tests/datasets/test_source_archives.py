"""Source archives (AnghaBench, CHStone, POJ-104 ...): unpacked at install, compiled on first use."""

from __future__ import annotations

import pytest

from cgym_ray.datasets import BenchmarkError, get_benchmark, get_dataset, install
from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
from cgym_ray.datasets.compilergym import (
    POJ104_PRELUDE,
    compiled_on_first_use,
    install_source_archive,
)

from .conftest import make_archive

FUNCTION = b"int square(int x) { return x * x; }\n"
BROKEN = b"int broken(void) { return undeclared; }\n"


def _entry(name: str, url: str, sha256: str, **options) -> CatalogueEntry:
    entry = CatalogueEntry(
        name=name,
        kind="source-archive",
        install=install_source_archive,
        url=url,
        sha256=sha256,
        options=options,
        make_benchmark=compiled_on_first_use,
    )
    add_entry(entry)
    return entry


def test_c_sources_are_compiled_once_on_first_use(http_root, datasets_root):
    served, base = http_root
    sha256 = make_archive(
        served / "angha.tar.gz",
        {
            "Angha-abc/lib/extr_a.c_square.c": FUNCTION,
            "Angha-abc/lib/extr_b.c_broken.c": BROKEN,
            "Angha-abc/README.md": b"not a source",
        },
        mode="w:gz",
    )
    _entry("angha-test-v1", f"{base}/angha.tar.gz", sha256, suffix=".c", strip_prefix="Angha-abc")
    dataset = install("angha-test-v1", progress=False)
    assert dataset.benchmark_names() == ["lib/extr_a.c_square", "lib/extr_b.c_broken"]
    assert not (dataset.directory / "bitcode").exists()  # nothing compiled yet
    benchmark = get_benchmark("benchmark://angha-test-v1/lib/extr_a.c_square")
    assert benchmark.bitcode().startswith(b"BC\xc0\xde")
    assert (dataset.directory / "bitcode" / "lib" / "extr_a.c_square.bc").is_file()  # cached
    with pytest.raises(
        BenchmarkError, match=r"extr_b.c_broken.c of angha-test-v1 does not compile:\n.*undeclared"
    ):
        get_benchmark("benchmark://angha-test-v1/lib/extr_b.c_broken").bitcode()
    assert not (dataset.directory / "bitcode" / "lib" / "extr_b.c_broken.bc").exists()


def test_named_sources_are_the_only_benchmarks(tmp_path, datasets_root):
    archive = tmp_path / "chstone.tar.gz"
    sha256 = make_archive(
        archive,
        {
            "CHStone/adpcm/adpcm.c": b"int main(void) { return 0; }\n",
            "CHStone/blowfish/bf.c": b'#include "bf_locl.h"\nint main(void) { return LOCAL; }\n',
            "CHStone/blowfish/bf_locl.h": b"#define LOCAL 0\n",
            "CHStone/blowfish/bf_enc.c": FUNCTION,
        },
        mode="w:gz",
    )
    _entry(
        "chstone-test-v0",
        archive.as_uri(),
        sha256,
        suffix=".c",
        strip_prefix="CHStone",
        sources={"adpcm": "adpcm/adpcm.c", "blowfish": "blowfish/bf.c"},
    )
    dataset = install("chstone-test-v0", progress=False)
    assert dataset.benchmark_names() == ["adpcm", "blowfish"]
    assert dataset.benchmark("blowfish").bitcode().startswith(b"BC\xc0\xde")  # found its header
    assert get_dataset("chstone-test-v0").metadata("blowfish")["source"] == "blowfish/bf.c"


def test_a_named_source_missing_from_the_archive_is_refused(tmp_path, datasets_root):
    archive = tmp_path / "chstone.tar.gz"
    sha256 = make_archive(archive, {"CHStone/adpcm/adpcm.c": FUNCTION}, mode="w:gz")
    _entry(
        "chstone-short-v0",
        archive.as_uri(),
        sha256,
        suffix=".c",
        strip_prefix="CHStone",
        sources={"adpcm": "adpcm/adpcm.c", "sha": "sha/sha_driver.c"},
    )
    from cgym_ray.datasets import DatasetError

    with pytest.raises(
        DatasetError, match="chstone-short-v0: the archive lacks the sources of sha"
    ):
        install("chstone-short-v0", progress=False)
    assert not (datasets_root / "chstone-short-v0").exists()


@pytest.mark.slow  # <bits/stdc++.h> takes clang about ten seconds here
def test_cxx_solutions_get_compilergym_s_prelude(tmp_path, datasets_root):
    archive = tmp_path / "poj.tar.gz"
    solution = b"void main() { vector<int> v(3); cout << v.size() << endl; }\n"
    sha256 = make_archive(archive, {"ProgramData/1/1000.txt": solution}, mode="w:gz")
    _entry(
        "poj-test-v1",
        archive.as_uri(),
        sha256,
        suffix=".txt",
        strip_prefix="ProgramData",
        prelude=POJ104_PRELUDE,
        flags=["-xc++", "-std=c++11"],
    )
    install("poj-test-v1", progress=False)
    assert get_benchmark("benchmark://poj-test-v1/1/1000").bitcode().startswith(b"BC\xc0\xde")


def test_opencl_kernels_compile_for_the_host_and_step_in_an_env(tmp_path, datasets_root):
    import gymnasium as gym

    kernel = b"__kernel void A(__global float* a, __global float* b, const int c) {\n"
    kernel += b"  int d = get_global_id(0);\n  if (d < c) a[d] = a[d] * b[d];\n}\n"
    archive = tmp_path / "clgen.tar.bz2"
    sha256 = make_archive(archive, {"clgen-1000/kernels/abc.cl": kernel})
    # clgen-v0 adds CompilerGym's libclc and opencl.h; clang's own OpenCL header stands in here.
    _entry(
        "clgen-test-v0",
        archive.as_uri(),
        sha256,
        suffix=".cl",
        strip_prefix="clgen-1000/kernels",
        flags=["-xcl", "-Xclang", "-finclude-default-header"],
    )
    install("clgen-test-v0", progress=False)
    env = gym.make("llvm-ic-v0", benchmark="benchmark://clgen-test-v0/abc")
    try:
        env.reset()
        _, reward, terminated, _, _ = env.step(env.unwrapped.action_space.names.index("mem2reg"))
        assert not terminated and reward > 0
    finally:
        env.close()
