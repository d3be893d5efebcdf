"""Coreset, then greedy polish, then guided random walks: the three in one budget.

    >>> result = coreset_guided(make_env, "benchmark://cgym-suite-v0/crc32",
    ...                         Budget(seconds=60), seed=0)  # doctest: +SKIP

The coreset baseline stops after its k compilations, which leaves most of a
60-second budget unused; the random searches spend theirs from scratch. This
search chains them:

1. **Coreset.** Play each sequence of the coreset (default `DEFAULT_CORESET`)
   as one episode and keep the best prefix of each. With `size_variants`,
   each sequence is also played the other way round with respect to -Oz's
   minsize and optsize marks: after `drop-size-attributes` in an env that
   loads the module with them (`llvm-ic-v0`), after `size-attributes` in one
   that does not, where the catalogue has the action: on cBench the marks
   help most sequences, on CHStone they mostly hurt.
2. **Polish.** From each of the `polish` best prefixes, descend greedily: try
   every action on copies of the state (`env.try_actions`, one request) and
   take the best while it improves.
3. **Guided walks.** Until the budget is spent, replay one of the `top_n` best
   prefixes found so far, cut at a random length, and walk randomly from it
   with patience (`random_search.random_walk`); with probability
   `explore_probability`, walk from the unoptimized module instead.

Deterministic for a fixed seed under a step budget; under a time budget the
number of episodes depends on the machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import Elite, Episode, SearchRun, best_action
from cgym_ray.search.random_search import PATIENCE_RATIO, random_walk

# The actions that put -Oz's minsize and optsize on every function (`libllvm-v3`) and take
# them off (`libllvm-v4`).
SIZE_ATTRIBUTES = "size-attributes"
DROP_SIZE_ATTRIBUTES = "drop-size-attributes"


def best_prefix(episode: Episode) -> tuple[float, tuple[int, ...]]:
    """The highest-reward prefix of an episode that was not found to misbehave."""
    best_reward, best_length, reward = 0.0, 0, 0.0
    for length, step in enumerate(episode.steps, 1):
        if step.error is not None or not episode.trusts(length):
            break
        reward += step.reward
        if reward > best_reward:
            best_reward, best_length = reward, length
    return best_reward, tuple(episode.actions[:best_length])


def play_sequences(
    run: SearchRun, env: LlvmEnv, commandlines: Sequence[str]
) -> list[tuple[list[int], tuple[float, tuple[int, ...]]]]:
    """Each commandline played as one episode on `env`, in order, while the budget pays for it whole.

    Returns each played sequence's actions and its `best_prefix`.
    """
    played = []
    for commandline in commandlines:
        sequence = env.action_space.from_commandline(commandline)
        if not run.can_afford(len(sequence)):
            break
        episode = run.new_episode(env)
        run.play(episode, sequence)
        run.end_episode(episode)
        played.append((sequence, best_prefix(episode)))
    return played


def with_size_variants(
    sequences: Sequence[str], names: Sequence[str], wanted: bool, marked: bool
) -> list[str]:
    """Each sequence, then (if `wanted` and the catalogue can) the same with the marks flipped first.

    marked: whether the env loads the module with -Oz's marks (`LlvmEnv.size_attributes`):
        then the variant starts with `drop-size-attributes`, else with `size-attributes`.
    """
    flip = DROP_SIZE_ATTRIBUTES if marked else SIZE_ATTRIBUTES
    if not wanted or flip not in names:
        return list(sequences)
    return [
        variant for commandline in sequences for variant in (commandline, f"{flip} {commandline}")
    ]


def coreset_guided(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    sequences: Sequence[str] | None = None,
    polish: int = 3,
    top_n: int = 8,
    explore_probability: float = 0.1,
    patience: int | None = None,
    max_episode_length: int = 500,
    actions: Sequence[str | int] | None = None,
    size_variants: bool = False,
) -> SearchResult:
    """The best prefix found by the coreset, its greedy polish and guided walks.

    sequences: commandlines to start from (default: `DEFAULT_CORESET`).
    polish: how many of the best coreset prefixes greedy descent starts from.
    top_n: how many of the best prefixes guided walks restart from.
    explore_probability: the probability that a walk starts from scratch.
    patience: random steps without a new best before a walk ends
        (default: 1.25 x the number of actions).
    max_episode_length: the most steps a walk's episode may take, replayed ones included.
    actions: the action names (or indices) that polish and walks draw from; default all.
    size_variants: also play each sequence with -Oz's marks flipped first
        (`with_size_variants`; ignored when the backend's catalogue cannot). Off by
        default, the leaderboard's task being cBench: at 60 s a program, one run each,
        it did worse there (3.62 % against 4.92 % below -Oz) and better on CHStone
        (12.11 % against 9.23 %; results/pipelines.md).
    """
    if sequences is None:
        from cgym_ray.search.default_coreset import DEFAULT_CORESET

        sequences = DEFAULT_CORESET
    with SearchRun("coreset_guided", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        shape = GuidedSearch(polish, top_n, explore_probability, patience, max_episode_length)
        patience = search_from(
            run, env, sequences, np.random.default_rng(seed), shape, actions, size_variants
        )
        return run.result(
            {
                "sequences": len(sequences),
                "polish": polish,
                "top_n": top_n,
                "explore_probability": explore_probability,
                "patience": patience,
                "max_episode_length": max_episode_length,
                "actions": actions,
                "size_variants": size_variants,
            }
        )


@dataclass(frozen=True)
class GuidedSearch:
    """How `search_from` spends a budget after its sequences (`coreset_guided`'s parameters)."""

    polish: int = 3
    top_n: int = 8
    explore_probability: float = 0.1
    patience: int | None = None
    max_episode_length: int = 500


def search_from(
    run: SearchRun,
    env: LlvmEnv,
    sequences: Sequence[str],
    rng: np.random.Generator,
    shape: GuidedSearch,
    actions: Sequence[str | int] | None = None,
    size_variants: bool = False,
) -> int:
    """`coreset_guided`'s three phases on an open run, from `sequences`; returns the walks' patience.

    A caller that knows better sequences than the default coreset (a policy's
    choices, say) puts them first: under a time budget on a large program only
    the first few are played.
    """
    candidates = run.action_indices(env, actions)
    patience = shape.patience
    if patience is None:
        patience = round(PATIENCE_RATIO * len(candidates))
    elite = Elite(shape.top_n)

    variants = with_size_variants(
        sequences, env.action_space.names, size_variants, env.size_attributes
    )
    for _, found in play_sequences(run, env, variants):
        elite.add(*found)

    for _, prefix in list(elite.entries[: shape.polish]):
        episode = run.new_episode(env)
        if run.play(episode, prefix):
            while len(episode.steps) < shape.max_episode_length and run.can_afford(
                len(candidates) + 1
            ):
                action, reward = best_action(candidates, run.try_actions(episode, candidates))
                if episode.failed or reward <= 1e-9:
                    break
                run.step(episode, action)
                if episode.failed:
                    break
        run.end_episode(episode)
        elite.add(*best_prefix(episode))

    while run.can_afford(1):
        episode = run.new_episode(env)
        if elite.entries and rng.random() >= shape.explore_probability:
            _, prefix = elite.entries[int(rng.integers(len(elite.entries)))]
            run.play(episode, prefix[: int(rng.integers(len(prefix) + 1))])
        if not episode.failed:
            random_walk(run, episode, candidates, rng, patience, shape.max_episode_length)
        run.end_episode(episode)
        elite.add(*best_prefix(episode))
    return patience
