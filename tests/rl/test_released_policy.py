"""The policy shipped in the package: it loads by name and acts as any job's agent."""

from __future__ import annotations

import gymnasium as gym
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.agents import parameter_problems
from cgym_ray.rl.policy import RELEASED_DIR, RELEASED_POLICY, load_policy
from cgym_ray.search.common import Budget

pytestmark = pytest.mark.slow  # torch and RLlib (scripts/test --fast skips it)


def test_released_policy_ships_with_its_config_and_metrics():
    release = RELEASED_DIR / RELEASED_POLICY
    assert {"cgym_policy.json", "config.yaml", "metrics.json", "README.md"} <= {
        path.name for path in release.iterdir()
    }
    assert parameter_problems("policy", {}) == []  # no checkpoint needed: the released one


def test_released_policy_starts_from_oz_and_never_ends_below_it():
    from cgym_ray.rl.agents import policy_agent

    policy = load_policy("released")
    assert (
        policy.spec.start_from == ["Oz"] and policy.spec.num_outputs == len(policy.spec.actions) + 1
    )

    def make_env():
        return gym.make("llvm-ic-v0").unwrapped

    result = policy_agent(
        make_env, "benchmark://cgym-suite-v0/crc32", Budget(steps=40), 0, guided=False
    )
    assert result.episodes == 1 and 1 <= result.steps <= 1 + policy.spec.episode_length
    # The best prefix holds at least Oz (reward 1.0); the policy's passes only add to it.
    assert result.best_reward >= 1.0 - 1e-9
