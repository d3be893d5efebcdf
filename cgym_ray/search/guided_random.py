"""Guided random search: restart random episodes from the good prefixes found so far.

    >>> result = guided_random(make_env, "benchmark://cgym-suite-v0/crc32",
    ...                        Budget(seconds=10), seed=0, top_n=8)  # doctest: +SKIP

The search keeps the `top_n` best prefixes found so far (the best prefix of
each episode, distinct ones only). A new episode, with probability
1 - `explore_probability`, replays one of them drawn uniformly, cut at a
uniformly random length, then walks randomly with patience as random search
does (`random_search.random_walk`); otherwise it walks from the unoptimized
module. Replayed steps are played for real and count against the budget. The
result is the best prefix of any episode.

Deterministic for a fixed seed under a step budget; under a time budget the
number of episodes depends on the machine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import Elite, SearchRun
from cgym_ray.search.random_search import PATIENCE_RATIO, random_walk


def guided_random(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    top_n: int = 8,
    explore_probability: float = 0.2,
    patience: int | None = None,
    max_episode_length: int = 500,
    actions: Sequence[str | int] | None = None,
) -> SearchResult:
    """Random episodes started from good prefixes until the budget is spent; the best prefix.

    top_n: how many of the best prefixes are kept to restart from.
    explore_probability: the probability that an episode starts from scratch instead.
    patience: random steps without a new best for the episode before it ends
        (default: 1.25 x the number of actions).
    max_episode_length: the most steps an episode may take, replayed ones included.
    actions: the action names (or indices) to draw from; default all of them.
    """
    rng = np.random.default_rng(seed)
    with SearchRun("guided_random", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        candidates = run.action_indices(env, actions)
        if patience is None:
            patience = round(PATIENCE_RATIO * len(candidates))
        elite = Elite(top_n)  # the best distinct prefixes, best first
        while run.can_afford(1):
            episode = run.new_episode(env)
            if elite.entries and rng.random() >= explore_probability:
                _, prefix = elite.entries[int(rng.integers(len(elite.entries)))]
                cut = int(rng.integers(len(prefix) + 1))
                run.play(episode, prefix[:cut])
            best_reward, best_length = random_walk(
                run, episode, candidates, rng, patience, max_episode_length
            )
            run.end_episode(episode)
            if episode.trusts(best_length):  # its program was not found to misbehave
                elite.add(best_reward, episode.actions[:best_length])
        return run.result(
            {
                "top_n": top_n,
                "explore_probability": explore_probability,
                "patience": patience,
                "max_episode_length": max_episode_length,
                "actions": actions,
            }
        )
