"""Benchmarks and datasets: the built-in suite, generators, users' files, and the catalogue.

    >>> from cgym_ray.datasets import get_benchmark, require
    >>> get_benchmark("benchmark://cgym-suite-v0/crc32").runnable  # doctest: +SKIP
    True
    >>> require("npb-v0").benchmark_names("train")[:3]      # installs once  # doctest: +SKIP

The catalogue (`catalogue.py`) lists every dataset that can be installed
(CompilerGym's, source-built suites); `install.py` installs them safely,
`splits.py` splits them, `compile_commands.py` imports a user's project.
"""

from __future__ import annotations

import functools

from cgym_ray.datasets.archives import DatasetError, DiskFullError, DownloadError
from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, BenchmarkUri, Dataset
from cgym_ray.datasets.catalogue import CatalogueEntry, catalogue, find_entry
from cgym_ray.datasets.files import FileDataset
from cgym_ray.datasets.generators import CsmithDataset, LlvmStressDataset
from cgym_ray.datasets.install import (
    InstallContext,
    InstalledDataset,
    datasets_dir,
    install,
    installed_names,
    is_installed,
    remove,
    unknown_dataset,
)
from cgym_ray.datasets.suite import SuiteDataset

__all__ = [
    "Benchmark",
    "BenchmarkError",
    "BenchmarkUri",
    "CatalogueEntry",
    "Dataset",
    "DatasetError",
    "Datasets",
    "DiskFullError",
    "DownloadError",
    "InstallContext",
    "InstalledDataset",
    "datasets_dir",
    "get_benchmark",
    "get_dataset",
    "install",
    "list_datasets",
    "register_dataset",
    "remove",
    "require",
]


@functools.cache
def _datasets() -> dict[str, Dataset]:
    datasets: list[Dataset] = [SuiteDataset(), CsmithDataset(), LlvmStressDataset(), FileDataset()]
    datasets += [InstalledDataset(entry.name, entry) for entry in catalogue()]
    return {dataset.name: dataset for dataset in datasets}


def register_dataset(dataset: Dataset) -> None:
    """Make a dataset (your own collection) known by its name in this process."""
    _datasets()[dataset.name] = dataset


def list_datasets() -> list[Dataset]:
    """Built-in datasets, the catalogue (installed or not), and imported projects."""
    known = dict(_datasets())
    for name in installed_names():
        known.setdefault(name, InstalledDataset(name))
    return list(known.values())


def get_dataset(name: str) -> Dataset:
    dataset = _datasets().get(name)
    if dataset is not None:
        return dataset
    entry = find_entry(name)  # added to the catalogue after this process listed it
    if entry is not None:
        register_dataset(InstalledDataset(name, entry))
        return _datasets()[name]
    if is_installed(name):  # an imported project
        register_dataset(InstalledDataset(name))
        return _datasets()[name]
    raise unknown_dataset(name)


def require(name: str, progress: bool = True) -> Dataset:
    """The dataset called `name`, installed first if it is not (CompilerGym's `require_dataset`).

    >>> require("cbench-v1").benchmark_names()[:2]  # doctest: +SKIP
    ['adpcm', 'bitcount']
    """
    dataset = get_dataset(name)
    if isinstance(dataset, InstalledDataset):
        dataset.require(progress=progress)
    return dataset


class Datasets:
    """`env.unwrapped.datasets`: every dataset by name, as CompilerGym's `env.datasets`.

    >>> datasets = Datasets()
    >>> "cgym-suite-v0" in datasets
    True
    """

    def __getitem__(self, name: str) -> Dataset:
        return get_dataset(name.removeprefix("benchmark://").removeprefix("generator://"))

    def __contains__(self, name: object) -> bool:
        try:
            self[str(name)]
        except BenchmarkError:
            return False
        return True

    def __iter__(self):
        return iter(list_datasets())

    def __len__(self) -> int:
        return len(list_datasets())

    def benchmark(self, uri: str) -> Benchmark:
        return get_benchmark(uri)

    def require(self, name: str) -> Dataset:
        return require(name)


def get_benchmark(uri: str) -> Benchmark:
    """The benchmark a URI names (nothing is built or downloaded until its bitcode is asked for)."""
    parsed = BenchmarkUri.parse(uri)
    dataset = get_dataset(parsed.dataset)
    if dataset.scheme != parsed.scheme:
        raise BenchmarkError(f"{uri!r}: dataset {dataset.name} uses {dataset.scheme}://")
    return dataset.benchmark(parsed.name)
