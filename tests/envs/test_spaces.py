"""Observation and reward spaces, on demand and as defaults."""

from __future__ import annotations

import hashlib

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.envs.observations import OBSERVATIONS
from cgym_ray.envs.rewards import REWARDS
from cgym_ray.errors import CompilerError

CRC32 = "benchmark://cgym-suite-v0/crc32"


@pytest.fixture
def env():
    env = gym.make("llvm-v0", benchmark=CRC32).unwrapped
    env.reset()
    env.step(env.action_space.names.index("sroa"))
    yield env
    env.close()


def test_every_observation_is_in_its_space(env):
    for name, spec in OBSERVATIONS.items():
        if name.startswith("Ir2vec"):
            continue  # seconds on crc32 (LLVM prints every instruction): tests/llvm/test_ir2vec.py
        value = env.observation[name]
        assert spec.space.contains(value), name


def test_observations_agree_with_each_other(env):
    ir = env.observation["Ir"]
    assert env.observation["IrSha1"] == hashlib.sha1(ir.encode()).hexdigest()
    count = env.observation["IrInstructionCount"][0]
    assert env.observation["InstCount"][0] == count == env.observation["Autophase"][51]
    assert bytes(env.observation["Bitcode"].astype(np.uint8))[:2] == b"BC"
    assert (
        env.observation["IrInstructionCountO0"][0]
        > count
        > env.observation["IrInstructionCountOz"][0]
    )
    assert env.observation["ObjectTextSizeO0"][0] > env.observation["ObjectTextSizeOz"][0] > 0
    assert env.observation["Runtime"][0] > 0


def test_raw_and_normalised_rewards(env):
    before = env.observation["IrInstructionCount"][0]
    refs = env.references("instruction_count")
    env.reward["IrInstructionCount"]  # start reading from here
    env.reward["IrInstructionCountNorm"]
    env.reward["IrInstructionCountO3"]
    env.step(env.action_space.names.index("instcombine"))
    after = env.observation["IrInstructionCount"][0]
    assert env.reward["IrInstructionCount"] == before - after
    assert env.reward["IrInstructionCountNorm"] == pytest.approx((before - after) / refs["O0"])
    assert env.reward["IrInstructionCountO3"] == pytest.approx(
        (before - after) / (refs["O0"] - refs["O3"])
    )
    assert env.reward["IrInstructionCount"] == 0  # nothing changed since the last reading


def test_text_size_rewards_follow_the_text_size(env):
    sizes = env.references("text_size")
    first = env.reward["ObjectTextSizeOz"]  # since reset (the O0 module)
    now = env.observation["ObjectTextSizeBytes"][0]
    assert first == pytest.approx((sizes["O0"] - now) / (sizes["O0"] - sizes["Oz"]))
    assert set(REWARDS) >= {
        "ObjectTextSizeBytes",
        "ObjectTextSizeNorm",
        "ObjectTextSizeO3",
        "ObjectTextSizeOz",
    }


def test_code_size_envs_load_with_size_attributes():
    env = gym.make("llvm-codesize-v0", benchmark=CRC32).unwrapped
    env.reset()
    assert env.size_attributes and "minsize" in env.observation["Ir"]
    env.step(env.action_space.names.index("Oz"))
    assert env.episode_reward == pytest.approx(1.0)
    env.close()
    plain = gym.make("llvm-v0", benchmark=CRC32).unwrapped
    plain.reset()
    assert "minsize" not in plain.observation["Ir"]
    plain.close()


def test_unknown_spaces_are_named():
    with pytest.raises(CompilerError, match="Autofase"):
        gym.make("llvm-v0", observation_space="Autofase")
    with pytest.raises(CompilerError, match="IrCount"):
        gym.make("llvm-v0", reward_space="IrCount")


def test_llvmlite_has_no_oz_and_says_so():
    env = gym.make("llvm-v0", benchmark=CRC32, backend="llvmlite").unwrapped
    env.reset()
    assert env.observation["IrInstructionCountO3"][0] > 0
    with pytest.raises(CompilerError, match="Oz"):
        env.observation["IrInstructionCountOz"]
    with pytest.raises(CompilerError, match="O3 instead"):
        env.reward["IrInstructionCountOz"]
    env.close()


def test_reward_range_bounds_the_next_steps_reward():
    env = gym.make("llvm-ic-v0", benchmark=CRC32)
    assert env.unwrapped.reward_range == (-np.inf, np.inf)  # nothing measured yet
    env.reset()
    low, high = env.unwrapped.reward_range
    o0 = env.unwrapped.observation["IrInstructionCountO0"][0]
    oz = env.unwrapped.observation["IrInstructionCountOz"][0]
    assert low == -np.inf and high == pytest.approx(o0 / (o0 - oz))
    for name in ("sroa", "mem2reg", "instcombine", "simplifycfg"):
        high = env.unwrapped.reward_range[1]
        _, reward, terminated, _, _ = env.step(env.unwrapped.action_space.names.index(name))
        assert not terminated and reward <= high
        assert env.unwrapped.reward_range[1] < high or reward == 0
    env.close()


def test_an_env_without_a_reward_space_has_a_zero_reward_range():
    env = gym.make("llvm-v0", benchmark=CRC32)
    env.reset()
    assert env.unwrapped.reward_range == (0.0, 0.0)
    env.close()
