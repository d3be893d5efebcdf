"""Evolutionary search over fixed-length pass sequences with nevergrad.

    >>> result = genetic(make_env, "benchmark://cgym-suite-v0/crc32", Budget(seconds=10),
    ...                  seed=0, optimizer="DiscreteLenglerOnePlusOne")  # doctest: +SKIP

A candidate is `sequence_length` categorical variables over the action indices
(`ng.p.Choice(..., deterministic=True)`: each position is its most likely
choice, so the optimizer's mutations are what changes it). Each candidate the
optimizer asks for is replayed from a fresh reset as one episode and told its
loss, minus the episode's reward (nevergrad minimizes); a sequence the compiler
fails on is told `FAILED_LOSS`. The default optimizer, DiscreteLenglerOnePlusOne,
is a (1+1) evolution strategy with a heavy-tailed mutation rate; any name in
`nevergrad.optimizers.registry` works (e.g. "DiscreteDE",
"DoubleFastGADiscreteOnePlusOne", "PortfolioDiscreteOnePlusOne").
The result is the best prefix of any sequence played.

Deterministic for a fixed seed under a step budget (nevergrad draws from the
parametrization's seeded random state). Under a time budget the number of
candidates depends on the machine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cgym_ray.errors import CompilerError
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import SearchRun

# Told for a sequence the compiler failed on: worse than any reward a sequence can earn.
FAILED_LOSS = 1e3


def genetic(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    optimizer: str = "DiscreteLenglerOnePlusOne",
    sequence_length: int = 40,
    actions: Sequence[str | int] | None = None,
) -> SearchResult:
    """Ask nevergrad for sequences and tell it their rewards until the budget is spent.

    optimizer: a nevergrad optimizer name (see `nevergrad.optimizers.registry`).
    sequence_length: the number of actions in every candidate sequence.
    actions: the action names (or indices) to use; default all of them.
    """
    try:
        import nevergrad as ng  # imported here: it is heavy, and only this baseline needs it
    except ImportError:
        raise CompilerError(
            "the genetic baseline needs nevergrad: pip install nevergrad==1.0.12"
        ) from None
    if optimizer not in ng.optimizers.registry:
        raise CompilerError(
            f"unknown nevergrad optimizer {optimizer!r}; pick a name from "
            "nevergrad.optimizers.registry, e.g. DiscreteLenglerOnePlusOne"
        )
    with SearchRun("genetic", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        candidates = run.action_indices(env, actions)
        parametrization = ng.p.Choice(candidates, repetitions=sequence_length, deterministic=True)
        parametrization.random_state = np.random.RandomState(seed)
        max_candidates = None if budget.steps is None else max(budget.steps // sequence_length, 1)
        search = ng.optimizers.registry[optimizer](
            parametrization=parametrization, budget=max_candidates, num_workers=1
        )
        while run.can_afford(sequence_length):
            candidate = search.ask()
            sequence = [int(action) for action in candidate.value]
            reward = run.evaluate(env, sequence)
            search.tell(candidate, FAILED_LOSS if reward is None else -reward)
        return run.result(
            {"optimizer": optimizer, "sequence_length": sequence_length, "actions": actions}
        )
