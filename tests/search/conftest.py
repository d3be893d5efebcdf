"""Fixtures for the search baselines: a small program, a small action set, small budgets."""

from __future__ import annotations

from collections.abc import Callable

import gymnasium as gym
import pytest

import cgym_ray  # noqa: F401  (registers the environments)
from cgym_ray.envs.llvm_env import LlvmEnv

CRC32 = "benchmark://cgym-suite-v0/crc32"

# Cheap, useful passes, so that a greedy sweep costs 15 steps, not 145.
ACTIONS = [
    "sroa",
    "mem2reg",
    "instcombine",
    "simplifycfg",
    "gvn",
    "early-cse",
    "dce",
    "adce",
    "licm",
    "loop-rotate",
    "inline",
    "sccp",
    "dse",
    "reassociate",
    "jump-threading",
]

SEQUENCES = [
    "sroa instcombine simplifycfg",
    "mem2reg gvn dce simplifycfg",
    "inline sroa early-cse instcombine simplifycfg dse adce",
    "sroa loop-rotate licm instcombine",
]

# Parameters that keep every baseline fast on crc32 under a few hundred steps.
AGENT_PARAMS: dict[str, dict[str, object]] = {
    "random": {"actions": ACTIONS, "patience": 10, "max_episode_length": 40},
    "greedy": {"actions": ACTIONS, "start": "O0"},
    "beam": {"actions": ACTIONS, "width": 2},
    "epsilon_greedy": {"actions": ACTIONS, "epsilon": 0.3, "max_episode_length": 20},
    "annealing": {"actions": ACTIONS, "sequence_length": 10},
    "genetic": {"actions": ACTIONS, "sequence_length": 10},
    "guided_random": {"actions": ACTIONS, "patience": 10, "max_episode_length": 40, "top_n": 3},
    "coreset": {"sequences": SEQUENCES},
    "portfolio": {"sequences": SEQUENCES, "k": 4},
    "coreset_guided": {
        "sequences": SEQUENCES,
        "size_variants": True,
        "actions": ACTIONS,
        "polish": 1,
        "patience": 10,
        "max_episode_length": 40,
        "top_n": 3,
    },
}


@pytest.fixture
def make_env() -> Callable[[], LlvmEnv]:
    return lambda: gym.make("llvm-ic-v0").unwrapped
