"""The train job's summary: an aggregate that is true for any sign of reward."""

from __future__ import annotations

import math

import pytest

from cgym_ray.rl.evaluation import EvalResult, EvalTask
from cgym_ray.rl.runner import TrainSummary, summarize_evaluation


def _result(benchmark: str, reward: float, agent: str = "ppo") -> EvalResult:
    task = EvalTask("test", f"benchmark://cgym-suite-v0/{benchmark}", 0, agent, False, 10, None)
    return EvalResult(task, best_reward=reward, final_reward=reward)


def _summary(evaluation) -> TrainSummary:
    return TrainSummary(
        "run",
        "store",
        "PPO",
        1,
        100,
        1.0,
        100.0,
        "ckpt",
        ["ckpt"],
        None,
        -0.1,
        0,
        0,
        evaluation=evaluation,
    )


def test_negative_rewards_have_no_geomean_and_say_so():
    evaluation = summarize_evaluation(
        [_result("crc32", -0.25), _result("qsort", -0.5), _result("sha", 0.5)]
    )
    entry = evaluation["test"]["ppo"]
    assert entry["geomean"] is None and entry["nonpositive"] == 2
    assert entry["mean"] == pytest.approx(-0.25 / 3)
    table = _summary(evaluation).table()
    [row] = [line for line in table.splitlines() if line.split()[:2] == ["test", "ppo"]]
    assert row.split()[3:5] == ["n/a", "-0.0833"]
    assert "0.0000" not in row
    assert "test / ppo: no geomean, 2 of 3 benchmarks have a reward <= 0" in table


def test_positive_rewards_get_their_geomean():
    evaluation = summarize_evaluation([_result("crc32", 0.25), _result("qsort", 1.0)])
    entry = evaluation["test"]["ppo"]
    assert entry["geomean"] == pytest.approx(math.sqrt(0.25)) and entry["nonpositive"] == 0
    table = _summary(evaluation).table()
    assert "0.5000" in table and "no geomean" not in table


def test_a_final_program_that_misbehaves_is_left_out_and_counted():
    bad = _result("lzw", 2.5)
    bad.final_misbehaves = "the program did not finish"
    evaluation = summarize_evaluation([_result("crc32", 0.25), _result("qsort", 1.0), bad])
    entry = evaluation["test"]["ppo"]
    assert entry["misbehaves"] == 1 and entry["benchmarks"] == 2
    assert entry["geomean"] == pytest.approx(0.5)
    assert "benchmark://cgym-suite-v0/lzw" not in entry["per_benchmark"]
    table = _summary(evaluation).table()
    assert "test / ppo: 1 benchmark(s) left out: the policy's final program misbehaves" in table
