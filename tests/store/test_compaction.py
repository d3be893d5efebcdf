"""Compaction: fewer files, the same rows exactly once, safe while writers write."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter

import pytest

from cgym_ray.store import StoreError, TrajectoryStore
from cgym_ray.store.leases import COMPACT_LOCK, CompactionLock, host_id

from .conftest import CRC32, DIJKSTRA, record_episode


def keys(store: TrajectoryStore) -> Counter:
    steps = store.steps(columns=["episode_id", "step"])
    return Counter(zip(steps["episode_id"].to_pylist(), steps["step"].to_pylist(), strict=True))


def visible_files(store: TrajectoryStore, table: str) -> list:
    return sorted((store.root / table).glob("run_id=*/*.parquet"))


def test_compaction_merges_small_files_and_keeps_every_row_once(store, run_id):
    writer = store.writer(run_id)
    for seed in range(12):
        record_episode(writer, CRC32 if seed % 2 else DIJKSTRA, num_steps=5, seed=seed)
        writer.flush()
    writer.close()
    before = keys(store)
    assert len(visible_files(store, "steps")) == 12

    report = store.compact()
    assert (report.files_before, report.files_after) == (24, 2)  # steps and episodes
    assert len(visible_files(store, "steps")) == 1 == len(visible_files(store, "episodes"))
    assert keys(store) == before and max(keys(store).values()) == 1
    assert len(list((store.root / "_log").glob("*.json"))) == 1  # folded into a checkpoint
    benchmarks = store.steps(columns=["benchmark"])["benchmark"].to_pylist()
    assert benchmarks == sorted(benchmarks)  # sorted for row-group pruning
    assert TrajectoryStore.open(store.root).steps().num_rows == 60


def test_writers_keep_writing_while_compaction_runs(store, run_id):
    writer = store.writer(run_id, batch_rows=10, flush_interval_s=0.01)
    stop = threading.Event()

    def record() -> None:
        seed = 0
        while not stop.is_set() or seed < 20:
            record_episode(writer, num_steps=5, seed=seed, episode_id=f"e{seed}")
            seed += 1

    thread = threading.Thread(target=record)
    thread.start()
    try:
        for _ in range(3):
            store.compact()
    finally:
        stop.set()
        thread.join()
        writer.close()
    counted = keys(store)
    assert max(counted.values()) == 1
    assert len(counted) == 5 * len(store.episodes())


def test_only_one_compaction_at_a_time_and_a_dead_holder_is_taken_over(store, run_id):
    with CompactionLock(store.root):
        with pytest.raises(StoreError, match="another compaction"):
            store.compact()
    dead_pid = 2**22 + 12345  # above the default pid_max: no such process
    lock = {"writer_id": "compaction", "run_id": "", "pid": dead_pid, "host": host_id()}
    (store.root / COMPACT_LOCK).write_text(json.dumps(lock))
    store.compact()
    assert not (store.root / COMPACT_LOCK).exists()


def test_compacting_one_run_leaves_the_others(store, run_id):
    other = store.begin_run(name="other")
    for run in (run_id, other):
        for seed in range(3):
            with store.writer(run) as writer:
                record_episode(writer, num_steps=3, seed=seed)
    store.compact(run_id)
    partition = store.root / "steps" / f"run_id={other}"
    assert len(os.listdir(partition)) == 3
    assert len(os.listdir(store.root / "steps" / f"run_id={run_id}")) == 1


def test_open_folds_a_long_commit_log(store, run_id, monkeypatch):
    import cgym_ray.store.store as store_module

    monkeypatch.setattr(store_module, "CHECKPOINT_AFTER_ENTRIES", 5)
    writer = store.writer(run_id)
    for seed in range(8):
        record_episode(writer, num_steps=2, seed=seed)
        writer.flush()
    writer.close()
    before = keys(store)
    reopened = TrajectoryStore.open(store.root)
    assert len(list((store.root / "_log").glob("*.json"))) == 1
    assert keys(reopened) == before
