"""Writing: batched, in the background, visible only once committed, loud on bad data."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time

import pytest

from cgym_ray.store import StepRecord, StoreWriteError, TrajectoryStore, UnknownRun

from .conftest import CRC32, DIJKSTRA, record_episode


def test_close_commits_every_step_and_episode(store, run_id):
    writer = store.writer(run_id)
    ids = [record_episode(writer, CRC32, num_steps=7, seed=i) for i in range(5)]
    assert store.steps().num_rows == 0  # nothing committed before a flush
    writer.close()
    steps = store.steps(run_id=run_id)
    assert steps.num_rows == 35
    assert set(steps["episode_id"].to_pylist()) == set(ids)
    episodes = store.episodes(run_id=run_id).to_pylist()
    assert {e["episode_id"] for e in episodes} == set(ids)
    assert all(e["run_id"] == run_id and e["package_version"] for e in episodes)
    assert all(e["started_at"] is not None for e in episodes)


def test_background_thread_flushes_after_the_interval(store, run_id):
    writer = store.writer(run_id, flush_interval_s=0.2)
    record_episode(writer, num_steps=3)
    deadline = time.monotonic() + 5
    while store.steps().num_rows < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.steps().num_rows == 3
    assert writer.stats["commits"] == 1
    writer.close()


def test_a_full_batch_is_written_without_waiting_for_the_interval(store, run_id):
    writer = store.writer(run_id, batch_rows=50, flush_interval_s=3600)
    for seed in range(10):
        record_episode(writer, num_steps=10, seed=seed)
    deadline = time.monotonic() + 5
    while writer.stats["steps_committed"] < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer.stats["steps_committed"] >= 50
    writer.close()
    assert store.steps().num_rows == 100


def test_flush_returns_once_rows_are_readable(store, run_id):
    with store.writer(run_id, flush_interval_s=3600) as writer:
        record_episode(writer, num_steps=4)
        writer.flush()
        assert store.steps().num_rows == 4 and store.episodes().num_rows == 1


def test_interpreter_exit_flushes_an_unclosed_writer(store, run_id):
    script = (
        "from cgym_ray.store import TrajectoryStore\n"
        "from tests.store.conftest import record_episode\n"
        f"store = TrajectoryStore.open({str(store.root)!r})\n"
        f"writer = store.writer({run_id!r}, flush_interval_s=3600)\n"
        "record_episode(writer, num_steps=6)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert store.steps(run_id=run_id).num_rows == 6
    assert store.open_writers() == []  # the lease was withdrawn


def test_record_that_does_not_fit_the_schema_is_reported_not_hidden(store, run_id):
    writer = store.writer(run_id, flush_interval_s=3600)
    record_episode(writer, num_steps=3)
    writer.add_step(
        StepRecord("bad", 0, CRC32, 1, "x", "not a number", 0.0, 1, 0.0)  # type: ignore[arg-type]
    )
    with pytest.raises(StoreWriteError, match="1 record.*not a number"):
        writer.flush()
    writer.close()
    assert store.steps().num_rows == 3  # the good rows are kept


def test_closed_writer_refuses_more_rows(store, run_id):
    writer = store.writer(run_id)
    writer.close()
    with pytest.raises(StoreWriteError, match="closed"):
        record_episode(writer)


def test_writer_needs_a_described_run(store):
    with pytest.raises(UnknownRun, match="begin_run"):
        store.writer("no-such-run")


def test_store_pickles_by_path_and_writer_refuses_to(store, run_id):
    reopened = pickle.loads(pickle.dumps(store))
    assert isinstance(reopened, TrajectoryStore) and reopened.root == store.root
    writer = store.writer(run_id)
    with pytest.raises(TypeError, match="inside|actor"):
        pickle.dumps(writer)
    writer.close()


def test_observations_can_be_left_out(store, run_id):
    with store.writer(run_id, record_observations=False) as writer:
        record_episode(writer, num_steps=3)
    assert store.steps()["observation"].null_count == 3


def test_writer_defaults_fill_backend_and_llvm_version(store, run_id):
    with store.writer(run_id, backend="libllvm", llvm_version="23.1.4") as writer:
        record_episode(writer, DIJKSTRA, num_steps=2)
    steps = store.steps(columns=["backend", "llvm_version"]).to_pylist()
    assert steps == [{"backend": "libllvm", "llvm_version": "23.1.4"}] * 2


def test_many_writers_in_one_process_share_a_store(store, run_id):
    writers = [store.writer(run_id, batch_rows=5) for _ in range(4)]
    for index, writer in enumerate(writers):
        record_episode(writer, num_steps=12, seed=index)
    for writer in writers:
        writer.close()
    steps = store.steps()
    assert steps.num_rows == 48
    keys = list(zip(steps["episode_id"].to_pylist(), steps["step"].to_pylist(), strict=True))
    assert len(set(keys)) == 48


def test_a_failed_write_keeps_the_batch_and_the_next_flush_writes_it(store, run_id, monkeypatch):
    import cgym_ray.store.writer as writer_module

    real_write = writer_module.write_data_file
    failures = iter([OSError(28, "No space left on device")])

    def flaky_write(*args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_write(*args, **kwargs)

    monkeypatch.setattr(writer_module, "write_data_file", flaky_write)
    writer = store.writer(run_id, flush_interval_s=3600)
    record_episode(writer, num_steps=5)
    with pytest.raises(StoreWriteError, match="No space left.*kept in memory"):
        writer.flush()
    writer.flush()
    writer.close()
    assert store.steps().num_rows == 5 and store.episodes().num_rows == 1


def test_a_forked_child_cannot_use_its_parents_writer(store, run_id):
    import multiprocessing

    writer = store.writer(run_id)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child() -> None:
        try:
            record_episode(writer, num_steps=1)
            queue.put("no error")
        except StoreWriteError as error:
            queue.put(str(error))

    process = context.Process(target=child)
    process.start()
    process.join(30)
    assert "forked process must create its own" in queue.get(timeout=5)
    writer.close()
    assert store.steps().num_rows == 0
