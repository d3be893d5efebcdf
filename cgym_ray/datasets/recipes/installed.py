"""Benchmarks of an installed source-built dataset: bitcode, input files, and how to run and check them.

Besides the catalogue's layout (`datasets/install.py`), a source recipe installs

    inputs/<program>/      files copied into the program's working directory for each run
    recipe-build.json      sources, commits, licences, clang version, build time

and the manifest holds, per program, its run command, what is compared and
the reference run's exit status and output hashes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cgym_ray.datasets.benchmark import Benchmark
from cgym_ray.datasets.recipes.builder import run_spec

if TYPE_CHECKING:
    from cgym_ray.datasets.install import InstalledDataset


def recipe_benchmark(dataset: InstalledDataset, name: str) -> Benchmark:
    """A runnable benchmark: its RunSpec copies its inputs in and compares what its recipe says."""
    facts = dataset.metadata(name)
    path = dataset.directory / "bitcode" / f"{name}.bc"
    return Benchmark(
        uri=dataset.uri(name),
        load_bitcode=path.read_bytes,
        runnable=True,
        link_flags=tuple(facts["link_flags"]),
        run_spec=run_spec(facts["run"], dataset.directory / "inputs" / name),
        metadata={"dataset": dataset.name, **facts},
    )
