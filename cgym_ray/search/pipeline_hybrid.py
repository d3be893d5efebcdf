"""An evolution of whole pipelines, then flat passes after the best one, in one budget (issue 18).

    >>> result = pipeline_hybrid(make_env, "benchmark://cbench-src-v1/qsort", Budget(seconds=60), seed=0)
    ... # doctest: +SKIP

The two kinds of search win on different programs (results/pipelines.md):
editing whole pipelines wins where a compile is cheap enough to try many
(and where deleting the inliner or the early function-simplification groups
pays), single passes win where hundreds of cheap steps find what -Oz's
pipeline leaves. This search does both, in order, in one pipeline env
(`llvm-pipeline-ic-v0`), so its result is one pipeline text:

1. **Pipeline phase**, the first `pipeline_fraction` of the budget:
   `pipeline_evolve.evolve` from -Oz's pipeline, seeded with the edits issue
   18's probe found good (`pipeline_evolve.SEEDS`: without the inliner,
   without the early groups, without both) and the first `learned` learned
   pipelines, its mutations drawn from the passes the probe found useful
   (`pipeline_evolve.USEFUL`: reassociate, gvn-hoist, another instcombine,
   `loop-rotate<no-header-duplication>`, indvars inside loop-mssa, and
   `simplifycfg` flags half the time a parameter changes).
2. **Flat phase**, the rest: a tail of single passes after the best
   pipeline. Each pass of the action catalogue (`actions`, default all but
   the macro-actions and `HAZARDS`) is a tail unit `recompute-globalsaa,
   PASS`: the pipeline is cut before it (`pipeline.run.segments`), so
   trying a unit is one pass on a copy of the module
   (`PipelineEnv.try_appending`), not a whole compile, and appending one
   compiles only it.
   - Greedy: try every unit after the current tail and append the best,
     while the longer pipeline, compiled, beats the best so far.
   - Then, until the budget is spent: cut one of the `top_n` best tails at a
     random length, append one to `kick` random units, and descend greedily
     from there again.

Every pipeline taken as the best was compiled whole (incrementally: from its
last checkpoint) and, on a runnable benchmark, its program ran and matched
(`PipelineRun`), so the result replays in `llvm-pipeline-ic-v0` and is never
worse than -Oz's pipeline, where it starts. Budget: each compiled pipeline
is one step, each unit tried on a copy is one step.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from cgym_ray.llvm.actions import ActionCatalogue
from cgym_ray.llvm.pipelines import Pipeline
from cgym_ray.llvm.pipelines.flat import flat_pipeline
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_common import HAZARDS, PipelineRun, has_hazard
from cgym_ray.search.pipeline_evolve import MAX_IDLE, evolve, seed_pipelines

# What a tail unit starts with: `segments` cuts before it, and it replaces the
# GlobalsAA the pipeline left cached, so each unit sees the same analyses
# whether the longer pipeline is compiled whole or in parts.
UNIT_HEAD = "recompute-globalsaa"


def tail_units(catalogue: ActionCatalogue, names: Sequence[str] | None) -> dict[str, Pipeline]:
    """The tail units by action name: `recompute-globalsaa,PASS` for each flat pass allowed."""
    actions = (
        [a for a in catalogue if a.is_pass]
        if names is None
        else [catalogue.lookup(n) for n in names]
    )
    units = {a.name: Pipeline.parse(f"{UNIT_HEAD},{a.pipeline}") for a in actions}
    return {name: unit for name, unit in units.items() if not has_hazard(unit)}


def with_tail(base: Pipeline, tail: Sequence[Pipeline]) -> Pipeline:
    """`base` followed by the units of `tail`."""
    return Pipeline(base.elements + tuple(e for unit in tail for e in unit.elements))


def tail_search(
    run: PipelineRun,
    base: Pipeline,
    units: dict[str, Pipeline],
    rng: np.random.Generator,
    *,
    top_n: int = 4,
    kick: int = 3,
) -> int:
    """Flat passes after `base` until the budget is spent; how many kicks it made.

    A greedy descent (try every unit after the current tail, append the
    best while the longer pipeline, compiled, beats the best so far), then
    kicks: cut one of the `top_n` best tails at a random length, append one
    to `kick` random units, and descend again. New bests go to `run`.
    """
    names, unit_list = list(units), list(units.values())
    elite: list[tuple[float, tuple[int, ...]]] = [(run.best_score, ())]

    last_round_s = 0.0  # how long the last round of the descent took

    def can_try_every_unit() -> bool:
        """Whether the budget affords a round of the descent: every unit tried, one compile.

        Under a time budget, a round is not started when the last one took
        longer than what is left (on a large program a round takes seconds).
        """
        remaining = run.clock.remaining_steps()
        seconds_left = run.clock.seconds_left
        return (
            not run.clock.exhausted
            and (remaining is None or remaining > len(unit_list))
            and (seconds_left is None or seconds_left > last_round_s)
        )

    def descend(tail: list[int], score: float) -> None:
        """Append the unit that tries best while the compiled pipeline beats `score`."""
        nonlocal last_round_s
        while can_try_every_unit():
            started = time.monotonic()
            tried = run.try_tails(with_tail(base, [unit_list[i] for i in tail]), unit_list)
            last_round_s = time.monotonic() - started
            best = max(range(len(tried)), key=lambda i: -np.inf if tried[i] is None else tried[i])
            if tried[best] is None or tried[best] <= score + run.min_improvement:
                return
            tail = tail + [best]
            compiled = run.evaluate(
                with_tail(base, [unit_list[i] for i in tail]), f"append {names[best]}"
            )
            if compiled is None or compiled <= score + run.min_improvement:
                return
            score = compiled
            elite.append((score, tuple(tail)))

    descend([], run.best_score)
    kicks = idle = 0  # idle: kicks in a row that compiled nothing new
    while not run.clock.exhausted and idle < MAX_IDLE:
        spent = run.clock.steps
        elite.sort(key=lambda entry: -entry[0])
        del elite[top_n:]
        _, start = elite[int(rng.integers(len(elite)))]
        kept = int(rng.integers(len(start) + 1))
        added = rng.integers(len(unit_list), size=int(rng.integers(1, kick + 1)))
        tail = list(start[:kept]) + [int(i) for i in added]
        kicks += 1
        score = run.evaluate(
            with_tail(base, [unit_list[i] for i in tail]),
            "kick " + " ".join(names[i] for i in tail[kept:]),
        )
        if score is not None:
            elite.append((score, tuple(tail)))
            descend(tail, score)
        idle = 0 if run.clock.steps > spent else idle + 1
    return kicks


def pipeline_hybrid(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    pipeline_fraction: float = 0.5,
    population: int = 8,
    tournament: int = 3,
    coreset: int = 10,
    learned: int = 12,
    crossover_probability: float = 0.1,
    max_elements: int = 800,
    top_n: int = 4,
    kick: int = 3,
    actions: Sequence[str] | None = None,
    check_behaviour: bool = True,
) -> SearchResult:
    """The best of a pipeline evolution from -Oz's pipeline, extended by a greedy flat tail.

    pipeline_fraction: the share of the budget (steps or time) the pipeline phase gets.
    coreset: how many of `coreset_guided`'s sequences seed the evolution, as pipelines.
    population, tournament, learned, crossover_probability, max_elements: as for `pipeline_evolve`.
    top_n: how many of the best tails a kick starts from.
    kick: at most this many random units are appended before each greedy descent.
    actions: the flat passes the tail draws from (action names; default every single pass).
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    from cgym_ray.llvm.backend import get_backend
    from cgym_ray.search.default_coreset import DEFAULT_CORESET
    from cgym_ray.search.pipeline_coreset import default_pipelines

    if not 0 <= pipeline_fraction <= 1:
        raise ValueError(f"pipeline_fraction must be in [0, 1], not {pipeline_fraction}")
    rng = np.random.default_rng(seed)
    with PipelineRun(
        "pipeline_hybrid", make_env, benchmark, budget, seed, report, check_behaviour
    ) as run:
        catalogue = get_backend(run.env.backend).actions
        # 1. Whole pipelines, from -Oz's, the known-good seeds and the flat coreset.
        flat = [
            flat_pipeline(commandline, catalogue, leave_out=HAZARDS)
            for commandline in DEFAULT_CORESET[:coreset]
        ]
        evolve(
            run,
            seed_pipelines() + flat + default_pipelines()[:learned],
            rng,
            population=population,
            tournament=tournament,
            crossover_probability=crossover_probability,
            max_elements=max_elements,
            stop=lambda: run.clock.fraction_used >= pipeline_fraction,
        )

        # 2. Flat passes after the best pipeline.
        base = run.best
        kicks = tail_search(run, base, tail_units(catalogue, actions), rng, top_n=top_n, kick=kick)

        best_tail = len(run.best.elements) - len(base.elements)
        return run.result(
            {
                "pipeline_fraction": pipeline_fraction,
                "population": population,
                "tournament": tournament,
                "coreset": coreset,
                "learned": learned,
                "crossover_probability": crossover_probability,
                "max_elements": max_elements,
                "top_n": top_n,
                "kick": kick,
                "actions": actions,
                "kicks": kicks,
                "tail_elements": max(best_tail, 0),
            }
        )
