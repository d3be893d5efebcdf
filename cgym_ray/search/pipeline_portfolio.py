"""The learned flat portfolio and -Oz's pipeline with learned marks and edits, in one pipeline env (issue 18).

    >>> result = pipeline_portfolio(make_env, "benchmark://chstone-src-v0/sha", Budget(steps=50), seed=0)
    ... # doctest: +SKIP

Two routes win on different programs (results/pipelines.md): the learned
flat sequences (`portfolio`, which may take -Oz's size marks off every
function) on cBench bzip2 and gsm, CHStone adpcm and gsm; -Oz's own pipeline
after per-function marks and learned edits (`pipeline_marks`) on most of
CHStone and on the small cBench programs. A flat sequence is written as a
pipeline that compiles to what playing it gives (`pipelines.flat`), so one
search in `llvm-pipeline-ic-v0` plays both and its result is one pipeline
text. Everything it plays was learned on training programs only, so with a
budget of 50 steps it is a learned portfolio of at most 50 compilations:

1. **Marks guesses**: -Oz's pipeline after the marks each learned rule
   (`marks_rules`, `rules`) gives from the -O0 module's functions, one
   compilation each; the best is the route's start.
2. **Flat sequences**: any `lead` first (a policy's choices), then the learned
   portfolio's (`learned`, by default the one `portfolio` plays), in its
   order, each one compilation. One compile
   measures every pass's end (`PipelineEnv.segment_scores`), so, as the flat
   `portfolio` does, the best prefix counts; when it is shorter than the
   sequence and beats the best so far it is compiled as its own pipeline (one
   more compilation) and taken.
3. **-Oz's route**, unless the flat sequences lead it by more than
   `oz_margin` (then they get everything left), for `oz_share` of the
   budget left: half of it a pass of
   `pipeline_marks`' coordinate descent over each function's marks (`main`
   first, then the largest), half the learned edits of -Oz's pipeline
   (`edits`, the edit policy's released list by default), in their learned
   order; a mark or an edit stays when it beats the route's best so far,
   whether or not it beats the flat sequences. Past the margin it gets
   `oz_least` of it instead (0 by default), for the learned edits alone.
4. **The leading route gets the rest.**
   - The flat sequences lead: as `portfolio`'s refinement does, the played
     sequences, best first, as tails after the best prefix, round after round
     while a round pays, then random walks of `walk_length` actions after it
     (every action but `HAZARDS`), one compile each, its best prefix
     counting.
   - -Oz's route leads: the rest of the learned edits, then
     `pipeline_hybrid.tail_search`, single passes after the best pipeline.

Every new best is compiled whole and, on a runnable benchmark, its program
runs and must match (`PipelineRun`); the search starts from -Oz's pipeline,
so it is never worse than -Oz. Budget: each compiled pipeline is one step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cgym_ray.llvm.actions import ActionCatalogue
from cgym_ray.llvm.pipelines.edits import read_edit_file
from cgym_ray.llvm.pipelines.flat import flat_to_pipeline
from cgym_ray.llvm.pipelines.marks_rules import LEARNED_RULES, read_rules
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_common import HAZARDS, PipelineRun
from cgym_ray.search.pipeline_hybrid import tail_search, tail_units
from cgym_ray.search.pipeline_marks import (
    LEARNED_EDITS,
    edits_round,
    marks_round,
    with_marks,
)
from cgym_ray.search.portfolio import LEARNED, learned_file, learned_sequences

# -Oz's route gets its share of the budget unless the flat sequences lead it by
# more than this after they are played; chosen on the training programs
# (results/pipelines.md, "Both routes in one pipeline env").
OZ_MARGIN = 0.01
# The share of what is left that -Oz's route gets when the flat sequences lead by
# more than `OZ_MARGIN`, all for its learned edits (from the marks guess's best):
# chosen on the training programs (results/pipelines.md, "-Oz's route on every program").
OZ_LEAST = 0.0


@dataclass
class FlatRoute:
    """A best prefix of flat sequences (one played, or the route so far): its actions and score."""

    actions: tuple[str, ...] = ()
    score: float = float("-inf")


def play_flat(
    run: PipelineRun, catalogue: ActionCatalogue, actions: Sequence[str], what: str
) -> FlatRoute | None:
    """A flat sequence as one pipeline: its best prefix, actions and score (None: it failed).

    One compile measures every action's end (`PipelineEnv.segment_scores`),
    as one flat play does; the shortest of the best prefixes counts. When it
    is shorter than the sequence and beats the search's best, it is compiled
    as its own pipeline (one more step) so that it is checked and taken.
    """
    flat = flat_to_pipeline(" ".join(actions), catalogue)
    if not flat.ends or run.evaluate(flat.pipeline, what) is None:
        return None
    if str(run.env.pipeline) != str(flat.pipeline):  # seen before: its score was remembered
        return FlatRoute(flat.held, run.scores[str(flat.pipeline)])
    scores = run.env.segment_scores()
    at = {n: scores[end - 1] for n, end in enumerate(flat.ends, 1) if scores[end - 1] is not None}
    if not at:
        return None
    length = max(at, key=lambda n: (at[n], -n))
    if length < len(flat.held) and at[length] > run.best_score + run.min_improvement:
        if run.evaluate(flat.prefix(length), f"{what}, its first {length}") is None:
            return None
    return FlatRoute(flat.held[:length], at[length])


def refine_flat(
    run: PipelineRun,
    catalogue: ActionCatalogue,
    route: FlatRoute,
    tails: Sequence[tuple[str, ...]],
    walk: Sequence[str],
    walk_length: int,
    rng: np.random.Generator,
) -> tuple[FlatRoute, int, int]:
    """After the flat route's best prefix: `tails` round after round, then random walks.

    As `portfolio.refine_best` does on the flat env: each tail (a played
    sequence, best first) is one compile after the best prefix, until a whole
    round finds nothing better; then random sequences of `walk_length` of
    the `walk` actions, one compile each, until the budget is spent. The
    route, and the tails and walks played.
    """
    played_tails = walks = since_better = 0
    while tails and since_better < len(tails) and not run.clock.exhausted:
        tail = tails[played_tails % len(tails)]
        played_tails += 1
        found = play_flat(run, catalogue, route.actions + tail, "flat tail")
        if found is not None and found.score > route.score + run.min_improvement:
            route, since_better = found, 0
        else:
            since_better += 1
    while walk and not run.clock.exhausted:
        walks += 1
        steps = tuple(str(name) for name in rng.choice(list(walk), size=walk_length))
        found = play_flat(run, catalogue, route.actions + steps, "flat walk")
        if found is not None and found.score > route.score + run.min_improvement:
            route = found
    return route, played_tails, walks


def pipeline_portfolio(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    learned: str = LEARNED,
    lead: Sequence[str] = (),
    edits: str = "released",
    rules: str = "released",
    walk_length: int = 48,
    oz_share: float = 0.5,
    oz_margin: float = OZ_MARGIN,
    oz_least: float = OZ_LEAST,
    top_n: int = 4,
    kick: int = 3,
    actions: Sequence[str] | None = None,
    check_behaviour: bool = True,
) -> SearchResult:
    """-Oz's pipeline with learned marks, the learned flat sequences, learned edits, then a flat tail.

    learned: which learned flat portfolio to play (`data/portfolio-LEARNED.txt`).
    lead: flat commandlines to play before the learned ones (a policy's choices,
        best first: `rl.chooser_portfolio`).
    edits: an edit-policy file whose learned edits to try ("released": the shipped one).
    rules: a `marks_rules` file whose learned rules give the marks to try first
        ("released": the shipped one; "none": no marks guess).
    walk_length: the actions of each random walk after the flat route's best prefix.
    oz_share: the share of the budget left after the flat sequences that -Oz's
        route gets first (marks, then edits), whichever route leads...
    oz_margin: ...unless the flat sequences lead it by more than this (in
        reward: fractions of what -Oz removes from -O0); then it gets...
    oz_least: ...this share instead, all of it for the learned edits.
    top_n, kick, actions: the flat tail's, as for `pipeline_hybrid`.
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    from cgym_ray.llvm.backend import get_backend

    for name, share in (("oz_share", oz_share), ("oz_least", oz_least)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be in [0, 1], not {share}")
    leading = [" ".join(commandline.split()) for commandline in lead]
    sequences = list(dict.fromkeys([*leading, *learned_sequences(learned_file(learned))]))
    learned_edits, _ = read_edit_file(LEARNED_EDITS if edits == "released" else edits)
    marks_rules = (
        [] if rules == "none" else read_rules(LEARNED_RULES if rules == "released" else rules)
    )
    rng = np.random.default_rng(seed)
    with PipelineRun(
        "pipeline_portfolio", make_env, benchmark, budget, seed, report, check_behaviour
    ) as run:
        catalogue = get_backend(run.env.backend).actions
        # 1. -Oz's pipeline with the learned marks guesses.
        oz_tree, choice, oz_route = run.best, {}, run.best_score
        facts = run.env.function_facts()
        sizes = {fact.name: fact.instructions for fact in facts}

        def until(share: float) -> Callable[[], bool]:
            return lambda: run.clock.fraction_used >= share or run.clock.exhausted

        for rule in marks_rules:
            guess = rule.marks(facts)
            if run.clock.exhausted or not guess:
                continue
            tried = run.evaluate(with_marks(oz_tree, guess), f"marks rule: {rule}")
            if tried is not None and tried > oz_route + run.min_improvement:
                choice, oz_route = dict(guess), tried
        # 2. The learned flat sequences, best prefix each.
        flat, played = FlatRoute(), []
        for number, commandline in enumerate(sequences, 1):
            if run.clock.exhausted:
                break
            found = play_flat(run, catalogue, commandline.split(), f"flat sequence {number}")
            if found is None:
                continue
            played.append(found)
            if found.score > flat.score + run.min_improvement:
                flat = found
        after_sequences = {"flat": flat.score, "oz": oz_route}
        # 3. -Oz's route for `oz_share` of what is left: marks by descent, `main`
        # first, then the learned edits, each kept when it beats the route's best.
        start = run.clock.fraction_used
        close = flat.score - oz_route <= oz_margin
        share = oz_share if close else oz_least
        marks_end = start + share * (1 - start) / 2 if close else start
        oz_end = start + share * (1 - start)
        order = sorted(sizes, key=lambda name: (name != "main", -sizes[name]))
        choice, oz_route = marks_round(run, oz_tree, order, choice, oz_route, until(marks_end))
        tree, kept, taken = oz_tree, [], set()
        tree, oz_route = edits_round(
            run, tree, kept, taken, choice, oz_route, learned_edits, until(oz_end)
        )
        # 4. The leading route gets the rest.
        kicks = tails = walks = 0
        led = "flat" if flat.score > oz_route else "oz"
        if led == "flat":
            ranked = [p.actions for p in sorted(played, key=lambda p: -p.score) if p.actions]
            walk = [a.name for a in catalogue if a.name not in HAZARDS]
            flat, tails, walks = refine_flat(run, catalogue, flat, ranked, walk, walk_length, rng)
        else:
            tree, oz_route = edits_round(
                run, tree, kept, taken, choice, oz_route, learned_edits, until(1.0)
            )
            if not run.clock.exhausted:
                units = tail_units(catalogue, actions)
                kicks = tail_search(run, run.best, units, rng, top_n=top_n, kick=kick)
        return run.result(
            {
                "learned": learned,
                "lead": len(leading),
                "edits": edits,
                "rules": rules,
                "walk_length": walk_length,
                "top_n": top_n,
                "kick": kick,
                "actions": actions,
                "marks": dict(choice),
                "oz_share": oz_share,
                "oz_margin": oz_margin,
                "oz_least": oz_least,
                "led": led,
                "after_sequences": after_sequences,
                "flat_score": flat.score,
                "oz_route_score": oz_route,
                "kept_edits": len(kept),
                "tails": tails,
                "walks": walks,
                "kicks": kicks,
            }
        )
