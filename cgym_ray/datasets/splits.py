"""Deterministic train/validation/test splits of a finite dataset.

The benchmarks are ordered by the sha256 of `<dataset>/<benchmark>`; the first
80 % are `train`, the next 10 % `validation`, the rest `test`, with at least one
benchmark in validation and in test once a dataset has three. The split of a
benchmark depends only on the dataset's name and its list of benchmarks (fixed
for a versioned dataset), never on the machine, the order files were found in,
or a random seed: every process and every user gets the same split.

    >>> assign_splits("demo-v0", ["a", "b", "c", "d"])["a"] in SPLITS
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SPLITS = ("train", "validation", "test")
FRACTIONS = {"validation": 0.1, "test": 0.1}


def _key(dataset: str, name: str) -> str:
    return hashlib.sha256(f"{dataset}/{name}".encode()).hexdigest()


def assign_splits(dataset: str, names: Iterable[str]) -> dict[str, str]:
    """The split of every benchmark, by name."""
    ordered = sorted(set(names), key=lambda name: _key(dataset, name))
    count = len(ordered)
    held_out = {
        split: max(1, round(fraction * count)) if count >= 3 else 0
        for split, fraction in FRACTIONS.items()
    }
    train_end = count - held_out["validation"] - held_out["test"]
    validation_end = train_end + held_out["validation"]
    splits = {}
    for index, name in enumerate(ordered):
        splits[name] = (
            "train" if index < train_end else "validation" if index < validation_end else "test"
        )
    return splits
