"""A run says whether it finished: `results list` and `show` never make an interrupted run look complete."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from cgym_ray.store.run_status import RunTracker, read_run_status, write_run_status

from .conftest import CRC32, record_episode
from .test_results_cli import cli


def test_a_tracked_run_that_ran_every_task_is_finished(store, run_id, capsys):
    with RunTracker(store.root, run_id, tasks=2) as tracker:
        tracker.update(SimpleNamespace(status="ok"))
        tracker.update(SimpleNamespace(status="error"))
    status = store.run_status(run_id)
    assert status.effective_state() == "finished" and (status.tasks_done, status.tasks_failed) == (
        2,
        1,
    )
    assert cli("list", "--store", str(store.root), "--format", "json") == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["status"] == "finished 2/2"


def test_a_run_cut_short_by_an_error_is_interrupted(store, run_id, capsys):
    with pytest.raises(KeyboardInterrupt), RunTracker(store.root, run_id, tasks=24) as tracker:
        tracker.update(SimpleNamespace(status="ok"))
        raise KeyboardInterrupt
    with store.writer(run_id) as writer:
        record_episode(writer, CRC32, num_steps=3)
    assert cli("show", run_id, "--store", str(store.root)) == 0
    captured = capsys.readouterr()
    assert "interrupted: 1 of 24 tasks done (KeyboardInterrupt" in captured.out
    assert f"run {run_id} is incomplete" in captured.err
    assert cli("list", "--store", str(store.root)) == 0
    assert "interrupted 1/24" in capsys.readouterr().out


def test_a_run_whose_driver_died_silently_reads_as_interrupted(store, run_id, capsys):
    # A driver that was killed (kill -9, or its node went away) never wrote "finished".
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    with RunTracker(store.root, run_id, tasks=5) as tracker:
        tracker.update(SimpleNamespace(status="ok"))
        status = read_run_status(store.root, run_id)
        assert status.effective_state() == "running"
        tracker._stop.set()
        status.pid = int(dead.stdout)
        write_run_status(store.root, status)
        tracker.status.state = "interrupted"  # keep __exit__ from rewriting the file
    assert store.run_status(run_id).effective_state() == "interrupted"
    assert cli("list", "--store", str(store.root)) == 0
    assert "interrupted 1/5" in capsys.readouterr().out


def test_runs_without_a_tracking_driver_have_no_status(store, run_id, capsys):
    assert store.run_status(run_id) is None
    assert cli("list", "--store", str(store.root), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["status"] is None


def test_show_reports_each_benchmarks_best_prefix(store, run_id, capsys):
    """An episode's best is its best prefix (as the search keeps it), not its final reward."""
    from cgym_ray.store import EpisodeRecord, StepRecord, new_id

    rewards = [0.4, 0.3, -0.5]  # cumulative 0.4, 0.7, 0.2: the best is after 2 steps
    with store.writer(run_id) as writer:
        episode_id, total = new_id(), 0.0
        for step, reward in enumerate(rewards):
            total += reward
            writer.add_step(
                StepRecord(
                    episode_id=episode_id,
                    step=step,
                    benchmark=CRC32,
                    action=step,
                    action_name=f"p{step}",
                    reward=reward,
                    cumulative_reward=total,
                    instruction_count=100 - step,
                    walltime_s=0.001,
                )
            )
        writer.add_episode(
            EpisodeRecord(
                episode_id=episode_id,
                benchmark=CRC32,
                agent="random",
                num_steps=3,
                reward=total,
                seed=0,
            )
        )
    [row] = store.benchmark_summary(run_id).to_pylist()
    assert row["best_reward"] == pytest.approx(0.7)
    assert (row["steps_of_best"], row["instructions_of_best"]) == (2, 99)
