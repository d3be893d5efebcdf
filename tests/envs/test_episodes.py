"""Episodes: reset, step, info, multistep, compiler failures, fork."""

from __future__ import annotations

import os
import signal

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.envs.llvm_env import ResetNeeded
from cgym_ray.llvm.actions import Action

CRC32 = "benchmark://cgym-suite-v0/crc32"


@pytest.fixture
def env():
    env = gym.make("llvm-autophase-ic-v0", benchmark=CRC32)
    yield env
    env.close()


def index(env, name: str) -> int:
    return env.unwrapped.action_space.names.index(name)


def test_step_returns_the_five_tuple_with_info(env):
    obs, info = env.reset()
    assert obs.shape == (56,) and info["benchmark"] == CRC32
    obs, reward, terminated, truncated, info = env.step(index(env, "sroa"))
    assert obs.shape == (56,) and reward > 0 and not terminated and not truncated
    assert info["action_had_no_effect"] is False
    assert info["instruction_count"] == int(obs[51])
    _, reward, _, _, info = env.step(index(env, "sroa"))
    assert info["action_had_no_effect"] is True and reward == 0.0


def test_reset_takes_the_benchmark_from_options(env):
    _, info = env.reset(options={"benchmark": "benchmark://cgym-suite-v0/sha256"})
    assert info["benchmark"].endswith("sha256")


def test_multistep_equals_single_steps(env):
    actions = [index(env, a) for a in ("sroa", "instcombine", "simplifycfg", "gvn")]
    env.reset()
    obs, total, terminated, _, _ = env.unwrapped.multistep(actions)
    env.reset()
    rewards = [env.step(a)[1] for a in actions]
    assert total == pytest.approx(sum(rewards)) and not terminated
    assert env.unwrapped.commandline() == "sroa instcombine simplifycfg gvn"


def test_reward_is_fraction_of_the_way_to_oz_at_every_step():
    rng = np.random.default_rng(0)
    for name in ("crc32", "dijkstra", "stack_vm"):
        env = gym.make("llvm-ic-v0", benchmark=f"benchmark://cgym-suite-v0/{name}")
        env.reset()
        refs = env.unwrapped.references("instruction_count")
        total = 0.0
        for action in rng.integers(env.action_space.n, size=15):
            obs, reward, terminated, _, _ = env.step(int(action))
            assert not terminated
            total += reward
            expected = (refs["O0"] - int(obs[0])) / (refs["O0"] - refs["Oz"])
            assert total == pytest.approx(expected, rel=1e-9, abs=1e-12)
        env.close()


def test_oz_action_scores_exactly_one():
    env = gym.make("llvm-ic-v0", benchmark=CRC32)
    env.reset()
    _, reward, _, _, _ = env.step(index(env, "Oz"))
    assert reward == pytest.approx(1.0)
    env.close()


def test_compiler_abort_ends_the_episode_and_reset_recovers(env, monkeypatch):
    env.reset()
    env.step(index(env, "sroa"))
    session = env.unwrapped._session
    monkeypatch.setattr(session, "resolve", lambda action: Action("boom", "cgym-inject-abort"))
    obs, reward, terminated, truncated, info = env.step(0)
    assert terminated and reward == 0.0 and obs.shape == (56,)
    assert info["error"]["cause"] == "abort" and "injected" in info["error"]["detail"]
    with pytest.raises(ResetNeeded):
        env.step(0)
    env.reset()
    assert not env.step(index(env, "sroa"))[2]


def test_killed_compiler_mid_episode_is_reported(env):
    env.reset()
    os.kill(env.unwrapped._session.worker_pid, signal.SIGKILL)
    _, _, terminated, _, info = env.step(index(env, "sroa"))
    assert terminated and info["error"]["type"] in ("StepFailed", "CompilerAbort")
    env.reset()


def test_out_of_memory_ends_the_episode_and_reset_recovers(monkeypatch):
    # A real case (LLVM 23.1.4): after early-cse-memssa and dse, newgvn on jpeg_dct
    # allocates without end; it took 9-11 GiB before workers had a limit.
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "512")
    # A long step timeout: on a loaded machine only the memory limit should end the step.
    env = gym.make(
        "llvm-ic-v0", benchmark="benchmark://cgym-suite-v0/jpeg_dct", step_timeout_s=600.0
    )
    env.reset()
    assert not env.step(index(env, "early-cse-memssa"))[2] and not env.step(index(env, "dse"))[2]
    _, _, terminated, _, info = env.step(index(env, "newgvn"))
    assert terminated and info["error"]["cause"] == "memory", info["error"]
    assert info["error"]["type"] == "CompilerOutOfMemory" and info["error"]["action"] == "newgvn"
    env.reset()
    assert not env.step(index(env, "newgvn"))[2]
    env.close()


def test_step_timeout_ends_the_episode():
    env = gym.make(
        "llvm-ic-v0", benchmark="benchmark://cgym-suite-v0/linalg_kit", step_timeout_s=0.01
    )
    env.reset()
    _, _, terminated, _, info = env.step(index(env, "O3"))
    assert terminated and info["error"]["cause"] == "timeout"
    env.close()


def test_fork_is_independent_and_keeps_rewards(env):
    env.reset()
    env.step(index(env, "sroa"))
    parent = env.unwrapped
    child = parent.fork()
    assert child.commandline() == parent.commandline()
    _, child_reward, _, _, _ = child.step(index(env, "O3"))
    assert child_reward > 0
    assert parent.commandline() == "sroa"
    assert parent.observation["IrInstructionCount"][0] > child.observation["IrInstructionCount"][0]
    _, parent_reward, _, _, _ = parent.step(index(env, "O3"))
    assert parent_reward == pytest.approx(child_reward)
    child.close()


def test_step_before_reset_is_a_clear_error():
    env = gym.make("llvm-v0").unwrapped
    with pytest.raises(ResetNeeded, match="reset"):
        env.step(0)
