"""Coreset search (after Coreset-NVP, ICML 2023): a few whole pass sequences that cover many programs.

Offline, from sequences that did well on training programs:

    >>> matrix = reward_matrix_from_records(store_rows)           # doctest: +SKIP
    >>> rewards = evaluate_sequences(make_env, matrix.benchmarks, matrix.sequences)  # doctest: +SKIP
    >>> chosen = select_coreset(matrix.sequences, rewards, k=20)  # doctest: +SKIP

Then, on a new program, try each chosen sequence once and keep the best:

    >>> result = coreset(make_env, uri, Budget(steps=2000), seed=0, sequences=chosen)  # doctest: +SKIP

A sequence is a commandline (action names separated by spaces, as in
`CompilerEnvState.commandline` and the trajectory store). `select_coreset` is
the greedy algorithm for the submodular coverage objective
sum over benchmarks of max(floor, best reward among the chosen sequences); it
is within 1 - 1/e of the best set of k. `CoresetActionSpace` turns a coreset
into an action space, one action a whole sequence, for an agent to choose from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from cgym_ray.errors import CompilerError
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import SearchRun


@dataclass
class RewardMatrix:
    """Rewards of sequences (rows) on benchmarks (columns); NaN where none was recorded."""

    sequences: list[str]
    benchmarks: list[str]
    rewards: np.ndarray  # shape (len(sequences), len(benchmarks))


def reward_matrix_from_records(records: Iterable[tuple[str, str, float]]) -> RewardMatrix:
    """Candidates and their rewards from `(benchmark, commandline, reward)` rows (a store query).

    Each distinct non-empty commandline is a candidate; a sequence recorded more
    than once on a benchmark keeps its best reward. Sequences are not replayed on
    the benchmarks they were not recorded on: `evaluate_sequences` fills those in.
    """
    best: dict[tuple[str, str], float] = {}
    sequences: dict[str, None] = {}  # insertion-ordered set
    benchmarks: dict[str, None] = {}
    for benchmark, commandline, reward in records:
        commandline = " ".join(commandline.split())
        if not commandline:
            continue
        sequences.setdefault(commandline)
        benchmarks.setdefault(benchmark)
        key = (commandline, benchmark)
        best[key] = max(best.get(key, -np.inf), float(reward))
    rows, columns = list(sequences), list(benchmarks)
    rewards = np.full((len(rows), len(columns)), np.nan)
    row_of = {s: i for i, s in enumerate(rows)}
    column_of = {b: j for j, b in enumerate(columns)}
    for (commandline, benchmark), reward in best.items():
        rewards[row_of[commandline], column_of[benchmark]] = reward
    return RewardMatrix(rows, columns, rewards)


def evaluate_sequences(
    make_env: EnvFactory, benchmarks: Sequence[str], sequences: Sequence[str]
) -> np.ndarray:
    """Replay every sequence on every benchmark: the (sequence x benchmark) reward matrix.

    An entry is the reward of the sequence's best prefix, which is what the
    `coreset` baseline keeps when it tries that sequence; a sequence the
    compiler fails on keeps the best prefix before the failure.
    """
    rewards = np.zeros((len(sequences), len(benchmarks)))
    env = make_env().unwrapped
    try:
        parsed = [env.action_space.from_commandline(s) for s in sequences]
        for j, benchmark in enumerate(benchmarks):
            for i, actions in enumerate(parsed):
                env.reset(options={"benchmark": benchmark})
                best = 0.0
                for action in actions:
                    _, _, terminated, _, _ = env.step(action)
                    if terminated:
                        break
                    best = max(best, env.episode_reward)
                rewards[i, j] = best
    finally:
        env.close()
    return rewards


def select_coreset(
    sequences: Sequence[str],
    benchmarks_rewards: np.ndarray,
    k: int,
    *,
    floor: float = 0.0,
) -> list[str]:
    """Pick up to k sequences greedily, each adding the most to the coverage objective.

    The objective is sum over benchmarks of max(floor, max over chosen sequences
    of the reward); `floor` is what a program gets without any sequence (0: the
    unoptimized module). NaN rewards count as unknown, i.e. as `floor`. Ties go
    to the earlier sequence; the selection stops early when nothing adds more.
    Returns the chosen sequences in the order they were picked, most useful first.

        >>> select_coreset(["a", "b", "c"], np.array([[1.0, 0.0], [0.9, 0.9], [0.0, 1.0]]), 2)
        ['b', 'a']
    """
    rewards = np.asarray(benchmarks_rewards, dtype=float)
    if rewards.ndim != 2 or rewards.shape[0] != len(sequences):
        raise CompilerError(
            f"the reward matrix must have one row per sequence: {len(sequences)} sequences, "
            f"matrix of shape {rewards.shape}"
        )
    rewards = np.where(np.isnan(rewards), floor, np.maximum(rewards, floor))
    covered = np.full(rewards.shape[1], floor)
    chosen: list[int] = []
    for _ in range(min(k, len(sequences))):
        gains = np.maximum(rewards - covered, 0.0).sum(axis=1)
        gains[chosen] = -1.0
        best = int(np.argmax(gains))  # the first of equal gains
        if gains[best] <= 0.0:
            break
        chosen.append(best)
        covered = np.maximum(covered, rewards[best])
    return [sequences[i] for i in chosen]


def learn_coreset(
    make_env: EnvFactory,
    benchmarks: Sequence[str],
    k: int,
    *,
    search: Callable[..., SearchResult],
    budget: Budget,
    seed: int = 0,
    extra_sequences: Sequence[str] = ("Oz",),
) -> tuple[list[str], RewardMatrix]:
    """A coreset for `benchmarks`: search each, cross-evaluate the best sequences, select k.

    Returns the chosen sequences and the full reward matrix they were chosen from.
    """
    records = []
    for benchmark in benchmarks:
        result = search(make_env, benchmark, budget, seed)
        records.append((benchmark, result.best_state.commandline, result.best_reward))
    candidates = reward_matrix_from_records(records).sequences
    candidates += [s for s in extra_sequences if s not in candidates]
    rewards = evaluate_sequences(make_env, benchmarks, candidates)
    matrix = RewardMatrix(candidates, list(benchmarks), rewards)
    return select_coreset(candidates, rewards, k), matrix


def coreset(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    sequences: Sequence[str] | None = None,
    k: int | None = None,
) -> SearchResult:
    """Try each sequence of a coreset once (one episode each); the best prefix found.

    sequences: commandlines, most useful first (`select_coreset` orders them so);
        default: `DEFAULT_CORESET`, learned on the built-in suite's training split.
    k: try only the first k sequences; default all of them.

    At most k compilations; a sequence the remaining step budget cannot pay for
    ends the search. The seed is not used: the search is deterministic.
    """
    if sequences is None:
        from cgym_ray.search.default_coreset import DEFAULT_CORESET

        sequences = DEFAULT_CORESET
    sequences = list(sequences)[:k]
    with SearchRun("coreset", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        for commandline in sequences:
            actions = env.action_space.from_commandline(commandline)
            if not run.can_afford(len(actions)):
                break
            run.evaluate(env, actions)
        return run.result({"sequences": sequences, "k": k})


class CoresetActionSpace(gym.Wrapper):
    """An env whose actions are whole sequences: action i applies sequence i step by step.

        >>> env = CoresetActionSpace(gym.make("llvm-autophase-ic-v0"), chosen)  # doctest: +SKIP
        >>> env.action_space  # doctest: +SKIP
        Discrete(20)

    The reward of an action is the sum of its steps' rewards; a compiler failure
    on any step ends the episode there (terminated, with info["error"]).
    """

    def __init__(self, env: gym.Env, sequences: Sequence[str]) -> None:
        super().__init__(env)
        catalogue = env.unwrapped.action_space
        self.sequences = list(sequences)
        self.sequence_actions = [catalogue.from_commandline(s) for s in self.sequences]
        empty = [i for i, actions in enumerate(self.sequence_actions) if not actions]
        if not self.sequences or empty:
            raise CompilerError(
                f"CoresetActionSpace needs non-empty sequences (empty: {empty or 'all'})"
            )
        self.action_space = spaces.Discrete(len(self.sequences))

    def step(self, action):
        total = 0.0
        for step_action in self.sequence_actions[int(action)]:
            observation, reward, terminated, truncated, info = self.env.step(step_action)
            total += float(reward)
            if terminated or truncated:
                break
        return observation, total, terminated, truncated, info
