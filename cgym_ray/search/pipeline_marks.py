"""Per-function marks before -Oz's pipeline, learned edits of it, then flat passes after it (issue 18).

    >>> result = pipeline_marks(make_env, "benchmark://chstone-src-v0/sha", Budget(seconds=60), seed=0)
    ... # doctest: +SKIP

-Oz marks every function `minsize` and `optsize` and lets the inliner decide
what to inline. Which marks pay differs from function to function: taking
`minsize` off `main`, or keeping a callee out of line, shrinks 9 of CHStone's
12 programs by 8–15 % under -Oz's own pipeline (results/pipelines.md). This search
chooses the marks per function, in one pipeline env (`llvm-pipeline-ic-v0`),
so its result is one pipeline text that starts with a `function-marks`
element (`cgym_ray.llvm.pipelines.marks`):

1. **Marks**: a pass of coordinate descent from -Oz's pipeline with no
   marks changed. For each function of the -O0 module, largest first, each
   option of `OPTIONS` is compiled in turn (a whole compile: the marks come
   before every pass), and an option is kept when it beats the best so far.
   The first pass stops at `marks_fraction` of the budget.
2. **Edits**: the learned single edits of -Oz's pipeline that `edit_policy`
   plays (`edits`, by default the released list, learned on training
   programs only), in their learned order, each compiled after the marks
   chosen and kept when it beats the best so far. Marks and edits act
   through the same pipeline, so they add up on some programs and not on
   others (results/pipelines.md).

   Marks then edits again, each over what the other chose, for at most
   `rounds` rounds, while a round pays and until `marks_fraction +
   edits_fraction` of the budget is spent (an edit kept stays kept).
3. **Flat phase**, the rest: `pipeline_hybrid.tail_search` appends single
   passes after the best pipeline (each tried on a copy of the module, then
   compiled), then kicks.

Every new best is compiled whole and, on a runnable benchmark, its program
runs and must match (`PipelineRun`); the result replays in
`llvm-pipeline-ic-v0` and is never worse than -Oz's pipeline, where it starts.
A mark changes no program's meaning, so the check guards the passes only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from cgym_ray.llvm.pipelines import Pipeline
from cgym_ray.llvm.pipelines.edits import Edit, edited, read_edit_file, shifted
from cgym_ray.llvm.pipelines.marks import MARK_OPTIONS
from cgym_ray.llvm.pipelines.marks_rules import marks_for
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_common import PipelineRun
from cgym_ray.search.pipeline_hybrid import tail_search, tail_units

# What a function may carry instead of -Oz's marks (`marks.MARK_OPTIONS`).
OPTIONS = MARK_OPTIONS

# The released edit policy's learned edits of -Oz's pipeline (`python -m cgym_ray.rl.edit_policy`).
LEARNED_EDITS = Path(__file__).parent / "data" / "edit-policy-v1.json"


def with_marks(base: Pipeline, choice: Mapping[str, str]) -> Pipeline:
    """`base` after a `function-marks` element for `choice` (function -> option); `base` if empty."""
    element = marks_for(choice)
    return Pipeline((element, *base.elements)) if element is not None else base


def functions_by_size(run: PipelineRun) -> list[str]:
    """The -O0 module's defined functions, largest first (ties in module order)."""
    facts = run.env.function_facts()  # module order; the env reads them once an episode
    return [fact.name for fact in sorted(facts, key=lambda fact: -fact.instructions)]


def marks_round(
    run: PipelineRun,
    tree: Pipeline,
    functions: Sequence[str],
    choice: dict[str, str],
    score: float,
    stop: Callable[[], bool],
) -> tuple[dict[str, str], float]:
    """One pass of coordinate descent over each function's option, before `tree`.

    An option stays when its compile beats `score`, the best of this route
    so far (here, the search's best; `pipeline_portfolio` keeps another
    route beside it). The choice and its score.
    """
    for function in functions:
        for option in ("Oz", *OPTIONS):
            if stop():
                return choice, score
            if option == choice.get(function, "Oz"):
                continue
            trial = {name: o for name, o in choice.items() if name != function}
            if option != "Oz":
                trial[function] = option
            tried = run.evaluate(with_marks(tree, trial), f"mark {function} {option}")
            if tried is not None and tried > score + run.min_improvement:
                choice, score = trial, tried
    return choice, score


def edits_round(
    run: PipelineRun,
    tree: Pipeline,
    kept: list[Edit],
    taken: set[int],
    choice: Mapping[str, str],
    score: float,
    edits: Sequence[Edit],
    stop: Callable[[], bool],
) -> tuple[Pipeline, float]:
    """Each learned edit not `taken` yet, in order, after the marks `choice`, kept if it beats `score`.

    `kept` (the edits made, in `tree`'s coordinates) and `taken` (their
    indices in `edits`) grow with each edit kept; the tree they give, and
    its score.
    """
    for index, learned in enumerate(edits):
        if stop():
            break
        if index in taken:
            continue
        edit = shifted(learned, kept)
        if edit is None or (candidate := edited(tree, edit)) is None:
            continue  # it does not apply after the edits kept
        tried = run.evaluate(with_marks(candidate, choice), f"edit {edit}")
        if tried is not None and tried > score + run.min_improvement:
            kept.append(edit)
            taken.add(index)
            tree, score = candidate, tried
    return tree, score


def pipeline_marks(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    marks_fraction: float = 0.4,
    edits_fraction: float = 0.4,
    edits: str = "released",
    rounds: int = 3,
    top_n: int = 4,
    kick: int = 3,
    actions: Sequence[str] | None = None,
    check_behaviour: bool = True,
) -> SearchResult:
    """-Oz's pipeline with the per-function marks and learned edits that paid, then a greedy flat tail.

    marks_fraction: the share of the budget (steps or time) the first round's marks may use.
    edits_fraction: what marks and edits may use more, all rounds together; the tail gets the rest.
    edits: an edit-policy file whose learned edits to try ("released": the shipped one).
    rounds: at most this many rounds of marks then edits (fewer once a round finds nothing).
    top_n, kick, actions: the flat phase's, as for `pipeline_hybrid`.
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    from cgym_ray.llvm.backend import get_backend

    if not (0 <= marks_fraction <= 1 and 0 <= edits_fraction <= 1 - marks_fraction):
        raise ValueError(
            "marks_fraction and edits_fraction must be in [0, 1] and sum to at most 1, "
            f"not {marks_fraction} and {edits_fraction}"
        )
    learned, _ = read_edit_file(LEARNED_EDITS if edits == "released" else edits)
    rng = np.random.default_rng(seed)
    with PipelineRun(
        "pipeline_marks", make_env, benchmark, budget, seed, report, check_behaviour
    ) as run:
        functions = functions_by_size(run)
        tree, choice, kept, taken = run.best, {}, [], set()  # -Oz's pipeline, as it is

        def until(share: float) -> Callable[[], bool]:
            return lambda: run.clock.fraction_used >= share

        structure_end = marks_fraction + edits_fraction
        played = 0
        score = run.best_score
        while played < rounds:
            first = played == 0
            played += 1
            before = score
            choice, score = marks_round(
                run,
                tree,
                functions,
                choice,
                score,
                until(marks_fraction if first else structure_end),
            )
            tree, score = edits_round(
                run, tree, kept, taken, choice, score, learned, until(structure_end)
            )
            if score <= before or run.clock.fraction_used >= structure_end:
                break
        catalogue = get_backend(run.env.backend).actions
        kicks = tail_search(
            run, run.best, tail_units(catalogue, actions), rng, top_n=top_n, kick=kick
        )
        return run.result(
            {
                "marks_fraction": marks_fraction,
                "edits_fraction": edits_fraction,
                "edits": edits,
                "rounds": rounds,
                "rounds_played": played,
                "top_n": top_n,
                "kick": kick,
                "actions": actions,
                "functions": len(functions),
                "marks": dict(choice),
                "kept_edits": [str(edit) for edit in kept],
                "kicks": kicks,
            }
        )
