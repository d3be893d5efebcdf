"""A newer schema, a damaged file, a missing manifest or log: a clear error, a repair, no silent loss."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from cgym_ray.store import (
    StoreCorrupted,
    StoreError,
    StoreNotFound,
    StoreVersionError,
    TrajectoryStore,
)

from .conftest import CRC32, DIJKSTRA, record_episode


@pytest.fixture
def filled(store, run_id) -> TrajectoryStore:
    for benchmark in (CRC32, DIJKSTRA):  # two writers: two steps files
        with store.writer(run_id) as writer:
            for seed in range(3):
                record_episode(writer, benchmark, num_steps=5, seed=seed)
    return store


def step_keys(store: TrajectoryStore) -> Counter:
    steps = store.steps(columns=["episode_id", "step"])
    return Counter(zip(steps["episode_id"].to_pylist(), steps["step"].to_pylist(), strict=True))


def committed_steps_files(store):
    return sorted(path for path in store._log.live() if path.startswith("steps/"))


def test_newer_schema_is_refused_with_what_to_do(filled):
    manifest = json.loads((filled.root / "store.json").read_text())
    manifest["schema_version"] = 99
    (filled.root / "store.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreVersionError, match=r"schema version 99.*upgrade cgym-ray"):
        TrajectoryStore.open(filled.root)
    with pytest.raises(StoreVersionError):
        TrajectoryStore.repair(filled.root)  # repair never rewrites a newer store


def test_corrupted_parquet_file_names_the_file_and_the_repair(filled):
    victim = committed_steps_files(filled)[0]
    data = bytearray((filled.root / victim).read_bytes())
    data[len(data) // 2 :] = b"\0" * (len(data) - len(data) // 2)  # footer and half the pages
    (filled.root / victim).write_bytes(bytes(data))

    store = TrajectoryStore.open(filled.root)  # opening only checks that files exist
    with pytest.raises(StoreCorrupted, match=rf"{victim}.*results repair --store"):
        store.steps()
    with pytest.raises(StoreCorrupted, match="results repair"):
        store.query("SELECT count(*) FROM steps")

    report = TrajectoryStore.repair(filled.root)
    [(dropped, why)] = report.dropped
    assert dropped == victim and "15 steps rows" in why and "_quarantine" in why
    assert (filled.root / "_quarantine" / victim).exists()  # kept, not deleted
    assert any(victim in line and "DROPPED" in line for line in report.lines())
    repaired = TrajectoryStore.open(filled.root)
    assert repaired.steps().num_rows == 15 and repaired.episodes().num_rows == 6


def test_missing_manifest_is_rebuilt_without_losing_rows(filled):
    before = step_keys(filled)
    (filled.root / "store.json").unlink()
    with pytest.raises(StoreCorrupted, match=r"no manifest.*results repair --store"):
        TrajectoryStore.open(filled.root)
    report = TrajectoryStore.repair(filled.root)
    assert any("manifest" in line for line in report.lines()) and not report.dropped
    assert step_keys(TrajectoryStore.open(filled.root)) == before


def test_lost_commit_log_is_rebuilt_from_the_files(filled):
    before = step_keys(filled)
    filled.compact()  # a compacted file plus the files written after it
    with filled.writer(filled.runs()["run_id"][0].as_py()) as writer:
        record_episode(writer, num_steps=4, seed=9)
    before = step_keys(TrajectoryStore.open(filled.root))
    shutil.rmtree(filled.root / "_log")
    with pytest.raises(StoreCorrupted, match=r"commit log.*missing.*results repair"):
        TrajectoryStore.open(filled.root)
    report = TrajectoryStore.repair(filled.root)
    assert report.adopted and not report.dropped
    after = step_keys(TrajectoryStore.open(filled.root))
    assert after == before and max(after.values()) == 1


def test_unreadable_log_entry_is_quarantined_and_its_files_recommitted(filled):
    entry = sorted((filled.root / "_log").glob("*.json"))[-1]
    before = step_keys(filled)
    entry.write_text("{ not json")
    with pytest.raises(StoreCorrupted, match=rf"{entry.name}.*results repair"):
        TrajectoryStore.open(filled.root)
    report = TrajectoryStore.repair(filled.root)
    assert (filled.root / "_quarantine" / "_log" / entry.name).exists()
    assert report.adopted and not report.dropped
    assert step_keys(TrajectoryStore.open(filled.root)) == before


def test_missing_committed_file_is_reported_by_open_and_by_repair(filled):
    victim = committed_steps_files(filled)[0]
    (filled.root / victim).unlink()
    with pytest.raises(StoreCorrupted, match=r"missing.*results repair"):
        TrajectoryStore.open(filled.root)
    report = TrajectoryStore.repair(filled.root)
    assert [path for path, _ in report.dropped] == [victim]
    assert "missing from disk; 15 steps rows" in report.dropped[0][1]
    assert TrajectoryStore.open(filled.root).steps().num_rows == 15


def test_unfinished_compaction_output_is_removed_not_double_counted(filled):
    before = step_keys(filled)
    sources = committed_steps_files(filled)
    # A compaction that wrote its output and died before committing it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.concat_tables([pq.read_table(filled.root / path) for path in sources])
    partition = (filled.root / sources[0]).parent
    metadata = {**table.schema.metadata, b"cgym.sources": json.dumps(sources).encode()}
    pq.write_table(table.replace_schema_metadata(metadata), partition / "compact-dead.parquet")
    report = TrajectoryStore.repair(filled.root)
    assert not (partition / "compact-dead.parquet").exists()
    assert not report.adopted and not report.dropped
    assert step_keys(TrajectoryStore.open(filled.root)) == before


def test_open_without_create_and_non_store_directories(tmp_path):
    with pytest.raises(StoreNotFound, match="no trajectory store"):
        TrajectoryStore.open(tmp_path / "nowhere", create=False)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(StoreError, match="not a trajectory store"):
        TrajectoryStore.open(tmp_path / "notes")
