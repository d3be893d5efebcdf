"""Train/validation/test splits of every finite dataset: deterministic, disjoint, usable in YAML."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cgym_ray.datasets import BenchmarkError, catalogue, get_dataset
from cgym_ray.datasets.splits import SPLITS, assign_splits


def test_splits_partition_the_dataset_80_10_10():
    names = [f"program{i}" for i in range(1000)]
    splits = assign_splits("demo-v0", names)
    counts = {split: sum(1 for s in splits.values() if s == split) for split in SPLITS}
    assert counts == {"train": 800, "validation": 100, "test": 100}


def test_splits_do_not_depend_on_order_or_process():
    names = [f"p{i}" for i in range(50)]
    here = assign_splits("demo-v0", names)
    assert assign_splits("demo-v0", list(reversed(names))) == here
    code = "from cgym_ray.datasets.splits import assign_splits; print(assign_splits('demo-v0', [f'p{i}' for i in range(50)]))"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert eval(other) == here  # a fresh interpreter, another hash seed


def test_small_datasets_have_every_split():
    splits = assign_splits("tiny-v0", ["a", "b", "c"])
    assert sorted(splits.values()) == ["test", "train", "validation"]


def test_catalogued_names_are_split_before_install_as_after(served_bitcode_dataset, datasets_root):
    cbench = get_dataset("cbench-v1")
    assert not cbench.installed
    parts = [set(cbench.benchmark_names(split)) for split in SPLITS]
    assert sum(map(len, parts)) == 23 and set.union(*parts) == set(cbench.benchmark_names())
    assert [len(p) for p in parts] == [19, 2, 2]
    dataset = get_dataset("served-test-v0")
    dataset.require(progress=False)
    assert {split: dataset.benchmark_names(split) for split in SPLITS} == {
        split: [
            n
            for n, s in sorted(
                assign_splits("served-test-v0", ["crc32", "dijkstra", "sha256"]).items()
            )
            if s == split
        ]
        for split in SPLITS
    }


def test_unknown_split_is_refused_without_installing(datasets_root):
    with pytest.raises(BenchmarkError, match="unknown split 'training' of anghabench-v1"):
        get_dataset("anghabench-v1").check_selection("training")
    get_dataset("anghabench-v1").check_selection("train")  # fine, and nothing downloaded
    assert not datasets_root.exists()


def test_every_catalogued_dataset_can_be_named_with_a_split_in_a_job(datasets_root):
    from cgym_ray.jobs.schema import BenchmarksSection

    for entry in catalogue():
        BenchmarksSection.model_validate(
            {"datasets": [f"{entry.name}:train", f"{entry.name}:test"]}
        )
    assert not datasets_root.exists()  # checking a job file installs nothing


def test_a_job_on_a_split_installs_the_dataset_on_first_use(
    served_bitcode_dataset, datasets_root, capsys
):
    from cgym_ray.jobs.schema import BenchmarksSection

    section = BenchmarksSection.model_validate(
        {"datasets": ["served-test-v0:train", "served-test-v0:test"]}
    )
    uris = section.resolve()
    assert "downloading served-test-v0 [" in capsys.readouterr().err
    splits = assign_splits("served-test-v0", ["crc32", "dijkstra", "sha256"])
    expected = [
        f"benchmark://served-test-v0/{n}"
        for split in ("train", "test")
        for n in sorted(splits)
        if splits[n] == split
    ]
    assert uris == expected
