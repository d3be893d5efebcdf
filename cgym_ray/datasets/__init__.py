"""Benchmarks: the built-in suite, generators and users' files, addressed by URI.

    >>> from cgym_ray.datasets import get_benchmark
    >>> get_benchmark("benchmark://cgym-suite-v0/crc32").runnable  # doctest: +SKIP
    True
"""

from __future__ import annotations

import functools

from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, BenchmarkUri, Dataset
from cgym_ray.datasets.files import FileDataset
from cgym_ray.datasets.generators import CsmithDataset, LlvmStressDataset
from cgym_ray.datasets.suite import SuiteDataset

__all__ = [
    "Benchmark",
    "BenchmarkError",
    "BenchmarkUri",
    "Dataset",
    "get_benchmark",
    "get_dataset",
    "list_datasets",
    "register_dataset",
]


@functools.cache
def _datasets() -> dict[str, Dataset]:
    datasets: list[Dataset] = [SuiteDataset(), CsmithDataset(), LlvmStressDataset(), FileDataset()]
    return {dataset.name: dataset for dataset in datasets}


def register_dataset(dataset: Dataset) -> None:
    """Make a dataset (a remote archive, your own collection) known by its name in this process."""
    _datasets()[dataset.name] = dataset


def list_datasets() -> list[Dataset]:
    return list(_datasets().values())


def get_dataset(name: str) -> Dataset:
    try:
        return _datasets()[name]
    except KeyError:
        raise BenchmarkError(
            f"unknown dataset {name!r}; known: {', '.join(_datasets())}"
        ) from None


def get_benchmark(uri: str) -> Benchmark:
    """The benchmark a URI names (nothing is built until its bitcode is asked for)."""
    parsed = BenchmarkUri.parse(uri)
    dataset = get_dataset(parsed.dataset)
    if dataset.scheme != parsed.scheme:
        raise BenchmarkError(f"{uri!r}: dataset {dataset.name} uses {dataset.scheme}://")
    return dataset.benchmark(parsed.name)
