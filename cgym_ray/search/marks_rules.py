"""Learned rules that choose per-function marks for -Oz's pipeline from the -O0 module (issue 18).

    >>> rule = MarksRule(main_os=True, noinline_max_instructions=48, noinline_min_calls=4)
    >>> rule.marks([FunctionFacts("main", 300, 0), FunctionFacts("get", 12, 9)])
    {'main': 'Os', 'get': 'noinline'}

The best marks differ from function to function (`pipeline_marks`): at 60 s a
program its coordinate descent takes `minsize` off `main` and off a program's
large functions, and keeps small helpers that are called from many places out
of line (CHStone's soft-float programs, sha, motion; results/pipelines.md).
A descent pays four compilations a function for that. A rule here reads two
facts of each function of the -O0 module, its instruction count and the
direct calls to it, and gives the marks in one compilation:

- `main_os`: -Os's marks on `main` (what `pipeline_portfolio` guessed before);
- `os_largest`: -Os's marks on that many of the largest other functions;
- `noinline_max_instructions`, `noinline_min_calls`: `noinline` on every other
  function of at most that many instructions called from at least that many
  places.

Which rules to try is learned (`python -m cgym_ray.search.marks_rules`): every
rule of `rule_grid()` is compiled once on every training program, and `choose_rules`
takes, greedily, the rule that most raises the sum over the programs of
log max(1, best score among the rules taken), so that each program meets a
rule that pays among the first few. The learned list is
`cgym_ray/llvm/pipelines/data/marks-rules-v1.json` (`LEARNED_RULES`): the rules
themselves live in `cgym_ray.llvm.pipelines.marks_rules`, since the pipeline
env's `marks` operation plays them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.llvm.pipelines.marks_rules import (
    LEARNED_RULES,
    RULES_VERSION,
    FunctionFacts,
    MarksRule,
    function_facts,
    module_facts,
    read_rules,
)

__all__ = [
    "LEARNED_RULES",
    "RULES_VERSION",
    "FunctionFacts",
    "MarksRule",
    "choose_rules",
    "coverage",
    "function_facts",
    "module_facts",
    "read_rules",
    "rule_grid",
    "score_rules",
]


def rule_grid() -> list[MarksRule]:
    """The rules learning chooses from: every combination of a few values of each field."""
    noinline = [(0, 2)] + list(itertools.product((16, 48, 128, 256, 1024), (2, 3, 4, 8)))
    return [
        MarksRule(main, largest, size, calls)
        for main, largest, (size, calls) in itertools.product((False, True), (0, 1, 3, 6), noinline)
        if main or largest or size
    ]


# Learning.


def score_rules(benchmark: str, rules: Sequence[MarksRule]) -> list[float | None]:
    """The score of -Oz's pipeline after each rule's marks, on `benchmark` (None: the compiler failed)."""
    from cgym_ray.envs.pipeline_env import PipelineEnv
    from cgym_ray.llvm.pipelines import oz_pipeline
    from cgym_ray.search.pipeline_marks import with_marks

    env = PipelineEnv(benchmark=benchmark)
    tree = oz_pipeline()
    scores: dict[str, float | None] = {}
    try:
        env.reset(options={"benchmark": benchmark})
        facts = env.function_facts()
        choices = [rule.marks(facts) for rule in rules]
        keys = [json.dumps(choice, sort_keys=True) for choice in choices]
        for key, choice in zip(keys, choices, strict=True):
            if key in scores:
                continue
            try:
                env.set_pipeline(with_marks(tree, choice))
                scores[key] = env.score
            except (StepFailed, CompilerError):
                scores[key] = None
                env.reset(options={"benchmark": benchmark})  # the compiler died with the module
        return [scores[key] for key in keys]
    finally:
        env.close()


def choose_rules(scores: np.ndarray, count: int) -> list[int]:
    """Up to `count` columns of (programs, rules) scores (NaN: failed), greedily by coverage.

    Each pick most raises the sum over programs of log max(1, best score among
    the rules picked); none is picked once no rule raises it. This is
    `pipeline_coreset.select_pipelines`' greedy coreset on the table turned
    round, a failure counted as -Oz.
    """
    from cgym_ray.search.pipeline_coreset import select_pipelines

    return select_pipelines(np.nan_to_num(scores, nan=-np.inf).T.tolist(), count)


def coverage(scores: np.ndarray, columns: Sequence[int]) -> float:
    """Mean over programs of the % fewer instructions than -Oz that the best of `columns` gives (at least 0)."""
    best = np.nanmax(np.nan_to_num(scores[:, list(columns)], nan=0.0), axis=1, initial=1.0)
    return float(np.mean(100.0 * (1.0 - 1.0 / np.maximum(1.0, best))))


def _score_job(job: tuple[str, list[MarksRule]]) -> list[float | None]:
    return score_rules(*job)


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import time

    from cgym_ray.search.common import map_programs
    from cgym_ray.search.portfolio import TRAINING, training_benchmarks

    parser = argparse.ArgumentParser(
        prog="python -m cgym_ray.search.marks_rules",
        description="Learn which marks rules pipeline_portfolio tries: compile each on training programs.",
    )
    parser.add_argument("--datasets", nargs="+", default=list(TRAINING))
    parser.add_argument("--split", default="train")
    parser.add_argument("--count", type=int, default=3, help="rules to keep")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the rules file to write (the released one, LEARNED_RULES, is part of the pipeline "
        "env's action space: replace it only with a new RULES_VERSION)",
    )
    parser.add_argument("--scores", type=Path, help="also write the (programs x rules) table here")
    parser.add_argument(
        "--reuse-scores",
        action="store_true",
        help="choose again from the table in --scores, compiling nothing",
    )
    args = parser.parse_args(argv)
    if args.reuse_scores:
        if not args.scores:
            parser.error("--reuse-scores needs --scores FILE, the saved table")
        saved = json.loads(args.scores.read_text())
        uris, rules = saved["benchmarks"], [MarksRule(**rule) for rule in saved["rules"]]
        rows = saved["scores"]
    else:
        uris, rules = training_benchmarks(args.datasets, args.split, 0), rule_grid()
        started = time.monotonic()

        def done(i: int) -> None:
            print(
                f"[{i + 1}/{len(uris)}] {uris[i]} ({time.monotonic() - started:.0f} s)", flush=True
            )

        rows = map_programs(
            _score_job, [(uri, rules) for uri in uris], workers=args.workers, done=done
        )
    table = np.array([[np.nan if s is None else s for s in row] for row in rows], dtype=float)
    order = choose_rules(table, args.count)
    data: dict[str, Any] = {
        "version": RULES_VERSION,
        "rules": [asdict(rules[j]) for j in order],
        "learned_on": uris,
        "training_coverage_percent": round(coverage(table, order), 4),
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    if args.scores and not args.reuse_scores:
        args.scores.write_text(
            json.dumps(
                {
                    "benchmarks": uris,
                    "rules": [asdict(rule) for rule in rules],
                    "scores": [[None if np.isnan(s) else s for s in row] for row in table],
                }
            )
            + "\n"
        )
    for j in order:
        print(f"{rules[j]}: {coverage(table, [j]):.2f} % alone")
    print(f"{len(order)} rules: {coverage(table, order):.2f} % over {len(uris)} training programs")


if __name__ == "__main__":
    main()
