"""What every search baseline shares: the budget, the result, and how episodes are reported.

A baseline is a plain function:

    def random_search(make_env, benchmark, budget, seed, *, report=None, **params) -> SearchResult

`make_env()` returns a fresh, un-reset `LlvmEnv` (its reward space is what is
maximised); `benchmark` is a URI; `budget` bounds steps and/or seconds; `seed`
fixes every random choice; `report`, if given, is called once per episode the
search plays, so a caller can record it (the trajectory store does). A report
with an `observation` attribute (an observation space's name, as
`StoreReporter` and `EpisodeCollector` have) gets that observation after
every step and at each episode's start; the search pays for computing it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cgym_ray.envs.llvm_env import LlvmEnv, PlayedStep
from cgym_ray.envs.state import CompilerEnvState
from cgym_ray.errors import CompilerError

EnvFactory = Callable[[], LlvmEnv]


# How long a search waits for a candidate program (or 10 x the original's runtime,
# if more): a miscompiled program may loop forever.
BEHAVIOUR_TIMEOUT_S = 5.0
# Past a time budget's end a candidate program still gets this long.
MIN_BEHAVIOUR_TIMEOUT_S = 0.5

# Under a time budget, a step still running this long after the budget's end
# (at least 5 s, or a tenth of the budget) is ended as a timeout, so that a
# pass that hangs cannot hold a search for the whole step timeout.
MIN_OVERRUN_S = 5.0
OVERRUN_FRACTION = 0.1

# A time budget longer than this needs a step limit too: a typo (or `.inf`)
# would otherwise hold a CPU for days before anyone notices.
MAX_SECONDS_WITHOUT_STEPS = 7 * 24 * 3600.0


@dataclass(frozen=True)
class Budget:
    """Stop after `steps` environment steps or `seconds` of walltime, whichever comes first.

    `seconds` must be finite, and at most a week unless `steps` bounds the search too.
    """

    steps: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.steps is None and self.seconds is None:
            raise CompilerError("a search budget needs steps, seconds or both")
        if (self.steps is not None and self.steps <= 0) or (
            self.seconds is not None and not self.seconds > 0
        ):
            raise CompilerError(f"budget values must be positive: {self}")
        if self.seconds is not None and not math.isfinite(self.seconds):
            raise CompilerError(f"a search budget's seconds must be finite, not {self.seconds!r}")
        if (
            self.steps is None
            and self.seconds is not None
            and self.seconds > MAX_SECONDS_WITHOUT_STEPS
        ):
            raise CompilerError(
                f"a search budget of {self.seconds:g} s with no step limit is over a week "
                f"({MAX_SECONDS_WITHOUT_STEPS:g} s): lower it or add a step limit"
            )


class BudgetClock:
    """Counts steps and time against a budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.started = time.monotonic()
        self.steps = 0

    def spend(self, steps: int = 1) -> None:
        self.steps += steps

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def exhausted(self) -> bool:
        if self.budget.steps is not None and self.steps >= self.budget.steps:
            return True
        return self.budget.seconds is not None and self.elapsed_s >= self.budget.seconds

    @property
    def seconds_left(self) -> float | None:
        """Time left in the budget (0 once spent), None without a time budget."""
        if self.budget.seconds is None:
            return None
        return max(self.budget.seconds - self.elapsed_s, 0.0)

    def remaining_steps(self) -> int | None:
        return None if self.budget.steps is None else max(self.budget.steps - self.steps, 0)

    @property
    def fraction_used(self) -> float:
        """How much of the budget is gone, from 0 to 1 (the larger of steps and time)."""
        fractions = [0.0]
        if self.budget.steps is not None:
            fractions.append(self.steps / self.budget.steps)
        if self.budget.seconds is not None:
            fractions.append(self.elapsed_s / self.budget.seconds)
        return min(max(fractions), 1.0)


def overrun_s(budget: Budget) -> float | None:
    """How long a step may run past a time budget's end (None without a time budget)."""
    if budget.seconds is None:
        return None
    return max(MIN_OVERRUN_S, OVERRUN_FRACTION * budget.seconds)


def step_timeout_within_budget_s(clock: BudgetClock, timeout_s: float) -> float:
    """`timeout_s`, cut so that a step started now ends by the budget's end plus `overrun_s`."""
    left, overrun = clock.seconds_left, overrun_s(clock.budget)
    if left is None or overrun is None:
        return timeout_s
    return max(min(timeout_s, left + overrun), 1e-3)


def behaviour_timeout_s(clock: BudgetClock) -> float:
    """How long a search's behaviour check may run a program: at most what the budget has left."""
    if clock.seconds_left is None:
        return BEHAVIOUR_TIMEOUT_S
    return min(BEHAVIOUR_TIMEOUT_S, max(clock.seconds_left, MIN_BEHAVIOUR_TIMEOUT_S))


def behaviour_failure(env: Any, clock: BudgetClock | None = None) -> str:
    """Why the program of `env`'s current module does not do what the unoptimized one does ("" if it does).

    Every search runs the program of each new best before keeping it (a
    miscompiled module can be very small). The program gets at most what the
    budget has left (`behaviour_timeout_s`), so that one that hangs cannot
    hold the search; a compiler or toolchain error on the way is a failure,
    not an exception, so the search goes on without that candidate.
    `env` is an `LlvmEnv` or a `PipelineEnv` on a runnable benchmark. Without
    a `clock` (learning, not a search) the program gets the check's own limit.
    """
    from cgym_ray.llvm import semantics

    timeout_s = semantics.REFERENCE_TIMEOUT_S if clock is None else behaviour_timeout_s(clock)
    try:
        check = semantics.check_behaviour(
            env.benchmark, env.object_file(), env.backend, timeout_s=timeout_s
        )
    except CompilerError as error:
        return f"the behaviour check failed ({error})"
    return "" if check.ok else check.reason


def map_programs(
    function: Callable[[Any], Any],
    jobs: Sequence[Any],
    *,
    workers: int = 1,
    done: Callable[[int], None] | None = None,
) -> list[Any]:
    """`function` of each job, in order: in `workers` spawned processes, or in this one for 1.

    What learning scripts use to compile candidates on each training
    program; `done(i)` is called as job i's result arrives, in order.
    """
    from contextlib import nullcontext
    from multiprocessing import get_context

    results = []
    with get_context("spawn").Pool(workers) if workers > 1 else nullcontext() as pool:
        for i, result in enumerate(pool.imap(function, jobs) if pool else map(function, jobs)):
            results.append(result)
            if done:
                done(i)
    return results


def behaviour_note(params: dict[str, object]) -> str | None:
    """What a task's line says of the states refused on their behaviour (None: none).

    A refused prefix ends what its episode can give (`SearchRun._consider_best`),
    so a result below the episode's final reward needs its reason beside it:
    a wrong output, a timeout, a toolchain error. The reason of the first one
    comes from `params["first_miscompile"]` when the search kept it. A policy
    whose own final state misbehaves (`SearchRun.check_final`) is named too
    (`params["final_misbehaves"]`): its figure is that state's, not the result's.
    """
    count = params.get("miscompiles")
    final = params.get("final_misbehaves")
    said = []
    if count:
        first = params.get("first_miscompile")
        said.append(
            f"{count} best(s) refused by the behaviour check"
            + (f"; first: {first}" if first else "")
        )
    if final:
        said.append(f"the policy's final state misbehaves: {final}")
    return "; ".join(said) or None


@dataclass
class EpisodeOutcome:
    """One episode a search played, as it is reported to `report`."""

    benchmark: str
    seed: int
    steps: list[PlayedStep]
    state: CompilerEnvState
    status: str = "ok"  # "ok" or "error"
    error: str | None = None
    observation_space: str | None = None  # the name of the observation the steps hold
    initial_observation: Any = None  # that observation after reset


Report = Callable[[EpisodeOutcome], None]


def observation_wanted(report: Report | None) -> str | None:
    """The observation space a report asks every step for (its `observation` attribute), if any."""
    return getattr(report, "observation", None)


class EpisodeCollector(list):
    """A report that keeps every episode it is given, with `observation` on each step if named."""

    def __init__(self, observation: str | None = None) -> None:
        super().__init__()
        self.observation = observation

    def __call__(self, outcome: EpisodeOutcome) -> None:
        self.append(outcome)


@dataclass
class SearchResult:
    """The best state a search found, and what it cost."""

    agent: str
    benchmark: str
    best_state: CompilerEnvState
    best_reward: float
    steps: int
    episodes: int
    walltime_s: float
    params: dict[str, object] = field(default_factory=dict)
