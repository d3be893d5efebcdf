"""The learned portfolio on its own training programs: what the refinement adds to the training mean.

    scripts/bench portfolio_training [--rows FILE] [--learned v4] [--k 50] [--walk-patience 32]
        [--out results/pipelines.md]

Runs the `portfolio` agent (its learned sequences, then `refine`) on the
training split of each dataset it was learned on (`portfolio.TRAINING`), one
program after another, and reports the mean % below -Oz after the learned
sequences (`portfolio_reward`, the training mean the selection maximised),
after the tails (`tails_reward`) and after the walks (the result), with the
compilations used. Bests are behaviour-checked as in every search; they are
not replayed by `leaderboard validate`. `--rows` keeps one JSON line a
program, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from _provenance import print_and_append, provenance_line

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.search import Budget
from cgym_ray.search.portfolio import LEARNED, TRAINING, portfolio, training_benchmarks


def below_oz(benchmark: str, learned: str, k: int, walk_patience: int, seed: int) -> dict[str, Any]:
    """One program's % below -Oz after each phase (a fraction), and the compilations used."""

    def make_env() -> LlvmEnv:
        return LlvmEnv(benchmark=benchmark, reward_space="IrInstructionCountOz", backend="libllvm")

    env = make_env()
    try:
        env.reset(options={"benchmark": benchmark})
        references = env.references("instruction_count")
        o0, oz = float(references["O0"] or 0), float(references["Oz"] or 0)
    finally:
        env.close()
    result = portfolio(
        make_env,
        benchmark,
        Budget(steps=1_000_000),
        seed,
        k=k,
        walk_patience=walk_patience,
        learned=learned,
    )

    def fraction(reward: float) -> float:  # reward r = (O0 - n) / (O0 - Oz)
        return 1.0 - (o0 - reward * (o0 - oz)) / oz

    params: dict[str, Any] = result.params
    return {
        "benchmark": benchmark,
        "oz": oz,
        "portfolio": fraction(params["portfolio_reward"]),
        "tails": fraction(params["tails_reward"]),
        "refined": fraction(result.best_reward),
        "compilations": params["compilations"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=Path, default=Path("portfolio-training.jsonl"))
    parser.add_argument(
        "--learned", default=LEARNED, help="the portfolio: data/portfolio-LEARNED.txt"
    )
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--walk-patience", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="append the table to this file")
    args = parser.parse_args()
    header = provenance_line()
    rows = (
        [json.loads(line) for line in args.rows.read_text().splitlines()]
        if args.rows.exists()
        else []
    )
    done = {row["benchmark"] for row in rows}
    with args.rows.open("a") as out:
        for benchmark in training_benchmarks(TRAINING, "train", 0):
            if benchmark in done:
                continue
            row = below_oz(benchmark, args.learned, args.k, args.walk_patience, args.seed)
            rows.append(row)
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(benchmark, f"{100 * row['refined']:.2f} %", flush=True)
    n = max(len(rows), 1)

    def mean(key: str) -> float:  # -Oz is played first, so no program is below 0
        return 100 * sum(max(float(row[key]), 0.0) for row in rows) / n

    improved = sum(1 for row in rows if row["refined"] > row["portfolio"] + 1e-12)
    compilations = sorted({int(row["compilations"]) for row in rows})
    text = "\n".join(
        [
            header,
            "",
            f"The portfolio: `portfolio-{args.learned}.txt`, k = {args.k}, "
            f"walk_patience = {args.walk_patience}, seed {args.seed}.",
            "",
            "| training programs | after the learned sequences | after the tails | after the walks "
            "| programs the refinement improved | compilations a program |",
            "|---:|---:|---:|---:|---:|---|",
            f"| {len(rows)} | {mean('portfolio'):.2f} % | {mean('tails'):.2f} % | "
            f"{mean('refined'):.2f} % | {improved} | {', '.join(map(str, compilations))} |",
            "",
        ]
    )
    print_and_append(text, args.out)


if __name__ == "__main__":
    main()
