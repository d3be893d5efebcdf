"""Acceptance: configs/ppo-smoke.yaml trains, checkpoints, resumes, evaluates and records."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest

from cgym_ray.rl.runner import run_train_job
from cgym_ray.search.common import Budget
from cgym_ray.store import TrajectoryStore

from .conftest import smoke_job

pytestmark = pytest.mark.slow  # Ray and RLlib (scripts/test --fast skips it)


def test_smoke_job_trains_checkpoints_resumes_and_evaluates(ray_cluster, tmp_path):
    summary = run_train_job(smoke_job(tmp_path), progress=False)
    out = tmp_path / "out"
    assert summary.iterations == 2 and summary.env_steps == 200 and summary.errors == 0
    assert [Path(c).name for c in summary.checkpoints] == ["iter_000001", "iter_000002"]
    assert (Path(summary.final_checkpoint) / "cgym_policy.json").is_file()
    assert len((out / "training.jsonl").read_text().splitlines()) == 2

    # Resume from the checkpoint: the iteration count and env steps go on from it.
    resumed = run_train_job(
        smoke_job(tmp_path, f"resume={summary.final_checkpoint}", "iterations=3", "eval.splits={}"),
        progress=False,
    )
    assert resumed.iterations == 3 and resumed.env_steps == 300
    assert Path(resumed.final_checkpoint).name == "iter_000003"
    assert json.loads((Path(resumed.final_checkpoint) / "cgym_policy.json").read_text())[
        "run_ids"
    ] == [summary.run_id, resumed.run_id]

    # The store: the resolved config, training episodes, and every evaluation episode with
    # its agent, checkpoint and seed.
    store = TrajectoryStore.open(tmp_path / "store")
    config = json.loads(store.runs().to_pylist()[0]["config"])
    assert (
        len(config["resolved"]["train_benchmarks"]) == 4 and "ray" in config["resolved"]["versions"]
    )
    rows = store.query(
        f"SELECT agent, benchmark, checkpoint, seed FROM episodes WHERE run_id = '{summary.run_id}'"
    ).to_pylist()
    evaluation = [row for row in rows if row["checkpoint"]]
    assert {row["agent"] for row in evaluation} == {"ppo", "ppo+guided"}
    assert {row["benchmark"].rsplit("/", 1)[-1] for row in evaluation} == {"md5", "sha256", "lzw"}
    assert all(
        row["checkpoint"] == summary.final_checkpoint and row["seed"] == 0 for row in evaluation
    )
    assert any(row["agent"] == "ppo-train" for row in rows)
    assert store.steps(run_id=summary.run_id).num_rows > 0
    assert set(summary.evaluation) == {"validation", "test"}
    assert {Path(p).name for p in summary.plots} == {"learning_curve.png", "test_results.png"}

    # The checkpoint as a search agent (what search/eval/leaderboard jobs call).
    from cgym_ray.rl.agents import policy_agent

    def make_env():  # observes instruction counts: the agent asks for Autophase itself
        return gym.make("llvm-ic-v0").unwrapped

    alone, guided = (
        policy_agent(
            make_env,
            "benchmark://cgym-suite-v0/crc32",
            Budget(steps=50),
            0,
            checkpoint=summary.final_checkpoint,
            guided=flag,
        )
        for flag in (False, True)
    )
    assert alone.episodes == 1 and alone.steps == 10
    assert guided.steps == 50 and guided.episodes >= 5 and guided.best_reward >= alone.best_reward
