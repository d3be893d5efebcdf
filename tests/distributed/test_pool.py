"""The Ray pool: searches fan out, every step lands in the store, dead actors are replaced."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import ray

from cgym_ray.distributed import EnvConfig, EnvPool, PoolOptions, SearchTask, init_ray
from cgym_ray.store import TrajectoryStore

pytestmark = pytest.mark.slow  # Ray (scripts/test --fast skips it)

SMALL = ["crc32", "sha256", "lzw", "md5"]


@pytest.fixture(scope="module")
def local_ray():
    init_ray(num_cpus=2)
    yield
    ray.shutdown()


def tasks(agent: str, steps: int, seeds=(0,), names=SMALL, **params) -> list[SearchTask]:
    return [
        SearchTask(
            f"{agent}-{name}-{seed}",
            f"benchmark://cgym-suite-v0/{name}",
            agent,
            seed,
            budget_steps=steps,
            params=params,
        )
        for name in names
        for seed in seeds
    ]


def test_search_over_several_programs_records_one_row_per_step(local_ray, tmp_path):
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"test": "pool"}, name="pool")
    pool = EnvPool(EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=2), str(store.root), run_id)
    results = pool.run(tasks("random", steps=60, seeds=(0, 1)))
    pool.close()
    assert len(results) == 8 and all(r.status == "ok" for r in results), results
    store.refresh()
    steps = store.steps(run_id=run_id)
    episodes = store.episodes(run_id=run_id)
    assert steps.num_rows == sum(r.steps for r in results)
    assert episodes.num_rows == sum(r.episodes for r in results)
    assert set(episodes.column("agent").to_pylist()) == {"random"}
    for result in results:
        assert result.best_reward is not None and result.best_commandline is not None


def test_killing_an_actor_mid_run_loses_no_task(local_ray, tmp_path):
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"test": "kill"}, name="kill")
    pool = EnvPool(EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=2), str(store.root), run_id)
    victim_pid = ray.get(pool.actors[0].ping.remote())["pid"]

    def kill_soon():
        time.sleep(3)
        os.kill(victim_pid, signal.SIGKILL)

    threading.Thread(target=kill_soon, daemon=True).start()
    batch = [
        SearchTask(f"t{i}", f"benchmark://cgym-suite-v0/{name}", "random", i, budget_seconds=2.0)
        for i, name in enumerate(SMALL * 2)
    ]
    results = pool.run(batch)
    pool.close()
    assert sorted(r.task.task_id for r in results) == sorted(t.task_id for t in batch)
    assert pool.replaced >= 1
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    # The killed task was retried, or kept what its attempt had committed.
    assert any(r.attempts > 1 or r.note for r in results)
    assert all(r.attempts <= 2 for r in results)  # only attempts that ran count
    store.refresh()
    episodes = store.episodes(run_id=run_id).to_pandas()
    # One attempt's episodes per task, never the killed attempt's and the retry's.
    for result in results:
        rows = episodes[
            (episodes.benchmark == result.task.benchmark) & (episodes.seed == result.task.seed)
        ]
        assert len(rows) == result.episodes, (result, len(rows))


def test_task_that_keeps_killing_its_actor_is_reported_as_errored(local_ray, tmp_path):
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"test": "error"}, name="error")
    options = PoolOptions(num_actors=1, max_attempts=2, task_timeout_s=3.0)
    pool = EnvPool(EnvConfig("llvm-ic-v0"), options, str(store.root), run_id)
    # A budget far beyond the deadline: the pool kills the actor twice, then gives up.
    (result,) = pool.run(
        [SearchTask("slow", "benchmark://cgym-suite-v0/crc32", "random", 0, budget_seconds=60)]
    )
    pool.close()
    assert result.status == "error" and result.attempts == 2 and "deadline" in result.error
    store.refresh()
    errored = store.episodes(run_id=run_id).to_pandas().query("status == 'error'")
    assert len(errored) == 1 and "deadline" in errored.iloc[0]["error"]


def test_actor_memory_is_reported(local_ray):
    pool = EnvPool(EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=1))
    pool.run(tasks("random", steps=30, names=["crc32"]))
    (rss,) = pool.memory()
    (pss,) = pool.memory(proportional=True)  # forked workers share pages: PSS counts them once
    pool.close()
    assert 10 * 2**20 < rss < 4 * 2**30
    assert 10 * 2**20 < pss < rss


def test_a_failing_search_reports_its_real_exception(local_ray, tmp_path):
    bad_ir = tmp_path / "bad.ll"
    bad_ir.write_text("define i32 @f( {\n")
    bad_c = tmp_path / "bad.c"
    bad_c.write_text("int main(void) { return undeclared_name; }\n")
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={"test": "errors"}, name="errors")
    pool = EnvPool(EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=1), str(store.root), run_id)
    batch = [
        SearchTask("ir", f"file://{bad_ir}", "random", 0, budget_steps=10),
        SearchTask("c", f"file://{bad_c}", "random", 0, budget_steps=10),
        SearchTask(
            "param",
            "benchmark://cgym-suite-v0/crc32",
            "random",
            0,
            budget_steps=10,
            params={"patiense": 25},
        ),
    ]
    results = {r.task.task_id: r for r in pool.run(batch)}
    pool.close()
    for result in results.values():
        assert result.status == "error" and result.attempts == 1
        assert (
            "ray::" not in result.error and "\x1b" not in result.error and "\n" not in result.error
        )
        assert result.task.benchmark in result.error and "agent random" in result.error
        assert "Traceback" in result.traceback
    assert "bad.ll" in results["ir"].error
    assert "undeclared_name" in results["c"].error
    assert results["param"].error.startswith("TypeError:") and "patiense" in results["param"].error
    store.refresh()
    errors = store.episodes(run_id=run_id, status="error").column("error").to_pylist()
    assert len(errors) == 3
    for error in errors:
        assert "ray::" not in error and "Traceback" in error and "after 1 attempt(s)" in error
