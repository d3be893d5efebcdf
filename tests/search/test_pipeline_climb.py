"""The local search over pipelines: never below -Oz, every best replays and behaves."""

from __future__ import annotations

import gymnasium as gym

import cgym_ray  # noqa: F401  (registers the environments)
from cgym_ray.envs.pipeline_env import validate_pipeline_state
from cgym_ray.search.common import Budget
from cgym_ray.search.pipeline_climb import pipeline_climb

DIJKSTRA = "benchmark://cgym-suite-v0/dijkstra"


def test_pipeline_climb_never_ends_below_oz_and_its_best_validates():
    make_env = lambda: gym.make("llvm-pipeline-ic-v0")  # noqa: E731
    result = pipeline_climb(make_env, DIJKSTRA, Budget(steps=12), seed=0)
    assert 0 < result.steps <= 12
    assert result.best_reward >= 1.0
    assert result.best_state.reward == result.best_reward
    validation = validate_pipeline_state(result.best_state)
    assert validation.ok, str(validation)
    assert validation.behaviour_checked
