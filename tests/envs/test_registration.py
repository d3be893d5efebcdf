"""Every registered id builds with gym.make and passes Gymnasium's checker."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import cgym_ray  # noqa: F401  (registers the ids)
from cgym_ray.envs import ENV_SPECS

SMALL = ["benchmark://cgym-suite-v0/crc32", "benchmark://cgym-suite-v0/sha256"]


@pytest.mark.parametrize("env_id", sorted(ENV_SPECS))
def test_check_env_passes(env_id):
    env = gym.make(env_id, benchmarks=SMALL)
    try:
        check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


def test_ids_follow_the_naming_scheme():
    for env_id in ENV_SPECS:
        assert env_id.startswith("llvm-") and env_id.endswith("-v0")
        assert env_id in gym.registry


def test_make_passes_arguments_through():
    env = gym.make("llvm-v0", benchmark="benchmark://cgym-suite-v0/sha256", backend="llvmlite")
    _, info = env.reset()
    assert info["benchmark"] == "benchmark://cgym-suite-v0/sha256"
    assert env.unwrapped.backend == "llvmlite"
    assert env.unwrapped.action_space.version.startswith("llvmlite")
    env.close()


def test_default_selection_is_the_train_split_and_seeded():
    env = gym.make("llvm-v0")
    first = [env.reset(seed=s)[1]["benchmark"] for s in range(6)]
    again = [env.reset(seed=s)[1]["benchmark"] for s in range(6)]
    env.close()
    assert first == again
    from cgym_ray.datasets import get_dataset

    train = {
        get_dataset("cgym-suite-v0").uri(n)
        for n in get_dataset("cgym-suite-v0").benchmark_names("train")
    }
    assert set(first) <= train and len(set(first)) > 1
