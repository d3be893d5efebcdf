"""Thin wrappers that compose, with RLlib in mind (flat Box observations, Discrete actions).

env = gym.make("llvm-autophase-ic-v0")
env = ConstrainedCommandline(env, ["sroa", "instcombine", "simplifycfg", "gvn"])
env = CommandlineWithTerminalAction(env)
env = AutophaseNormalized(env)
env = ActionHistory(env)
env = gym.wrappers.TimeLimit(env, max_episode_steps=45)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from cgym_ray.envs.spaces import CommandlineSpace
from cgym_ray.errors import CompilerError

AUTOPHASE_TOTAL_INSTS = 51  # index of TotalInsts in the Autophase vector


def _action_count(env: gym.Env, wrapper: str) -> int:
    """The number of actions of a Discrete action space; other spaces are an error."""
    if not isinstance(env.action_space, spaces.Discrete):
        raise CompilerError(f"{wrapper} needs a Discrete action space, not {env.action_space}")
    return int(env.action_space.n)


class CommandlineWithTerminalAction(gym.ActionWrapper):
    """Adds one last action that ends the episode (terminated) without changing the module."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.terminal_action = _action_count(env, "CommandlineWithTerminalAction")
        self.action_space = spaces.Discrete(self.terminal_action + 1)

    def step(self, action):
        if int(action) == self.terminal_action:
            observation = getattr(self.env.unwrapped, "_last_observation", None)
            return (
                observation,
                0.0,
                True,
                False,
                {"action_had_no_effect": True, "terminal_action": True},
            )
        return self.env.step(action)

    def action(self, action):
        return action


class ConstrainedCommandline(gym.ActionWrapper):
    """Restricts the actions to a subset, given by names or indices, renumbered from 0."""

    def __init__(self, env: gym.Env, actions: Sequence[str | int]) -> None:
        super().__init__(env)
        space = env.unwrapped.action_space
        if not isinstance(space, CommandlineSpace):
            raise CompilerError(
                f"ConstrainedCommandline needs an LLVM env underneath, not {env.unwrapped}"
            )
        catalogue = space.catalogue
        self.allowed = [a if isinstance(a, int) else catalogue.index_of(a) for a in actions]
        if not self.allowed:
            raise CompilerError("ConstrainedCommandline needs at least one action")
        self.names = [catalogue[i].name for i in self.allowed]
        self.action_space = spaces.Discrete(len(self.allowed))

    def action(self, action):
        return self.allowed[int(action)]


class CycleOverBenchmarks(gym.Wrapper):
    """Each reset takes the next benchmark of a list, round and round."""

    def __init__(self, env: gym.Env, benchmarks: Sequence[str]) -> None:
        super().__init__(env)
        if not benchmarks:
            raise CompilerError("CycleOverBenchmarks needs at least one benchmark")
        self.benchmarks = list(benchmarks)
        self._cycle = itertools.cycle(self.benchmarks)

    def reset(self, *, seed=None, options=None):
        options = dict(options or {})
        options.setdefault("benchmark", next(self._cycle))
        return self.env.reset(seed=seed, options=options)


class RandomOrderBenchmarks(gym.Wrapper):
    """Each reset draws a benchmark from a list, with the env's seeded generator."""

    def __init__(self, env: gym.Env, benchmarks: Sequence[str]) -> None:
        super().__init__(env)
        if not benchmarks:
            raise CompilerError("RandomOrderBenchmarks needs at least one benchmark")
        self.benchmarks = list(benchmarks)

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            self.env.unwrapped._np_random, _ = gym.utils.seeding.np_random(seed)
        options = dict(options or {})
        rng = self.env.unwrapped.np_random
        options.setdefault("benchmark", self.benchmarks[int(rng.integers(len(self.benchmarks)))])
        return self.env.reset(options=options)


class AutophaseNormalized(gym.ObservationWrapper):
    """Autophase ÷ TotalInsts, as float32 in [0, ∞): programs of any size look alike."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        if env.observation_space.shape != (56,):
            raise CompilerError(
                f"AutophaseNormalized needs the Autophase observation, not {env.observation_space}"
            )
        self.observation_space = spaces.Box(0.0, np.inf, shape=(56,), dtype=np.float32)

    def observation(self, observation):
        observation = np.asarray(observation, dtype=np.float32)
        return observation / max(float(observation[AUTOPHASE_TOTAL_INSTS]), 1.0)


class ActionHistory(gym.Wrapper):
    """Appends how often each action was taken this episode (÷ episode length cap) to a Box observation."""

    def __init__(self, env: gym.Env, normalize_by: int = 1) -> None:
        super().__init__(env)
        if (
            not isinstance(env.observation_space, spaces.Box)
            or len(env.observation_space.shape) != 1
        ):
            raise CompilerError(
                "ActionHistory needs a flat Box observation (wrap Autophase/InstCount first)"
            )
        self.num_actions = _action_count(env, "ActionHistory")
        self.normalize_by = max(normalize_by, 1)
        self.histogram = np.zeros(self.num_actions, dtype=np.float32)
        base = env.observation_space
        self.observation_space = spaces.Box(
            low=np.concatenate(
                [base.low.astype(np.float32), np.zeros(self.num_actions, np.float32)]
            ),
            high=np.concatenate(
                [base.high.astype(np.float32), np.full(self.num_actions, np.inf, np.float32)]
            ),
            dtype=np.float32,
        )

    def _observe(self, observation):
        return np.concatenate(
            [np.asarray(observation, dtype=np.float32), self.histogram / self.normalize_by]
        )

    def reset(self, *, seed=None, options=None):
        observation, info = self.env.reset(seed=seed, options=options)
        self.histogram[:] = 0
        return self._observe(observation), info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        if int(action) < self.num_actions:
            self.histogram[int(action)] += 1
        return self._observe(observation), reward, terminated, truncated, info
