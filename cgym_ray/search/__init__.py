"""Search baselines: one plain function per algorithm, one file each.

    >>> import gymnasium as gym, cgym_ray
    >>> from cgym_ray.search import AGENTS, Budget
    >>> make_env = lambda: gym.make("llvm-ic-v0").unwrapped
    >>> result = AGENTS["greedy"](make_env, "benchmark://cgym-suite-v0/crc32",
    ...                           Budget(seconds=10), seed=0)  # doctest: +SKIP
    >>> result.best_reward, result.best_state.commandline  # doctest: +SKIP

Every baseline has the signature
`name(make_env, benchmark, budget, seed, *, report=None, **params) -> SearchResult`
(see `common.py`); `AGENTS` maps the names a job file uses to them.
"""

from __future__ import annotations

from collections.abc import Callable

from cgym_ray.envs.llvm_env import PlayedStep
from cgym_ray.search.annealing import annealing
from cgym_ray.search.beam import beam
from cgym_ray.search.common import Budget, EpisodeOutcome, SearchResult
from cgym_ray.search.coreset import (
    CoresetActionSpace,
    RewardMatrix,
    coreset,
    evaluate_sequences,
    learn_coreset,
    reward_matrix_from_records,
    select_coreset,
)
from cgym_ray.search.coreset_guided import coreset_guided
from cgym_ray.search.epsilon_greedy import epsilon_greedy
from cgym_ray.search.genetic import genetic
from cgym_ray.search.greedy import greedy
from cgym_ray.search.guided_random import guided_random
from cgym_ray.search.pipeline_climb import pipeline_climb
from cgym_ray.search.pipeline_coreset import pipeline_coreset
from cgym_ray.search.pipeline_evolve import pipeline_evolve
from cgym_ray.search.pipeline_hybrid import pipeline_hybrid
from cgym_ray.search.pipeline_marks import pipeline_marks
from cgym_ray.search.pipeline_portfolio import pipeline_portfolio
from cgym_ray.search.portfolio import portfolio
from cgym_ray.search.random_search import random_search

AGENTS: dict[str, Callable[..., SearchResult]] = {
    "random": random_search,
    "greedy": greedy,
    "beam": beam,
    "epsilon_greedy": epsilon_greedy,
    "annealing": annealing,
    "genetic": genetic,
    "guided_random": guided_random,
    "coreset": coreset,
    "coreset_guided": coreset_guided,
    "portfolio": portfolio,
}

# Searches over whole pipelines: their states replay in `llvm-pipeline-ic-v0`, not `llvm-ic-v0`.
PIPELINE_AGENTS: dict[str, Callable[..., SearchResult]] = {
    "pipeline_climb": pipeline_climb,
    "pipeline_evolve": pipeline_evolve,
    "pipeline_coreset": pipeline_coreset,
    "pipeline_hybrid": pipeline_hybrid,
    "pipeline_marks": pipeline_marks,
    "pipeline_portfolio": pipeline_portfolio,
}

__all__ = [
    "AGENTS",
    "PIPELINE_AGENTS",
    "Budget",
    "CoresetActionSpace",
    "EpisodeOutcome",
    "PlayedStep",
    "RewardMatrix",
    "SearchResult",
    "annealing",
    "beam",
    "coreset",
    "coreset_guided",
    "epsilon_greedy",
    "evaluate_sequences",
    "genetic",
    "greedy",
    "guided_random",
    "learn_coreset",
    "pipeline_climb",
    "pipeline_coreset",
    "pipeline_evolve",
    "pipeline_hybrid",
    "pipeline_marks",
    "pipeline_portfolio",
    "portfolio",
    "random_search",
    "reward_matrix_from_records",
    "select_coreset",
]
