"""Evolutionary search over pass pipelines from -Oz's, seeded by learned pipelines (issue 18 item 4).

    >>> result = pipeline_evolve(make_env, "benchmark://cgym-suite-v0/crc32", Budget(seconds=60), seed=0)
    ... # doctest: +SKIP

A steady-state population (`population` members) of whole pipelines in
`llvm-pipeline-ic-v0`, started from -Oz's pipeline, the hand-made variants
of `SEEDS` (issue 18's probe found about 40 % of its gain in deleting the
inliner and the early function-simplification groups) and the first `learned`
pipelines of the learned coreset (`pipeline_coreset.DEFAULT_PIPELINES`,
learned on other programs). Then, until the budget is spent: pick a parent
by a tournament of `tournament`, make a child of one to three mutations, or
a crossover of two members, compile it, and put it in place of the worst
member if it beats it. The mutations:

- insert a pass the probe found useful (`USEFUL`: reassociate, gvn-hoist,
  another instcombine, `loop-rotate<no-header-duplication>`, indvars, …) at
  a random place of a level that takes it;
- delete an element (half the time a whole group: an adaptor or `inline`);
- change a parameter (half the time of a `simplifycfg`);
- any edit of the env's action space (`edits.apply_edit`).

Passes in `HAZARDS` (attributor, iroutliner) never enter a pipeline. Every
new best runs its program first (`PipelineRun`); the result is never worse
than -Oz's pipeline. Budget: every compiled pipeline is one step; a
pipeline compiled before is not compiled again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from cgym_ray.llvm.pipelines import Pipeline, oz_pipeline
from cgym_ray.llvm.pipelines.edits import tree_edit_space
from cgym_ray.llvm.pipelines.tree import Element
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_common import PipelineRun

# Passes issue 18's probe found useful to insert, by the level they stand at
# (a function pass also goes in at module level, wrapped in `function(...)`).
USEFUL: dict[str, tuple[str, ...]] = {
    "loop": (
        "loop-rotate<no-header-duplication>",
        "indvars",
        "loop-instsimplify",
        "loop-simplifycfg",
        "loop-deletion",
        "licm",
        "loop-idiom",
    ),
    "function": (
        "reassociate",
        "gvn-hoist",
        "instcombine<max-iterations=1;no-verify-fixpoint>",
        "instcombine<no-verify-fixpoint>",
        "simplifycfg",
        "simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;switch-range-to-icmp;"
        "no-switch-to-lookup;keep-loops;hoist-common-insts;sink-common-insts;speculate-blocks;"
        "simplify-cond-branch;no-speculate-unpredictables>",
        "early-cse<memssa>",
        "sroa<modify-cfg>",
        "gvn<>",
        "newgvn",
        "sccp",
        "dse",
        "adce",
        "bdce",
        "instsimplify",
        "jump-threading",
        "correlated-propagation",
        "aggressive-instcombine",
        "mldst-motion<no-split-footer-bb>",
        "sink",
        "tailcallelim",
        "loop-mssa(loop-rotate<no-header-duplication>)",
        "loop-mssa(licm<allowspeculation>)",
        "loop(indvars,loop-deletion)",
    ),
    "module": (
        "mergefunc",
        "globaldce",
        "constmerge",
        "deadargelim",
        "globalopt",
        "ipsccp",
        "strip-dead-prototypes",
        "function(reassociate,instcombine<max-iterations=1;no-verify-fixpoint>,simplifycfg)",
    ),
}

# The search ends after this many children in a row that were not compiled.
MAX_IDLE = 2000

# Hand-made variants of -Oz's pipeline tried first: element names whose
# elements are deleted (top-level function groups are named by position).
SEEDS: tuple[tuple[str, ...], ...] = (
    ("inline",),
    ("early-groups",),
    ("inline", "early-groups"),
)


@functools.lru_cache(maxsize=4)
def _useful_at(level: str) -> tuple[Element, ...]:
    """The useful elements that can stand in a pipeline of `level`."""
    elements = [Pipeline.parse(text).elements[0] for text in USEFUL.get(level, ())]
    if level == "module":
        elements += [Element("function", None, (e,)) for e in _useful_at("function")[:12]]
    if level == "cgscc":
        elements += [Element("function", None, (e,)) for e in _useful_at("function")[:12]]
    return tuple(elements)


def _delete_named(pipeline: Pipeline, names: tuple[str, ...]) -> Pipeline:
    from cgym_ray.llvm.pipelines.edits import _drop_empty_adaptors

    def keep(element: Element) -> bool:
        return element.name not in names

    def clean(elements: tuple[Element, ...]) -> tuple[Element, ...]:
        kept = []
        for element in elements:
            if not keep(element):
                continue
            if element.children is not None:
                element = element.with_children(clean(element.children))
            kept.append(element)
        return tuple(kept)

    elements = pipeline.elements
    if "early-groups" in names:  # the function groups before the inliner's walk
        walk = next((i for i, e in enumerate(elements) if e.name == "cgscc"), len(elements))
        elements = tuple(e for i, e in enumerate(elements) if i >= walk or e.name != "function")
    return _drop_empty_adaptors(Pipeline(clean(elements)))


def seed_pipelines() -> list[Pipeline]:
    """-Oz's pipeline with the `SEEDS` deletions."""
    oz = oz_pipeline()
    return [_delete_named(oz, names) for names in SEEDS]


def mutate(pipeline: Pipeline, rng: np.random.Generator, nvec) -> tuple[Pipeline, str]:
    """One random mutation of `pipeline` and what it did."""
    from cgym_ray.llvm.pipelines.edits import (
        _drop_empty_adaptors,
        apply_edit,
        parameter_edits,
        places,
    )

    kind = rng.random()
    if kind < 0.35:  # insert a useful pass
        found = places(pipeline)
        place = found[int(rng.integers(len(found)))]
        level = pipeline.level_at(place.parent)
        in_plain_loop = bool(place.parent) and pipeline.at(place.parent).name == "loop"
        choices = [e for e in _useful_at(level) if not (in_plain_loop and e.name in ("licm",))]
        if not choices:
            return pipeline, "no useful pass at this level"
        unit = choices[int(rng.integers(len(choices)))]
        siblings = pipeline.children_at(place.parent)
        updated = siblings[: place.index] + (unit,) + siblings[place.index :]
        return pipeline.replace_children(place.parent, updated), f"insert {unit} at {level} level"
    walked = list(pipeline.walk())
    if kind < 0.6:  # delete an element, half the time a group
        groups = [(p, e) for p, e, _ in walked if e.is_adaptor or e.name == "inline"]
        pool = groups if groups and rng.random() < 0.5 else [(p, e) for p, e, _ in walked]
        path, element = pool[int(rng.integers(len(pool)))]
        siblings = pipeline.children_at(path[:-1])
        updated = siblings[: path[-1]] + siblings[path[-1] + 1 :]
        edited = _drop_empty_adaptors(pipeline.replace_children(path[:-1], updated))
        return edited, f"delete {element.head if element.is_adaptor else element}"
    if kind < 0.8:  # a parameter, half the time of a simplifycfg
        tunable = [(p, e) for p, e, _ in walked if parameter_edits(e)]
        if not tunable:
            return pipeline, "no parameter to change"
        cfg = [(p, e) for p, e in tunable if e.name == "simplifycfg"]
        pool = cfg if cfg and rng.random() < 0.5 else tunable
        path, element = pool[int(rng.integers(len(pool)))]
        edits = parameter_edits(element)
        changed = element.with_params(edits[int(rng.integers(len(edits)))])
        siblings = pipeline.children_at(path[:-1])
        updated = siblings[: path[-1]] + (changed,) + siblings[path[-1] + 1 :]
        return pipeline.replace_children(path[:-1], updated), f"parameter {element} -> {changed}"
    return apply_edit(pipeline, *(int(part) for part in rng.integers(nvec)))


def crossover(first: Pipeline, second: Pipeline, rng: np.random.Generator) -> Pipeline:
    """Top-level elements of `first` up to a cut, then `second`'s from the same point on."""
    cut = int(rng.integers(1, max(min(len(first.elements), len(second.elements)), 2)))
    return Pipeline(first.elements[:cut] + second.elements[cut:])


def evolve(
    run: PipelineRun,
    starts: Sequence[Pipeline],
    rng: np.random.Generator,
    *,
    population: int = 8,
    tournament: int = 3,
    crossover_probability: float = 0.1,
    max_elements: int = 400,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Evolve a population from the run's best and `starts` until the budget is spent or `stop()`.

    What it finds is in `run` (`run.best`); `pipeline_evolve` documents the steps.
    """
    nvec = tree_edit_space(run.env.action_space.nvec)  # marks rules are not proposed
    members: list[tuple[float, Pipeline]] = [(run.best_score, run.best)]

    def over() -> bool:
        return run.clock.exhausted or stop()

    def admit(child: Pipeline, score: float | None) -> None:
        if score is None or any(str(child) == str(p) for _, p in members):
            return
        if len(members) < population:
            members.append((score, child))
        else:
            worst = min(range(len(members)), key=lambda i: members[i][0])
            if score > members[worst][0]:
                members[worst] = (score, child)

    for start in starts:
        if over():
            return
        if run.valid(start):
            admit(start, run.evaluate(start, "seed"))

    idle = 0  # children in a row that were not compiled (invalid, or seen before)
    while not over() and idle < MAX_IDLE:
        spent = run.clock.steps
        if len(members) > 1 and rng.random() < crossover_probability:
            a, b = rng.choice(len(members), size=2, replace=False)
            child, what = crossover(members[a][1], members[b][1], rng), "crossover"
        else:
            entrants = rng.integers(len(members), size=min(tournament, len(members)))
            child = max((members[int(i)] for i in entrants), key=lambda m: m[0])[1]
            done = []
            for _ in range(1 + int(rng.geometric(0.5) > 1) + int(rng.geometric(0.5) > 2)):
                child, edit = mutate(child, rng, nvec)
                done.append(edit)
            what = "; ".join(done)
        if sum(1 for _ in child.walk()) <= max_elements and run.valid(child):
            admit(child, run.evaluate(child, what))
        idle = 0 if run.clock.steps > spent else idle + 1


def pipeline_evolve(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    population: int = 8,
    tournament: int = 3,
    learned: int = 12,
    crossover_probability: float = 0.1,
    max_elements: int = 400,
    check_behaviour: bool = True,
) -> SearchResult:
    """The best pipeline of a steady-state evolution from -Oz's pipeline and seeds.

    population: how many pipelines are kept.
    tournament: how many members a parent is the best of.
    learned: how many pipelines of the learned coreset seed the population (0: none).
    crossover_probability: the probability that a child is a crossover of two members.
    max_elements: children with more elements (nested ones counted) are not compiled.
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    from cgym_ray.search.pipeline_coreset import default_pipelines

    rng = np.random.default_rng(seed)
    with PipelineRun(
        "pipeline_evolve", make_env, benchmark, budget, seed, report, check_behaviour
    ) as run:
        evolve(
            run,
            seed_pipelines() + default_pipelines()[:learned],
            rng,
            population=population,
            tournament=tournament,
            crossover_probability=crossover_probability,
            max_elements=max_elements,
        )
        return run.result(
            {
                "population": population,
                "tournament": tournament,
                "learned": learned,
                "crossover_probability": crossover_probability,
                "max_elements": max_elements,
            }
        )
