"""An open-loop policy on the pipeline env from an empty pipeline: a learned marks rule, then a learned pass list.

    >>> policy = ListPolicy.load(RELEASED)                                    # doctest: +SKIP
    >>> result = list_policy_agent(make_env, uri, Budget(steps=45), seed=0)  # doctest: +SKIP

Issue 19's target (a) asks for a policy that, from the -O0 module, in at
most 45 steps and without the O1/O2/O3/Oz macro actions, is not smaller than
-Oz's geomean on programs it never saw. Flat pass lists alone came 0.5 % short
(the list chooser, results/rl.md). What they lack is per-function marks:
-Oz marks every function `minsize`, and a flat inliner then inlines small
helpers that many places call. The pipeline env's `marks` operation plays a
learned marks rule (`marks_rules`: -Os's marks on `main` or on the largest
functions, `noinline` on small functions called from several places), read
off the -O0 module, as one step.

So this policy, on `llvm-pipeline-ic-v0` started empty (`start: empty`):

1. plays its learned marks rule as one `marks` step, if the rule gives this
   module any marks (one that gives none is skipped: it would change nothing);
2. appends its learned passes one per step, each an `insert` at the end of
   the module-level pipeline (the env's unit for that pass: `cgscc(function(sroa<modify-cfg>))`
   for the flat catalogue's `sroa`);
3. stops at `max_steps` (45) or when the list ends.

It never reads a reward, so it is open loop: the same edits for every
program but the marks, which the rule reads from the program's functions.
The final state's program is run once at the end on a runnable benchmark
(the episode's status `misbehaves` and the result's `final_misbehaves`).

What it learns (`score_candidates`, `policy_from`;
`python -m cgym_ray.rl.list_policy`): each candidate, a pass list (given as
flat commandlines, say the list chooser's teacher lists) after each learned
marks rule or none, is compiled once on every training program as the
pipeline the policy would build; the candidate with the highest geomean
score over the training programs, at the score its 45 steps reach, is the
policy. `climb` then improves its list: rounds of random edits (replace,
insert, delete, swap), each compiled on every training program, the best kept
where it raises the training geomean and every runnable training program
built with it still behaves (`--climb ROUNDS`; the released v2 is v1 after 30).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from cgym_ray.envs.llvm_env import PlayedStep
from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.llvm.pipelines import Pipeline
from cgym_ray.llvm.pipelines.edits import (
    EDITS_VERSION,
    Edit,
    action_for,
    learned_rules,
    units_at,
)
from cgym_ray.llvm.pipelines.learned import read_learned
from cgym_ray.llvm.pipelines.tree import Element
from cgym_ray.search.common import (
    Budget,
    BudgetClock,
    EnvFactory,
    Report,
    SearchResult,
    behaviour_failure,
    map_programs,
)
from cgym_ray.search.pipeline_common import pipeline_env, play_edit, report_episode

MAX_STEPS = 45
VERSION = 1
# The released policy, learned with `python -m cgym_ray.rl.list_policy --climb 30`
# (results/rl.md); v1, the chosen candidate before the climb, stays beside it.
RELEASED = Path(__file__).parent / "data" / "list-policy-v2.json"


@dataclass
class ListPolicy:
    """A marks rule (its text, `MarksRule.__str__`; "" for none) and the units appended after it."""

    rule: str
    units: list[str]
    learned_on: list[str]  # the training programs
    training_score: float  # geomean over them of the score its `MAX_STEPS` steps reach
    candidates: list[dict[str, Any]] = field(default_factory=list)  # each one's training geomean
    climb: dict[str, Any] = field(default_factory=dict)  # how `climb` changed the list, if it ran
    version: int = VERSION

    def save(self, path: str | Path) -> None:
        data = {**asdict(self), "edits_version": EDITS_VERSION}
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> ListPolicy:
        """The policy at `path`; `CompilerError` naming the file if it is not one of this version."""
        data = read_learned(path, "list policy", "edits_version", EDITS_VERSION)
        try:
            policy = cls(
                str(data["rule"]),
                [str(unit) for unit in data["units"]],
                list(data["learned_on"]),
                float(data["training_score"]),
                list(data.get("candidates", [])),
                dict(data.get("climb", {})),
                int(data.get("version", VERSION)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CompilerError(f"the list policy {path} lacks or mistypes {error}") from error
        known = {str(rule) for rule in learned_rules()}
        if policy.rule and policy.rule not in known:
            raise CompilerError(
                f"the list policy {path} plays marks rule {policy.rule!r}, which is not one of "
                f"the env's learned rules: learn it again"
            )
        module_units = {str(unit) for unit in units_at("module")}
        for unit in policy.units:
            if unit not in module_units:
                raise CompilerError(
                    f"the list policy {path} appends {unit!r}, which is not a module-level "
                    f"unit of {EDITS_VERSION}: learn it again"
                )
        return policy


def module_units(commandline: str) -> list[str]:
    """The env's module-level units that play a flat commandline's passes, one per action.

    A flat action runs its pass in its own adaptors (`function(loop(indvars))`);
    the env inserts the same pass wrapped as its units are
    (`cgscc(function(loop-mssa(indvars)))`). `CompilerError` names an action
    that is not one pass (a macro, an attributes action).
    """
    from cgym_ray.llvm.backend import get_backend
    from cgym_ray.llvm.pipelines.flat import action_elements

    catalogue = get_backend("libllvm").actions
    by_pass: dict[str, Element] = {}
    for unit in units_at("module"):
        by_pass.setdefault(str(_innermost(unit)), unit)
    found = []
    for index in catalogue.from_commandline(commandline):
        action = catalogue[index]
        elements = action_elements(action) if not action.attributes else None
        inner = _innermost(elements[0]) if elements and len(elements) == 1 else None
        if inner is None or str(inner) not in by_pass:
            raise CompilerError(
                f"flat action {action.name!r} is not one pass the pipeline env can insert "
                f"(macros and attributes actions have no unit)"
            )
        found.append(str(by_pass[str(inner)]))
    return found


def _innermost(element: Element) -> Element | None:
    """The one pass inside a chain of adaptors (None: the chain branches)."""
    while element.children is not None:
        if len(element.children) != 1:
            return None
        element = element.children[0]
    return element


# Learning.


def built_pipeline(element: Element | None, units: Sequence[str], max_steps: int) -> Pipeline:
    """The pipeline the agent builds in `max_steps` steps: `element` (a marks step, if any), then the units."""
    played = tuple(Pipeline.parse(unit).elements[0] for unit in units)
    marks = (element,) if element is not None else ()
    return Pipeline(marks + played[: max_steps - len(marks)])


def score_candidates(
    benchmark: str, lists: Sequence[Sequence[str]], max_steps: int = MAX_STEPS
) -> list[list[float | None]]:
    """Per list (module units), per marks choice (none, then each learned rule): the score after `max_steps` steps.

    None where the compiler failed. A rule that gives this module no marks is
    skipped by the policy, so its score is the list's without marks.
    """
    from cgym_ray.envs.pipeline_env import PipelineEnv

    env = PipelineEnv(benchmark=benchmark, start="empty")
    rows: list[list[float | None]] = []
    try:
        env.reset(options={"benchmark": benchmark})
        marks = env.marks_choices()
        for units in lists:
            row: list[float | None] = []
            for element in (None, *marks):
                try:
                    env.set_pipeline(built_pipeline(element, units, max_steps))
                    row.append(env.score)
                except (StepFailed, CompilerError):
                    row.append(None)
                    env.reset(options={"benchmark": benchmark})  # the compiler died with the module
            rows.append(row)
    finally:
        env.close()
    return rows


def score_table(
    benchmarks: Sequence[str],
    lists: Sequence[Sequence[str]],
    *,
    max_steps: int = MAX_STEPS,
    workers: int = 1,
    progress: Any = None,
) -> np.ndarray:
    """(programs, lists, 1 + rules): `score_candidates` of every program (NaN: the compiler failed)."""
    rows = map_programs(
        _score_job,
        [(uri, [list(units) for units in lists], max_steps) for uri in benchmarks],
        workers=workers,
        done=(lambda i: progress(i + 1, len(benchmarks), benchmarks[i])) if progress else None,
    )
    return np.array(
        [[[np.nan if s is None else s for s in scores] for scores in row] for row in rows],
        dtype=float,
    )


def _score_job(job: tuple[str, list[list[str]], int]) -> list[list[float | None]]:
    return score_candidates(*job)


# What a failed compile scores in learning: far below -Oz, so no candidate that fails wins.
FAILED_SCORE = 0.01


def geomean(scores: np.ndarray) -> float:
    """The geometric mean of `scores`, a failed compile (NaN) counted as `FAILED_SCORE`."""
    from cgym_ray.jobs.runner import geomean as floored_geomean

    return floored_geomean(np.nan_to_num(scores, nan=FAILED_SCORE).tolist(), floor=1e-9)


def policy_from(
    table: np.ndarray, lists: Sequence[Sequence[str]], benchmarks: Sequence[str]
) -> ListPolicy:
    """The candidate (list, marks choice) of `score_table`'s table with the highest training geomean."""
    rules = [str(rule) for rule in learned_rules()]
    candidates = []
    for i in range(table.shape[1]):
        for j in range(table.shape[2]):
            candidates.append(
                {
                    "list": i,
                    "rule": rules[j - 1] if j else "",
                    "training_score": round(geomean(table[:, i, j]), 6),
                }
            )
    best = max(candidates, key=lambda c: c["training_score"])
    return ListPolicy(
        rule=best["rule"],
        units=list(lists[best["list"]]),
        learned_on=list(benchmarks),
        training_score=best["training_score"],
        candidates=candidates,
    )


# Climbing: random edits of the chosen list, kept where they raise the training geomean.

# The flat passes a proposed edit may put in the list: the teacher lists' own, and the
# function and module passes of -Oz's pipeline and the flat catalogue that shrink code
# (no hazard pass of `pipeline_common.HAZARDS`, nothing that only renames or strips).
CLIMB_PASSES = (
    "sroa early-cse early-cse-memssa simplifycfg simplifycfg-aggressive ipsccp globalopt mem2reg "
    "instcombine function-attrs inline jump-threading correlated-propagation tailcallelim "
    "reassociate licm loop-rotate simple-loop-unswitch loop-idiom indvars loop-deletion gvn sccp "
    "bdce adce memcpyopt dse deadargelim globaldce constmerge aggressive-instcombine "
    "callsite-splitting constraint-elimination div-rem-pairs float2int gvn-hoist instsimplify "
    "lower-expect mergefunc mergeicmps mldst-motion newgvn sink loop-instsimplify "
    "loop-simplifycfg loop-sink vector-combine elim-avail-extern rpo-function-attrs argpromotion "
    "called-value-propagation dce loop-load-elim strip-dead-prototypes ipsccp-no-func-spec "
    "dfa-jump-threading jump-table-to-switch infer-alignment libcalls-shrinkwrap"
)


def propose(
    units: Sequence[str], passes: Sequence[str], rng: random.Random
) -> tuple[list[str], str]:
    """One random edit of `units`: replace, insert (the list keeps its length), delete, or swap two neighbours."""
    edited_units = list(units)
    kind = rng.random()
    index = rng.randrange(len(edited_units))
    if kind < 0.45:
        edited_units[index] = rng.choice(passes)
        return edited_units, f"replace {index} with {edited_units[index]}"
    if kind < 0.75:
        edited_units.insert(index, rng.choice(passes))
        return edited_units[: len(units)], f"insert {edited_units[index]} at {index}"
    if kind < 0.9 or len(edited_units) < 2:
        return edited_units[:index] + edited_units[index + 1 :], f"delete {index}"
    first = min(index, len(edited_units) - 2)
    edited_units[first], edited_units[first + 1] = edited_units[first + 1], edited_units[first]
    return edited_units, f"swap {first} and {first + 1}"


# Each climbing process keeps one env per (program, rule) across rounds, so that a
# round pays one compile per proposal, not a reset too.
_CLIMB_ENVS: dict[tuple[str, str], tuple[Any, Element | None]] = {}


def _climb_env(benchmark: str, rule: str) -> tuple[Any, Element | None]:
    """This process's env on `benchmark` and the element `rule` gives it (made once)."""
    from cgym_ray.envs.pipeline_env import PipelineEnv

    if (benchmark, rule) not in _CLIMB_ENVS:
        env = PipelineEnv(benchmark=benchmark, start="empty")
        env.reset(options={"benchmark": benchmark})
        rules = [str(r) for r in learned_rules()]
        element = env.marks_choices()[rules.index(rule)] if rule else None
        _CLIMB_ENVS[benchmark, rule] = (env, element)
    return _CLIMB_ENVS[benchmark, rule]


def _compile_list(benchmark: str, rule: str, units: Sequence[str], max_steps: int) -> Any:
    """The env with the pipeline the policy builds from `units`; `StepFailed`/`CompilerError` if it fails."""
    env, element = _climb_env(benchmark, rule)
    try:
        env.set_pipeline(built_pipeline(element, units, max_steps))
    except (StepFailed, CompilerError):
        env.reset(options={"benchmark": benchmark})  # the compiler died with the module
        raise
    return env


def _climb_scores(job: tuple[str, str, list[list[str]], int]) -> list[float]:
    """The score of each list after `rule`'s marks on one program (NaN where the compiler failed)."""
    benchmark, rule, lists, max_steps = job
    scores = []
    for units in lists:
        try:
            scores.append(_compile_list(benchmark, rule, units, max_steps).score)
        except (StepFailed, CompilerError):
            scores.append(math.nan)  # `geomean` counts it as FAILED_SCORE
    return scores


def _climb_misbehaves(job: tuple[str, str, list[str], int]) -> str:
    """Why the program the list builds misbehaves on one runnable program ("" if it behaves or cannot run)."""
    benchmark, rule, units, max_steps = job
    try:
        env = _compile_list(benchmark, rule, units, max_steps)
    except (StepFailed, CompilerError) as error:
        return f"{benchmark}: {error}"
    why = behaviour_failure(env) if env.benchmark.runnable else ""
    return f"{benchmark}: {why}" if why else ""


def climb(
    policy: ListPolicy,
    *,
    rounds: int,
    proposals: int,
    seed: int,
    workers: int = 1,
    passes: Sequence[str] | None = None,
    monitor: Sequence[str] = (),
    max_steps: int = MAX_STEPS,
    progress: Any = None,
) -> ListPolicy:
    """`policy` after `rounds` rounds of hill climbing on its training programs (`learned_on`).

    Each round compiles `proposals` random edits of the list (`propose`) on
    every training program and keeps the best that raises the training
    geomean and whose programs all behave: each runnable training program is
    built and run, and an edit after which one prints otherwise than its
    unoptimized build is refused (`newgvn` miscompiles cgym-suite graph_suite),
    the next best taken instead. `monitor`: programs the list is also scored
    on after each kept edit, for the history only (nothing is chosen on them).
    """
    from multiprocessing import get_context

    rng = random.Random(seed)
    units_pool = [module_units(name)[0] for name in (passes or CLIMB_PASSES.split())]

    with get_context("spawn").Pool(workers) as pool:

        def scores(benchmarks: Sequence[str], lists: list[list[str]]) -> list[float]:
            jobs = [(uri, policy.rule, lists, max_steps) for uri in benchmarks]
            rows = np.array(pool.map(_climb_scores, jobs, chunksize=1), dtype=float)
            return [geomean(rows[:, j]) for j in range(len(lists))]

        units = list(policy.units[: max_steps - (1 if policy.rule else 0)])
        (best,) = scores(policy.learned_on, [units])
        history: list[dict[str, Any]] = [{"round": 0, "edit": "start", "training_score": best}]
        if monitor:
            history[0]["monitor_score"] = scores(monitor, [units])[0]

        def misbehaves(candidate: list[str]) -> list[str]:
            jobs = [(uri, policy.rule, candidate, max_steps) for uri in policy.learned_on]
            return [why for why in pool.map(_climb_misbehaves, jobs, chunksize=1) if why]

        refused: list[dict[str, Any]] = []
        for round_ in range(1, rounds + 1):
            tried = [propose(units, units_pool, rng) for _ in range(proposals)]
            found = scores(policy.learned_on, [candidate for candidate, _ in tried])
            for pick in sorted(range(len(tried)), key=lambda j: -found[j]):
                if found[pick] <= best + 1e-9:
                    break
                wrong = misbehaves(tried[pick][0])
                if wrong:
                    refused.append({"round": round_, "edit": tried[pick][1], "misbehaves": wrong})
                    continue
                units, best = tried[pick][0], found[pick]
                entry: dict[str, Any] = {
                    "round": round_,
                    "edit": tried[pick][1],
                    "training_score": round(best, 6),
                }
                if monitor:
                    entry["monitor_score"] = round(scores(monitor, [units])[0], 6)
                history.append(entry)
                break
            if progress:
                progress(round_, rounds, best)
        pool.close()
        pool.join()
    return replace(
        policy,
        units=units,
        training_score=round(best, 6),
        climb={
            "rounds": rounds,
            "proposals": proposals,
            "seed": seed,
            "passes": list(passes or CLIMB_PASSES.split()),
            "monitor": list(monitor),
            "history": history,
            "refused": refused,
        },
    )


# The agent.


def list_policy_agent(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    model: str = "released",
    max_steps: int = MAX_STEPS,
    check_behaviour: bool = True,
) -> SearchResult:
    """One episode of the list policy on the pipeline env, from an empty pipeline; its final state is the result.

    model: the learned policy (`ListPolicy.save`); "released" is the one shipped in the package.
    max_steps: the episode's length bound.
    check_behaviour: run the final state's program (runnable benchmarks only).
    """
    policy = ListPolicy.load(RELEASED if model == "released" else model)
    env = pipeline_env(make_env, benchmark)
    started = time.monotonic()
    clock = BudgetClock(budget)
    env.reset(seed=seed, options={"benchmark": benchmark, "start": "empty"})
    steps: list[PlayedStep] = []
    error: str | None = None
    marks_played = ""
    misbehaves = ""
    try:
        edits: list[Edit] = []
        if policy.rule:
            marks = env.marks_choices()
            rule_action = action_for(env.pipeline, Edit("marks", (), 0, policy.rule), marks)
            if rule_action is not None:  # None: the rule gives this module no marks
                edits.append(Edit("marks", (), 0, policy.rule))
        else:
            marks = []
        edits += [Edit("insert", (), -1, unit) for unit in policy.units]
        for edit in edits:
            if len(steps) >= max_steps or clock.exhausted:
                break
            if edit.operation == "insert":  # at the end of the module-level pipeline
                edit = Edit("insert", (), len(env.pipeline.elements), edit.element)
            action = action_for(env.pipeline, edit, marks)
            assert action is not None, edit  # `ListPolicy.load` checked every unit and the rule
            played = play_edit(env, action)
            clock.spend(1)
            steps.append(played)
            if edit.operation == "marks":
                marks_played = played.action_name
            if played.terminated:
                error = str(played.info.get("error", {}).get("message", "compiler failure"))
                break
        state = env.state
        if error is None and check_behaviour and env.benchmark.runnable:
            misbehaves = behaviour_failure(env, clock)
        report_episode(report, benchmark, seed, steps, state, error, misbehaves)
    finally:
        env.close()
    return SearchResult(
        agent="list_policy",
        benchmark=benchmark,
        best_state=state,
        best_reward=float(state.reward) if state.reward is not None else 0.0,
        steps=len(steps),
        episodes=1,
        walltime_s=time.monotonic() - started,
        params={
            "model": model,
            "max_steps": max_steps,
            "marks": marks_played,
            "final_misbehaves": misbehaves,
        },
    )


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    from cgym_ray.search.portfolio import TRAINING, training_benchmarks

    parser = argparse.ArgumentParser(
        prog="python -m cgym_ray.rl.list_policy",
        description="Learn the list policy: compile each pass list after each marks rule on the "
        "training programs, keep the best by geomean.",
    )
    parser.add_argument(
        "--lists",
        required=True,
        help="a JSON file whose 'lists' are flat commandlines (the list chooser's model, say); "
        "lists with an action the pipeline env cannot insert (a macro, drop-size-attributes) "
        "are left out",
    )
    parser.add_argument("--datasets", nargs="+", default=list(TRAINING))
    parser.add_argument("--split", default="train")
    parser.add_argument("--out", required=True, help="the policy JSON to write")
    parser.add_argument("--scores", help="also write the (programs x lists x marks) table here")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--climb",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then hill-climb the chosen list for this many rounds on the training programs",
    )
    parser.add_argument("--proposals", type=int, default=16, help="random edits tried a round")
    parser.add_argument("--seed", type=int, default=0, help="the climb's random edits")
    parser.add_argument(
        "--monitor-split",
        help="also score the climbed list on this split of --datasets after each kept edit "
        "(written to the history; nothing is chosen on it)",
    )
    args = parser.parse_args(argv)
    if args.climb < 0 or args.proposals < 1:
        parser.error("--climb must be at least 0 and --proposals at least 1")
    try:
        commandlines = json.loads(Path(args.lists).read_text())["lists"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        parser.error(f"--lists {args.lists}: no 'lists' of commandlines ({error})")
    lists: list[list[str]] = []
    for commandline in commandlines:
        try:
            lists.append(module_units(commandline))
        except CompilerError as error:
            print(f"left out a list: {error}", flush=True)
    if not lists:
        parser.error(f"--lists {args.lists}: no list the pipeline env can play")
    uris = training_benchmarks(args.datasets, args.split, 0)
    started = time.monotonic()

    def progress(done: int, total: int, uri: str) -> None:
        print(f"[{done}/{total}] {uri} ({time.monotonic() - started:.0f} s)", flush=True)

    print(f"{len(lists)} lists x {1 + len(learned_rules())} marks on {len(uris)} programs")
    table = score_table(uris, lists, workers=args.workers, progress=progress)
    policy = policy_from(table, lists, uris)
    if args.climb:
        monitor = (
            training_benchmarks(args.datasets, args.monitor_split, 0) if args.monitor_split else []
        )

        def climbed(done: int, total: int, best: float) -> None:
            print(
                f"climb round {done}/{total}: training geomean {best:.4f} "
                f"({time.monotonic() - started:.0f} s)",
                flush=True,
            )

        print(f"climbing from {policy.training_score:.4f}: {args.climb} rounds of {args.proposals}")
        policy = climb(
            policy,
            rounds=args.climb,
            proposals=args.proposals,
            seed=args.seed,
            workers=args.workers,
            monitor=monitor,
            progress=climbed,
        )
    policy.save(args.out)
    if args.scores:
        Path(args.scores).parent.mkdir(parents=True, exist_ok=True)
        Path(args.scores).write_text(
            json.dumps(
                {
                    "benchmarks": uris,
                    "lists": lists,
                    "rules": [""] + [str(rule) for rule in learned_rules()],
                    "scores": [
                        [[None if math.isnan(s) else s for s in row] for row in program]
                        for program in table.tolist()
                    ],
                },
                indent=None,
            )
            + "\n"
        )
    best = max(policy.candidates, key=lambda c: c["training_score"])
    print(
        f"list {best['list']}, marks {policy.rule or 'none'}: training geomean {policy.training_score:.4f} "
        f"({time.monotonic() - started:.0f} s) -> {args.out}"
    )


if __name__ == "__main__":
    main()
