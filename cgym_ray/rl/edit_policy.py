"""A closed-loop policy on the pipeline env: -Oz's pipeline, then learned edits it keeps only if they pay.

    >>> policy = EditPolicy.load(RELEASED)                                    # doctest: +SKIP
    >>> result = edit_policy_agent(make_env, uri, Budget(steps=45), seed=0)  # doctest: +SKIP

Issue 19's target (b) asks for a policy above -Oz on *every* unseen program.
An open-loop choice of a pass list cannot promise that: one wrong choice and
a program ends below -Oz (results/rl.md). On the pipeline env
(`llvm-pipeline-ic-v0`) an episode starts at -Oz's own pipeline, score 1.0,
and an edit can be undone by one more edit. So this policy:

1. tries its learned edits of -Oz's pipeline in its learned order, one env
   step each (`PipelineEnv.step` with the edit's action);
2. reads the step's reward; an edit that made the program bigger is undone
   by its inverse edit (one more step), one that did not is kept;
3. stops before `max_steps` (45 by default) would be passed.

It never makes the program bigger than -Oz's, and it is above -Oz wherever
one of the edits it tried paid. On a runnable benchmark it runs the program
after each step that made it smaller, and undoes that step too if the
program misbehaves (`check_each`; a held-out MiBench program, typeset, is
miscompiled by inserting `newgvn`); this costs program runs, not steps. The
final state's program is run once at the end, as for the other policies (the
episode's status `misbehaves`, the result's `final_misbehaves`), so an edit
that kept the count and still miscompiled shows in its figures.

What it learns (`score_table`, `policy_from`; `python -m cgym_ray.rl.edit_policy`): every single
edit of -Oz's pipeline in a candidate set (deleting a pass, changing a
parameter, inserting one of a short list of function or loop passes at a
place of its level) is compiled on every training program, and the order is
chosen greedily (`order_edits`): first the edit that most raises the training
programs' geomean of max(1, score) of the best edit tried so far (so that
each program has some edit that pays early), then the rest by their summed
log gain.

Edits are written against -Oz's tree (`Edit`: a place as a parent path and an
index, and the element text there); `shifted` moves an edit's place past the
edits already kept, so the learned list applies to whatever tree the episode
has reached.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cgym_ray.envs.llvm_env import PlayedStep
from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.llvm.pipelines import Pipeline, oz_pipeline
from cgym_ray.llvm.pipelines.edits import (
    EDITS_VERSION,
    Edit,
    action_for,
    edited,
    inverse,
    learned_rules,
    parameter_edits,
    places,
    read_edit_file,
    realised,
    shifted,
)
from cgym_ray.search.common import (
    Budget,
    BudgetClock,
    EnvFactory,
    Report,
    SearchResult,
    behaviour_failure,
    map_programs,
)
from cgym_ray.search.pipeline_common import has_hazard, pipeline_env, play_edit, report_episode
from cgym_ray.search.pipeline_marks import LEARNED_EDITS

# Function passes an edit may insert (a short list: each one is tried at every function-level
# place of -Oz's pipeline). The passes the per-function probe and issue 18's climber found
# paying after or inside -Oz (results/pipelines.md).
INSERTED = (
    "reassociate",
    "gvn-hoist",
    "instcombine<no-verify-fixpoint>",
    "load-store-vectorizer",
    "early-cse<memssa>",
    "newgvn",
    "dse",
    "mldst-motion",
    "instsimplify",
    "loop-mssa(indvars)",
    "simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond;switch-range-to-icmp;"
    "no-switch-to-lookup;keep-loops;hoist-common-insts;sink-common-insts;speculate-blocks;"
    "simplify-cond-branch;no-speculate-unpredictables>",
)
# Loop passes an edit may insert, at every loop-level place.
LOOP_INSERTED = (
    "indvars",
    "licm",
    "loop-deletion",
    "loop-idiom",
    "loop-instsimplify",
    "loop-simplifycfg",
)
MAX_STEPS = 45
VERSION = 1
# The released policy (v2: v1's edits and the learned marks rules, the env's `marks`
# operation). Its file is search data beside v1, which `pipeline_marks` plays.
RELEASED = LEARNED_EDITS.with_name("edit-policy-v2.json")


def candidate_edits(
    tree: Pipeline | None = None,
    inserted: Sequence[str] = INSERTED,
    loop_inserted: Sequence[str] = LOOP_INSERTED,
) -> list[Edit]:
    """Every single edit of `tree` (-Oz's by default) that the policy may learn, each undoable in one edit.

    Deleting a pass (not an adaptor), each parameter change of a pass, each
    of `inserted` at each function-level place and each of `loop_inserted`
    at each loop-level place, never a hazard pass (`pipeline_common.HAZARDS`);
    and each learned marks rule (the env's `marks` operation), whose marks
    depend on the program, so it is checked only where it is played.
    """
    tree = tree or oz_pipeline()
    found: list[Edit] = []
    for path, element, _ in tree.walk():
        parent, index = path[:-1], path[-1]
        if not element.is_adaptor:
            found.append(Edit("delete", parent, index, str(element), str(element)))
        for params in parameter_edits(element):
            found.append(
                Edit("parameter", parent, index, str(element.with_params(params)), str(element))
            )
    by_level = {"function": inserted, "loop": loop_inserted}
    for place in places(tree):
        for text in by_level.get(tree.level_at(place.parent), ()):
            found.append(Edit("insert", place.parent, place.index, text))
    return [
        edit
        for edit in found
        if (result := edited(tree, edit)) is not None and not has_hazard(result)
    ] + [Edit("marks", (), 0, str(rule)) for rule in learned_rules()]


@dataclass
class EditPolicy:
    """The learned edits of -Oz's pipeline, in the order the policy tries them."""

    edits: list[Edit]
    learned_on: list[str]  # the training programs
    training_score: float  # geomean over them of max(1, best single edit among the first 22)
    version: int = VERSION

    def save(self, path: str | Path) -> None:
        data = asdict(self)
        data["edits"] = [{**asdict(e), "parent": list(e.parent)} for e in self.edits]
        data["edits_version"] = EDITS_VERSION
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> EditPolicy:
        edits, data = read_edit_file(path)
        return cls(edits, list(data["learned_on"]), float(data["training_score"]))


# Learning.


def score_edits(benchmark: str, edits: Sequence[Edit]) -> list[float | None]:
    """The score of -Oz's pipeline with each single edit, on `benchmark` (None: the compiler failed)."""
    from cgym_ray.envs.pipeline_env import PipelineEnv

    env = PipelineEnv(benchmark=benchmark)
    tree = oz_pipeline()
    scores: list[float | None] = []
    try:
        env.reset(options={"benchmark": benchmark})
        marks = env.marks_choices()
        for edit in edits:
            result = edited(tree, edit, marks)
            if result is None:  # it does not apply to -Oz's pipeline (a rule: no marks here)
                scores.append(1.0 if edit.operation == "marks" else None)
                continue
            try:
                env.set_pipeline(result)
                scores.append(env.score)
            except (StepFailed, CompilerError):
                scores.append(None)
                env.reset(options={"benchmark": benchmark})  # the compiler died with the module
    finally:
        env.close()
    return scores


def order_edits(scores: np.ndarray, groups: Sequence[object] | None = None) -> list[int]:
    """The order to try edits in, from (programs, edits) scores (NaN: failed).

    Greedy: first the edit that most raises the sum over programs of
    log max(1, best score among the edits taken), until none raises it;
    then the others that paid somewhere, by their summed log gain divided by
    one more than the number of edits of their group (`groups[j]`, say the
    same pass inserted in the same pipeline) taken before them, so that one
    pass at twenty neighbouring places does not fill the tries. An edit that
    scores exactly as one already taken on every training program is left
    out: it would spend a try on what was tried.
    """
    gains = np.log(np.maximum(1.0, np.nan_to_num(scores, nan=0.0)))
    group_of = list(groups) if groups is not None else list(range(gains.shape[1]))
    best = np.zeros(gains.shape[0])
    order: list[int] = []
    left = set(range(gains.shape[1]))
    while left:
        candidates = sorted(left)
        lifts = [float(np.maximum(best, gains[:, j]).sum() - best.sum()) for j in candidates]
        pick = int(np.argmax(lifts))
        if lifts[pick] <= 0:
            break
        order.append(candidates[pick])
        best = np.maximum(best, gains[:, candidates[pick]])
        left.discard(candidates[pick])
    seen = {tuple(np.round(scores[:, j], 9)) for j in order}
    taken: dict[object, int] = {}
    for j in order:
        taken[group_of[j]] = taken.get(group_of[j], 0) + 1
    rest = [j for j in sorted(left) if gains[:, j].sum() > 0]
    while rest:
        pick = max(rest, key=lambda j: float(gains[:, j].sum()) / (1 + taken.get(group_of[j], 0)))
        rest.remove(pick)
        column = tuple(np.round(scores[:, pick], 9))
        if column in seen:
            continue
        order.append(pick)
        seen.add(column)
        taken[group_of[pick]] = taken.get(group_of[pick], 0) + 1
    return order


def group(edit: Edit) -> tuple[str, str, tuple[int, ...]]:
    """What `order_edits` counts as one kind of edit: the operation, the element, the pipeline it is in."""
    return edit.operation, edit.element, edit.parent


def score_table(
    benchmarks: Sequence[str],
    edits: Sequence[Edit],
    *,
    workers: int = 1,
    progress: Any = None,
) -> np.ndarray:
    """(programs, edits): the score of -Oz's pipeline with each single edit (NaN: the compiler failed)."""
    rows = map_programs(
        _score_job,
        [(uri, list(edits)) for uri in benchmarks],
        workers=workers,
        done=(lambda i: progress(i + 1, len(benchmarks), benchmarks[i])) if progress else None,
    )
    return np.array([[np.nan if s is None else s for s in row] for row in rows], dtype=float)


def policy_from(table: np.ndarray, edits: Sequence[Edit], benchmarks: Sequence[str]) -> EditPolicy:
    """The policy that tries `edits` in `order_edits`' order; its training score is its first tries' best."""
    order = order_edits(table, [group(e) for e in edits])
    first = table[:, order[: MAX_STEPS // 2]] if order else np.ones((len(benchmarks), 1))
    training = float(np.exp(np.mean(np.log(np.maximum(1.0, np.nanmax(first, axis=1))))))
    return EditPolicy([edits[j] for j in order], list(benchmarks), round(training, 6))


def _score_job(job: tuple[str, list[Edit]]) -> list[float | None]:
    return score_edits(*job)


# The agent.


def edit_policy_agent(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    model: str = "released",
    max_steps: int = MAX_STEPS,
    check_behaviour: bool = True,
    check_each: bool = True,
    keep_neutral: str = "all",
) -> SearchResult:
    """One episode of the edit policy on the pipeline env; its final state is the result.

    model: the learned policy (`EditPolicy.save`); "released" is the one shipped in the package.
    max_steps: the episode's length bound; an edit is tried only if its undo still fits.
    check_behaviour: run the final state's program (runnable benchmarks only).
    check_each: also run the program after each step that would be kept and made the
        program smaller, and undo that step if the program misbehaves (a miscompiling
        edit: `newgvn` on MiBench typeset, say). It costs program runs, not steps.
    keep_neutral: which steps that change no instruction count are kept: "all" of them,
        "edits" (a marks rule is kept only if it made the program smaller), or "none".
    """
    if keep_neutral not in ("all", "edits", "none"):
        raise CompilerError(f"keep_neutral must be 'all', 'edits' or 'none', not {keep_neutral!r}")
    policy = EditPolicy.load(RELEASED if model == "released" else model)
    env = pipeline_env(make_env, benchmark)
    started = time.monotonic()
    clock = BudgetClock(budget)
    env.reset(seed=seed, options={"benchmark": benchmark, "start": "oz"})
    steps: list[PlayedStep] = []
    kept: list[Edit] = []
    tried = undone = 0
    refused: list[str] = []  # kept edits whose program misbehaved, and why
    error: str | None = None

    marks = env.marks_choices() if any(e.operation == "marks" for e in policy.edits) else []

    def step(edit: Edit) -> float | None:
        """Make `edit` as one env step; its reward, or None if the compiler failed (`error` says why)."""
        nonlocal error
        action = action_for(env.pipeline, edit, marks)
        assert action is not None  # `edited` checked that it applies
        played = play_edit(env, action)
        clock.spend(1)
        steps.append(played)
        if played.terminated:
            error = str(played.info.get("error", {}).get("message", "compiler failure"))
            return None
        return played.reward

    try:
        for learned in policy.edits:
            if len(steps) + 2 > max_steps or clock.exhausted:
                break
            edit = shifted(learned, kept)
            if edit is None or edited(env.pipeline, edit, marks) is None:
                continue
            tried += 1
            reward = step(edit)
            if reward is None:
                break
            edit = realised(edit, env.pipeline)  # a marks rule: the insert of its element
            wrong = (
                behaviour_failure(env, clock)
                if check_each and check_behaviour and reward > 0 and env.benchmark.runnable
                else ""
            )
            neutral_kept = keep_neutral == "all" or (
                keep_neutral == "edits" and learned.operation != "marks"
            )
            if wrong:
                refused.append(f"{edit}: {wrong}")
            elif reward > 0 or (reward == 0 and neutral_kept):
                kept.append(edit)
                continue
            undone += 1
            if step(inverse(edit)) is None:
                break
        state = env.state
        misbehaves = ""
        if (
            error is None
            and check_behaviour
            and kept
            and env.benchmark is not None
            and env.benchmark.runnable
        ):
            misbehaves = behaviour_failure(env, clock)
        report_episode(report, benchmark, seed, steps, state, error, misbehaves)
    finally:
        env.close()
    score = float(state.reward) if state.reward is not None else 1.0
    return SearchResult(
        agent="edit_policy",
        benchmark=benchmark,
        best_state=state,
        best_reward=score,
        steps=len(steps),
        episodes=1,
        walltime_s=time.monotonic() - started,
        params={
            "model": model,
            "max_steps": max_steps,
            "tried": tried,
            "kept": len(kept),
            "undone": undone,
            "final_misbehaves": misbehaves,
            "kept_edits": [str(e) for e in kept],
            "check_each": check_each,
            "keep_neutral": keep_neutral,
            "refused": refused,
        },
    )


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    from cgym_ray.search.portfolio import TRAINING, training_benchmarks

    parser = argparse.ArgumentParser(
        prog="python -m cgym_ray.rl.edit_policy",
        description="Learn the edit policy: score single edits of -Oz's pipeline on training programs.",
    )
    parser.add_argument("--datasets", nargs="+", default=list(TRAINING))
    parser.add_argument("--split", default="train")
    parser.add_argument("--out", required=True, help="the policy JSON to write")
    parser.add_argument(
        "--scores", help="also write the (programs x edits) score table here (JSON)"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--screen",
        type=int,
        default=12,
        help="score every candidate on this many programs (evenly spaced) first, and only those "
        "that pay on one of them on all (0: every candidate on every program)",
    )
    parser.add_argument(
        "--reuse-scores",
        action="store_true",
        help="order the edits of the table in --scores again, compiling nothing",
    )
    parser.add_argument(
        "--extend",
        action="store_true",
        help="score only the candidates the table in --scores lacks, and add them to it",
    )
    parser.add_argument(
        "--operations",
        nargs="+",
        choices=("insert", "delete", "parameter", "marks"),
        help="score only the candidates of these operations (with --extend: the new marks rules, say)",
    )
    args = parser.parse_args(argv)
    if (args.reuse_scores or args.extend) and not args.scores:
        parser.error("--reuse-scores and --extend need --scores FILE, the saved table")
    uris = training_benchmarks(args.datasets, args.split, 0)
    edits = candidate_edits()
    started = time.monotonic()

    def progress(done: int, total: int, uri: str) -> None:
        print(f"[{done}/{total}] {uri} ({time.monotonic() - started:.0f} s)", flush=True)

    saved_edits: list[Edit] = []
    saved_table = np.zeros((len(uris), 0))
    if args.reuse_scores or args.extend:
        saved = json.loads(Path(args.scores).read_text())
        by_text = {str(e): e for e in edits}
        kept = [j for j, text in enumerate(saved["edits"]) if text in by_text]  # still candidates
        uris = saved["benchmarks"]
        saved_edits = [by_text[saved["edits"][j]] for j in kept]
        saved_table = np.array(
            [[np.nan if row[j] is None else row[j] for j in kept] for row in saved["scores"]],
            dtype=float,
        ).reshape(len(uris), len(kept))
        done = {str(e) for e in saved_edits}
        edits = [e for e in edits if str(e) not in done]
    if args.operations:  # the new candidates to score; a saved table's columns stay
        edits = [e for e in edits if e.operation in args.operations]
    if args.reuse_scores:
        edits, table = saved_edits, saved_table
    else:
        if 0 < args.screen < len(uris):
            screen = uris[:: math.ceil(len(uris) / args.screen)]
            print(f"screening {len(edits)} candidate edits on {len(screen)} programs", flush=True)
            screened = score_table(screen, edits, workers=args.workers, progress=progress)
            edits = [e for j, e in enumerate(edits) if np.nanmax(screened[:, j], initial=0.0) > 1.0]
        print(f"{len(edits)} candidate edits on {len(uris)} programs", flush=True)
        table = np.hstack(
            [saved_table, score_table(uris, edits, workers=args.workers, progress=progress)]
        )
        edits = saved_edits + edits
    policy = policy_from(table, edits, uris)
    policy.save(args.out)
    if args.scores and not args.reuse_scores:  # with --extend: the saved table and the new columns
        Path(args.scores).write_text(
            json.dumps(
                {
                    "benchmarks": uris,
                    "edits": [str(e) for e in edits],
                    "scores": [
                        [None if math.isnan(s) else round(s, 6) for s in row] for row in table
                    ],
                }
            )
            + "\n"
        )
    print(
        f"{len(policy.edits)} edits in the policy; training geomean of max(1, best of the first "
        f"{MAX_STEPS // 2}): {policy.training_score:.4f}; wrote {args.out}"
    )


if __name__ == "__main__":
    main()
