"""The pipeline local search's quality at a fixed time budget, beside greedy, in one run.

    scripts/bench pipeline_search [--seconds 10] [--split test] [--out results/pipelines.md]

Each program of the split gets `--seconds` of walltime for `pipeline_climb`
(from -Oz's pipeline) and for `greedy` (flat actions, from Oz by default),
seed 0, one after the other. Every best state is then replayed on a fresh env
and its program run and compared with the unoptimized program's output.
Reported as in search_quality: the geomean of the best reward (1.0 = -Oz), the
geomean of Oz/final instruction counts and the mean % fewer than -Oz.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
from pathlib import Path

import gymnasium as gym
from _provenance import print_and_append, provenance_line

import cgym_ray  # noqa: F401  (registers the environments)
from cgym_ray.datasets import get_dataset
from cgym_ray.envs.pipeline_env import validate_pipeline_state
from cgym_ray.envs.validation import validate
from cgym_ray.llvm.baselines import reference_counts
from cgym_ray.search import AGENTS, Budget
from cgym_ray.search.pipeline_climb import pipeline_climb


def geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(max(v, 1e-9)) for v in values))


def run(agent: str, uri: str, seconds: float, seed: int) -> dict:
    benchmark = get_dataset("cgym-suite-v0").benchmark(uri.rsplit("/", 1)[-1])
    if agent == "pipeline_climb":
        result = pipeline_climb(
            lambda: gym.make("llvm-pipeline-ic-v0"), uri, Budget(seconds=seconds), seed
        )
        check = validate_pipeline_state(result.best_state)
        references = reference_counts(benchmark.bitcode(), uri, "libllvm", ("minsize", "optsize"))
    else:
        make_env = lambda: gym.make("llvm-ic-v0").unwrapped  # noqa: E731
        result = AGENTS[agent](make_env, uri, Budget(seconds=seconds), seed)
        check = validate(result.best_state)
        env = make_env()
        env.reset(options={"benchmark": uri})
        references = env.references("instruction_count")
        env.close()
    o0, oz = int(references["O0"]), int(references["Oz"])
    final = o0 - round(result.best_reward * max(o0 - oz, 1))
    return {
        "agent": agent,
        "program": uri.rsplit("/", 1)[-1],
        "reward": result.best_reward,
        "ok": check.ok and check.behaviour_checked,
        "oz": oz,
        "final": final,
        "steps": result.steps,
        "walltime_s": result.walltime_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--split", default="test")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--agents", nargs="+", default=["pipeline_climb", "greedy"])
    parser.add_argument(
        "--out", type=Path, default=None, help="append the table to this Markdown file"
    )
    args = parser.parse_args()
    suite = get_dataset("cgym-suite-v0")
    uris = [suite.uri(name) for name in suite.benchmark_names(args.split)]
    load = os.getloadavg()[0]
    rows = {
        agent: [run(agent, uri, args.seconds, args.seed) for uri in uris] for agent in args.agents
    }
    load = (load + os.getloadavg()[0]) / 2
    lines = [
        f"## Pipeline local search at {args.seconds:g} s a program",
        "",
        provenance_line(),
        "",
        f"`scripts/bench pipeline_search --seconds {args.seconds:g} --split {args.split}`: cgym-suite-v0 "
        f"`{args.split}` split ({len(uris)} programs), seed {args.seed}, one search at a time, 1-minute "
        f"load average {load:.1f} on {os.cpu_count()} CPUs. Every best state replayed on a fresh env and "
        "its program run against the unoptimized program's output.",
        "",
        "| search | geomean reward (x Oz) | geomean Oz/final | mean % fewer instrs than Oz "
        "| mean steps | every best replays and behaves |",
        "|---|---|---|---|---|---|",
    ]
    for agent, agent_rows in rows.items():
        lines.append(
            f"| {agent} | {geomean([r['reward'] for r in agent_rows]):.4f} "
            f"| {geomean([r['oz'] / max(r['final'], 1) for r in agent_rows]):.4f} "
            f"| {statistics.fmean(100 * (r['oz'] - r['final']) / r['oz'] for r in agent_rows):.2f} "
            f"| {statistics.fmean(r['steps'] for r in agent_rows):.0f} "
            f"| {'yes' if all(r['ok'] for r in agent_rows) else 'NO'} |"
        )
    lines += ["", "| program | Oz | " + " | ".join(rows) + " |", "|---|---|" + "---|" * len(rows)]
    for i in range(len(uris)):
        first = next(iter(rows.values()))[i]
        cells = [f"{agent_rows[i]['reward']:.4f}" for agent_rows in rows.values()]
        lines.append(f"| {first['program']} | {first['oz']} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n\n"
    print_and_append(text, args.out)


if __name__ == "__main__":
    main()
