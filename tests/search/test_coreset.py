"""Coreset selection, the reward matrix, and the sequence-per-action wrapper."""

from __future__ import annotations

from functools import partial

import gymnasium as gym
import numpy as np
import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.search import (
    Budget,
    CoresetActionSpace,
    evaluate_sequences,
    learn_coreset,
    random_search,
    reward_matrix_from_records,
    select_coreset,
)
from cgym_ray.search.default_coreset import DEFAULT_CORESET
from tests.search.conftest import ACTIONS, CRC32

SHA256 = "benchmark://cgym-suite-v0/sha256"


def test_select_coreset_picks_the_obviously_best_sequences():
    sequences = ["weak", "covers-a-b", "covers-c", "bad", "covers-a"]
    rewards = np.array(
        [
            # a    b    c    d
            [0.1, 0.1, 0.1, 0.1],
            [1.0, 1.0, 0.0, 0.2],
            [0.0, 0.0, 1.0, 0.3],
            [-1.0, -1.0, -1.0, -1.0],
            [1.0, 0.0, 0.0, 0.0],
        ]
    )
    assert select_coreset(sequences, rewards, 2) == ["covers-a-b", "covers-c"]
    # Nothing else adds to that coverage, so the selection stops at two.
    assert select_coreset(sequences, rewards, 5) == ["covers-a-b", "covers-c"]


def test_select_coreset_prefers_coverage_over_a_high_average():
    sequences = ["good-everywhere", "great-on-a", "great-on-b"]
    rewards = np.array([[0.8, 0.8], [1.0, 0.0], [0.0, 1.0]])
    assert select_coreset(sequences, rewards, 1) == ["good-everywhere"]
    assert select_coreset(sequences, rewards, 3) == ["good-everywhere", "great-on-a", "great-on-b"]


def test_select_coreset_counts_unknown_rewards_as_nothing():
    rewards = np.array([[np.nan, 0.5], [0.9, np.nan]])
    assert select_coreset(["x", "y"], rewards, 1) == ["y"]
    assert select_coreset(["x", "y"], rewards, 1, floor=0.6) == ["y"]


def test_select_coreset_rejects_a_matrix_of_the_wrong_shape():
    with pytest.raises(CompilerError, match="one row per sequence"):
        select_coreset(["x"], np.zeros((2, 3)), 1)


def test_reward_matrix_from_records_keeps_the_best_and_marks_the_unknown():
    matrix = reward_matrix_from_records(
        [
            ("b1", "sroa gvn", 0.5),
            ("b1", "sroa  gvn", 0.7),  # the same sequence, spaced differently
            ("b2", "Oz", 1.0),
            ("b2", "", 0.0),  # the empty sequence is no candidate
        ]
    )
    assert matrix.sequences == ["sroa gvn", "Oz"] and matrix.benchmarks == ["b1", "b2"]
    assert matrix.rewards[0, 0] == 0.7 and matrix.rewards[1, 1] == 1.0
    assert np.isnan(matrix.rewards[0, 1]) and np.isnan(matrix.rewards[1, 0])


def test_evaluate_sequences_fills_the_matrix_by_replay(make_env):
    sequences = ["Oz", "sroa instcombine", "sroa inline"]
    rewards = evaluate_sequences(make_env, [CRC32, SHA256], sequences)
    assert rewards.shape == (3, 2)
    assert rewards[0] == pytest.approx([1.0, 1.0])  # Oz scores 1.0 by definition
    env = make_env()
    env.reset(options={"benchmark": SHA256})
    best = 0.0
    for name in ("sroa", "inline"):
        env.step(env.action_space.names.index(name))
        best = max(best, env.episode_reward)
    env.close()
    assert rewards[2, 1] == best


def test_coreset_action_space_applies_a_whole_sequence_per_action():
    sequences = ["sroa instcombine", "Oz"]
    env = CoresetActionSpace(gym.make("llvm-ic-v0"), sequences)
    assert env.action_space == gym.spaces.Discrete(2)
    env.reset(options={"benchmark": CRC32})
    _, reward, terminated, _, _ = env.step(1)
    assert reward == pytest.approx(1.0) and not terminated
    _, reward, _, _, _ = env.step(0)
    assert env.unwrapped.commandline() == "Oz sroa instcombine"
    assert env.unwrapped.episode_reward == pytest.approx(1.0 + reward)
    env.close()


def test_coreset_action_space_rejects_empty_sequences():
    with pytest.raises(CompilerError, match="non-empty"):
        CoresetActionSpace(gym.make("llvm-ic-v0"), ["sroa", ""])


def test_default_coreset_parses_on_the_catalogue(make_env):
    env = make_env()
    assert DEFAULT_CORESET
    for commandline in DEFAULT_CORESET:
        assert env.action_space.from_commandline(commandline)


def test_learn_coreset_searches_cross_evaluates_and_selects(make_env):
    search = partial(random_search, actions=ACTIONS, patience=5, max_episode_length=20)
    chosen, matrix = learn_coreset(
        make_env, [CRC32, SHA256], k=2, search=search, budget=Budget(steps=60), seed=0
    )
    assert "Oz" in matrix.sequences and matrix.rewards.shape == (len(matrix.sequences), 2)
    assert not np.isnan(matrix.rewards).any()
    assert 1 <= len(chosen) <= 2 and set(chosen) <= set(matrix.sequences)
    assert chosen == select_coreset(matrix.sequences, matrix.rewards, 2)
