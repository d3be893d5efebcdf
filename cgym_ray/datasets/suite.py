"""The built-in suite `cgym-suite-v0`: C programs written for this project.

Sources are in `suite/src/`, the bitcode built from them in `suite/bitcode/`
(shipped, so using the suite needs no clang), and `suite/manifest.json`
records for each program its category, split, line count, the hashes of its
source and bitcode, and the output it prints. `scripts/build_benchmarks`
rebuilds the bitcode and the manifest; `suite/splits.json` fixes the
train/validation/test split.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset

SUITE_DIR = Path(__file__).with_name("suite")
SOURCE_DIR = SUITE_DIR / "src"
BITCODE_DIR = SUITE_DIR / "bitcode"
MANIFEST_PATH = SUITE_DIR / "manifest.json"
SPLITS_PATH = SUITE_DIR / "splits.json"
SPLITS = ("train", "validation", "test")


@functools.cache
def load_manifest() -> dict:
    if not MANIFEST_PATH.exists():
        raise BenchmarkError(
            f"the suite manifest {MANIFEST_PATH} is missing; run scripts/build_benchmarks"
        )
    return json.loads(MANIFEST_PATH.read_text())


class SuiteDataset(Dataset):
    name = "cgym-suite-v0"
    scheme = "benchmark"
    runnable = True
    description = (
        "C programs written for cgym-ray: hashing, crypto, compression, sorting, graphs, "
        "numeric and linear-algebra kernels, signal and image processing, parsers, "
        "interpreters, data structures, strings and simulation. Each prints a checksum."
    )

    @property
    def entries(self) -> dict[str, dict]:
        return {entry["name"]: entry for entry in load_manifest()["benchmarks"]}

    def benchmark(self, name: str) -> Benchmark:
        entry = self.entries.get(name)
        if entry is None:
            raise BenchmarkError(
                f"no benchmark {name!r} in {self.name}; `cgym-ray datasets show {self.name}` "
                "lists them"
            )
        path = BITCODE_DIR / f"{name}.bc"
        return Benchmark(
            uri=self.uri(name),
            load_bitcode=path.read_bytes,
            runnable=True,
            source=SOURCE_DIR / f"{name}.c",
            metadata=dict(entry),
        )

    def benchmark_names(self, split: str | None = None) -> list[str]:
        if split is not None and split not in SPLITS:
            raise BenchmarkError(f"unknown split {split!r} of {self.name}; use one of {SPLITS}")
        return [name for name, entry in self.entries.items() if split in (None, entry["split"])]

    @property
    def size(self) -> int:
        return len(self.entries)

    def describe(self) -> dict[str, object]:
        description = super().describe()
        description["splits"] = {split: len(self.benchmark_names(split)) for split in SPLITS}
        return description
