"""Epsilon-greedy search: greedy steps, with a random action instead with probability epsilon.

    >>> result = epsilon_greedy(make_env, "benchmark://cgym-suite-v0/crc32",
    ...                         Budget(seconds=10), seed=0, epsilon=0.1)  # doctest: +SKIP

Each step, with probability `epsilon` take a uniformly random action; otherwise
try every action (`env.try_actions`) and take the best, ending the episode when
none improves the reward by more than `min_improvement` (CompilerGym's e-greedy
leaderboard policy). Random steps can make things worse, so the result is the
best prefix of any episode. Episodes repeat from the unoptimized module until
the budget is spent.

Budget: every tried action is one step, and so is each step taken; a greedy
sweep the remaining step budget cannot pay for ends the search. Deterministic
for a fixed seed under a step budget; under a time budget the number of
episodes depends on the machine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import SearchRun, best_action


def epsilon_greedy(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    epsilon: float = 0.1,
    min_improvement: float = 1e-9,
    max_episode_length: int = 200,
    actions: Sequence[str | int] | None = None,
) -> SearchResult:
    """Epsilon-greedy episodes until the budget is spent; the best prefix found.

    epsilon: the probability of a random action at each step.
    min_improvement: a greedy step that earns no more than this ends the episode.
    max_episode_length: the most steps an episode may take.
    actions: the action names (or indices) to use; default all of them.
    """
    rng = np.random.default_rng(seed)
    with SearchRun("epsilon_greedy", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        candidates = run.action_indices(env, actions)
        out_of_budget = False
        while not out_of_budget and run.can_afford(1):
            episode = run.new_episode(env)
            while len(episode.steps) < max_episode_length and not episode.failed:
                if rng.random() < epsilon:
                    if not run.can_afford(1):
                        out_of_budget = True
                        break
                    run.step(episode, int(rng.choice(candidates)))
                    continue
                if not run.can_afford(len(candidates) + 1):
                    out_of_budget = True
                    break
                action, reward = best_action(candidates, run.try_actions(episode, candidates))
                if episode.failed or reward <= min_improvement:
                    break
                run.step(episode, action)
            run.end_episode(episode)
        return run.result(
            {
                "epsilon": epsilon,
                "min_improvement": min_improvement,
                "max_episode_length": max_episode_length,
                "actions": actions,
            }
        )
