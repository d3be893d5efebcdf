"""Random search: random episodes, each cut short when it stops improving; keep the best prefix.

    >>> result = random_search(make_env, "benchmark://cgym-suite-v0/crc32",
    ...                        Budget(seconds=10), seed=0)  # doctest: +SKIP
    >>> result.best_state.commandline  # doctest: +SKIP

Each episode starts from the unoptimized module and takes uniformly random
actions. Patience is CompilerGym's idea (`compiler_gym.random_search`, the
leaderboard's "p=1.25" means 1.25 x the number of actions): an episode ends
after `patience` consecutive steps that do not beat the episode's best reward.
CompilerGym resets the count when the episode beats the best reward of the
whole search instead; ours lets each walk run as long as it improves itself.
Episodes are also capped at `max_episode_length` steps. The result is the best
prefix of any episode.

Deterministic for a fixed seed under a step budget. Under a time budget the
number of episodes, and so the result, depends on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import Episode, SearchRun

PATIENCE_RATIO = 1.25  # CompilerGym's leaderboard entries use patience = 1.25 x actions


def random_search(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    patience: int | None = None,
    max_episode_length: int = 500,
    actions: Sequence[str | int] | None = None,
) -> SearchResult:
    """Random episodes until the budget is spent; the best prefix found.

    patience: steps without beating the episode's best before it ends
        (default: 1.25 x the number of actions).
    max_episode_length: the most steps an episode may take.
    actions: the action names (or indices) to draw from; default all of them.
    """
    rng = np.random.default_rng(seed)
    with SearchRun("random", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        candidates = run.action_indices(env, actions)
        if patience is None:
            patience = round(PATIENCE_RATIO * len(candidates))
        while run.can_afford(1):
            episode = run.new_episode(env)
            random_walk(run, episode, candidates, rng, patience, max_episode_length)
            run.end_episode(episode)
        return run.result(
            {"patience": patience, "max_episode_length": max_episode_length, "actions": actions}
        )


# Random walks send their actions to the compiler in chunks of this many
# (one request each; the compiler stops a chunk early when patience runs out).
WALK_CHUNK = 128


def random_walk(
    run: SearchRun,
    episode: Episode,
    candidates: Sequence[int],
    rng: np.random.Generator,
    patience: int,
    max_episode_length: int,
) -> tuple[float, int]:
    """Take random actions until `patience` steps bring no new best for this episode.

    Returns the episode's best reward and the length of the prefix that earned it
    (starting from wherever the episode already is, as guided search needs).
    """
    best_reward, best_length = episode.reward, len(episode.actions)
    best_metric: float | None = None  # the reward metric's value at the best prefix; None: now
    streak = 0
    while (
        streak < patience
        and len(episode.steps) < max_episode_length
        and not episode.failed
        and run.can_afford(1)
    ):
        size = min(WALK_CHUNK, max_episode_length - len(episode.steps))
        actions = [int(a) for a in rng.choice(candidates, size=size)]
        outcomes = run.walk(episode, actions, patience=patience - streak, best=best_metric)
        if not outcomes:
            break
        reward = episode.reward - sum(o.reward for o in outcomes)
        length = len(episode.actions) - len(outcomes)
        for outcome in outcomes:
            reward += outcome.reward
            length += 1
            if outcome.error is None and reward > best_reward:
                best_reward, best_length, streak = reward, length, 0
                best_metric = outcome.metric
            else:
                streak += 1
    return best_reward, best_length
