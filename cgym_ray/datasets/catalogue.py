"""The catalogue: every dataset cgym-ray can install, by name, with where it comes from.

An entry says what a dataset is (name with its version, licence, source page,
benchmark count, download size) and how to install it: its `kind` and its
`install` function. Kinds today:

- `bitcode-archive`: an archive of `.bc` files at a URL with a sha256
  (CompilerGym's published datasets, `cgym_ray/datasets/compilergym.py`);
- `source-archive`: an archive of C/C++ sources at a URL with a sha256, each
  compiled to bitcode on first use (CompilerGym's AnghaBench, CHStone, ...);
- `source-recipe`: sources fetched and built at install time, with run commands
  (pinned public suites: cBench with its inputs, PolyBench, ...);
- `compile-commands`: a user's project imported from its compile_commands.json
  (`cgym-ray datasets import`; not in the catalogue, found on disk once built).

Installing (`cgym_ray/datasets/install.py`) calls `entry.install(context)`,
which fills `context.staging`, an empty private directory:

    staging/bitcode/<benchmark>.bc     one file per benchmark (names may hold "/")
    staging/sources/...                optional: sources compiled on first use
    staging/benchmarks.json            optional: {"<benchmark>": {metadata...}}

The installer then writes `manifest.json` into it and renames the directory
into place in one step, under a file lock: other processes see either no
dataset or all of it, and a failed or interrupted install leaves nothing.

How a recipe-based dataset registers (for the source-built suites):

1. Write a module, e.g. `cgym_ray/datasets/recipes/polybench.py`, with an
   install function and a module-level `ENTRIES` list:

       def install_polybench(context: InstallContext) -> None:
           archive = context.fetch()                 # entry.url, checked against entry.sha256
           ...                                       # or context.source (`install --from PATH`)
           for name, bitcode in build(...):          # fan out over Ray if you like
               context.add_bitcode(name, bitcode)
           context.add_metadata(name, {"run": [...], "inputs": [...], "compare": [...]})

       ENTRIES = [CatalogueEntry(
           name="polybench-v0", kind="source-recipe", install=install_polybench,
           description="...", licence="...", source_url="https://...", url="https://...",
           sha256="...", benchmark_count=30, runnable=True,
           make_benchmark=polybench_benchmark,    # optional: runnable Benchmarks
       )]

2. Add the module's dotted path to `ENTRY_MODULES` below. That is all: the
   entries are then in `cgym-ray datasets list`, installable by name, usable as
   `benchmark://polybench-v0/<name>` and `polybench-v0:train` in every process,
   Ray workers included (the modules are imported there too).

`make_benchmark(dataset, name)` is given the `InstalledDataset` (its directory,
its metadata by benchmark) and returns a `Benchmark`; without one, benchmarks
are bitcode only and not runnable. Splits (`:train`, `:validation`, `:test`)
come from `splits.py` unless an entry's `benchmarks.json` gives each benchmark
a `"split"`.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cgym_ray.datasets.benchmark import BenchmarkError

if TYPE_CHECKING:
    from cgym_ray.datasets.benchmark import Benchmark
    from cgym_ray.datasets.install import InstallContext, InstalledDataset

KINDS = ("bitcode-archive", "source-archive", "source-recipe", "compile-commands")
DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,62}-v[0-9]+$")
ENTRY_MODULES = ("cgym_ray.datasets.compilergym", "cgym_ray.datasets.recipes")


@dataclass(frozen=True)
class CatalogueEntry:
    """One installable dataset: what it is, where it comes from, how to install it."""

    name: str  # with its version: "cbench-v1"
    kind: str  # one of KINDS
    install: Callable[[InstallContext], None] = field(repr=False)
    description: str = ""
    licence: str = ""
    source_url: str = ""  # the project's page or repository
    url: str = ""  # what `install` downloads
    sha256: str = ""  # of the file at `url`
    size_bytes: int | None = None  # of the download
    benchmark_count: int | None = None  # as published
    llvm_version: str = ""  # of the bitcode, if it is bitcode
    runnable: bool = False
    names: tuple[str, ...] = ()  # the benchmarks, where published: listed without installing
    verified: str = ""  # how this entry's URL and hash were checked
    options: dict[str, object] = field(default_factory=dict)  # kind-specific settings
    make_benchmark: Callable[[InstalledDataset, str], Benchmark] | None = field(
        default=None, repr=False
    )

    def __post_init__(self) -> None:
        if not DATASET_NAME.match(self.name):
            raise BenchmarkError(
                f"dataset name {self.name!r}: lower-case letters, digits and _.+- ending in "
                "a version such as -v0"
            )
        if self.kind not in KINDS:
            raise BenchmarkError(
                f"dataset {self.name}: unknown kind {self.kind!r}; use one of {KINDS}"
            )
        if self.sha256 and not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise BenchmarkError(f"dataset {self.name}: sha256 must be 64 hex digits")

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "licence": self.licence,
            "source_url": self.source_url,
            "url": self.url,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "benchmark_count": self.benchmark_count,
            "llvm_version": self.llvm_version,
            "runnable": self.runnable,
            "verified": self.verified,
        }


@functools.cache
def _entries() -> dict[str, CatalogueEntry]:
    entries: dict[str, CatalogueEntry] = {}
    for module_name in ENTRY_MODULES:
        for entry in importlib.import_module(module_name).ENTRIES:
            entries[entry.name] = entry
    return entries


def catalogue() -> list[CatalogueEntry]:
    """Every installable dataset, in name order."""
    return sorted(_entries().values(), key=lambda entry: entry.name)


def find_entry(name: str) -> CatalogueEntry | None:
    return _entries().get(name)


def add_entry(entry: CatalogueEntry) -> None:
    """Add an entry in this process only (tests, a task's own remote dataset).

    Entries that every process must know belong in a module of `ENTRY_MODULES`.
    """
    _entries()[entry.name] = entry
