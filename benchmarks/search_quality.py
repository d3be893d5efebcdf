"""Search baselines' quality at a fixed time budget on the built-in suite's test split.

    scripts/bench search_quality [--seconds 10] [--agents greedy random ...] [--jobs 2]
                                 [--variants 'greedy-O0=greedy{"start": "O0", "macros": true}' ...]
                                 [--out results/baselines_quality_10s.md]

Each baseline searches each test program for `--seconds` of walltime (seed 0,
default parameters, the full action catalogue, reward IrInstructionCountOz:
an episode total of 1.0 equals LLVM -Oz). Its best state is then replayed on a
fresh environment to check the claimed reward, and its program run to check it
prints what the unoptimized program prints (searches already refuse
misbehaving bests; the column counts how many they refused). The table gives, per baseline,
the geomean of the best reward (the CompilerGym leaderboard's metric), the
geomean of Oz/final instruction counts, the mean % of instructions removed
relative to Oz, and walltimes. The Markdown file is rewritten after every
baseline, so an interrupted run keeps what finished.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import gymnasium as gym
from _provenance import provenance_line

import cgym_ray  # noqa: F401  (registers the environments)
from cgym_ray.datasets import get_dataset
from cgym_ray.llvm import semantics
from cgym_ray.search import AGENTS, Budget, EpisodeOutcome

ANCHOR = (
    "Anchor (CompilerGym llvm-instcount leaderboard, cBench, LLVM 10, no macro-actions): "
    "random search 10 s 1.031x, 60 s 1.045x; greedy 1.055x; best 1.070x."
)


def geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(max(v, 1e-9)) for v in values))


def parse_variant(text: str) -> tuple[str, str, dict]:
    """`label=agent{json params}` -> (label, agent, params); a plain agent name is its own label."""
    label, _, rest = text.partition("=")
    name, brace, params = (rest or label).partition("{")
    if name not in AGENTS:
        raise SystemExit(f"--variants {text!r}: unknown agent {name!r}; known: {', '.join(AGENTS)}")
    return label, name, json.loads(brace + params) if brace else {}


def run_one(
    agent: str,
    benchmark: str,
    seconds: float,
    seed: int,
    step_timeout_s: float,
    variant: str | None = None,
) -> dict:
    load_before = os.getloadavg()[0]

    def make_env():
        return gym.make("llvm-ic-v0", step_timeout_s=step_timeout_s).unwrapped

    failures: Counter[str] = Counter()
    episodes = 0

    def report(episode: EpisodeOutcome) -> None:
        nonlocal episodes
        episodes += 1
        if episode.status == "error":
            last = episode.steps[-1]
            failures[f"{last.action_name}: {(last.error or '').split(':')[0]}"] += 1

    label, name, params = parse_variant(variant or agent)
    result = AGENTS[name](
        make_env, benchmark, Budget(seconds=seconds), seed, report=report, **params
    )
    env = make_env()
    try:
        env.apply(result.best_state)
        replayed = env.episode_reward
        references = env.references("instruction_count")
        behaves = semantics.check_behaviour(env.benchmark, env.object_file()).ok
    finally:
        env.close()
    o0, oz = int(references["O0"]), int(references["Oz"])
    final = o0 - round(result.best_reward * max(o0 - oz, 1))
    return {
        "agent": label,
        "benchmark": benchmark,
        "reward": result.best_reward,
        "replayed_reward": replayed,
        "replays": math.isclose(replayed, result.best_reward, rel_tol=1e-9, abs_tol=1e-12),
        "behaves": behaves,
        "miscompiles": result.params.get("miscompiles", 0),
        "o0": o0,
        "oz": oz,
        "final": final,
        "walltime_s": result.walltime_s,
        "steps": result.steps,
        "episodes": episodes,
        "length": len(result.best_state.commandline.split()),
        "failures": dict(failures),
        "load_average": (load_before + os.getloadavg()[0]) / 2,
        "commandline": result.best_state.commandline,
    }


def summarise(rows: list[dict]) -> dict:
    return {
        "reward_geomean": geomean([r["reward"] for r in rows]),
        "oz_over_final_geomean": geomean([r["oz"] / max(r["final"], 1) for r in rows]),
        "pct_fewer_than_oz": statistics.fmean(100 * (r["oz"] - r["final"]) / r["oz"] for r in rows),
        "walltime_mean_s": statistics.fmean(r["walltime_s"] for r in rows),
        "walltime_total_s": sum(r["walltime_s"] for r in rows),
        "steps_mean": statistics.fmean(r["steps"] for r in rows),
        "all_replay": all(r["replays"] for r in rows),
        "all_behave": all(r.get("behaves", False) for r in rows),
        "miscompiles": sum(r.get("miscompiles", 0) for r in rows),
        "failed_episodes": sum(sum(r["failures"].values()) for r in rows),
        "load_average": statistics.fmean(r.get("load_average", math.nan) for r in rows),
    }


def write_markdown(path: Path, results: dict[str, list[dict]], args: argparse.Namespace) -> None:
    benchmarks = [r["benchmark"].rsplit("/", 1)[-1] for r in next(iter(results.values()))]
    lines = [
        f"# Search baselines at {args.seconds:g} s a program",
        "",
        provenance_line(),
        "",
        f"cgym-suite-v0 `{args.split}` split ({len(benchmarks)} programs), seed {args.seed}, "
        "default parameters, full action catalogue (macro-actions O1-O3/Oz included), reward "
        "IrInstructionCountOz (1.0 = -Oz). Written by `benchmarks/search_quality.py`, "
        f"{args.jobs} search(es) at a time on {os.cpu_count()} CPUs. A time budget buys fewer steps on a "
        "busy machine: the last column is the 1-minute load average during the baseline's runs.",
        "",
        "| baseline | geomean reward (x Oz) | geomean Oz/final | mean % fewer instrs than Oz "
        "| mean walltime (s) | mean steps | best state replays | best programs behave "
        "| miscompiled bests rejected | failed episodes | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for agent, rows in results.items():
        s = summarise(rows)
        load = "n/a" if math.isnan(s["load_average"]) else f"{s['load_average']:.1f}"
        lines.append(
            f"| {agent} | {s['reward_geomean']:.4f} | {s['oz_over_final_geomean']:.4f} "
            f"| {s['pct_fewer_than_oz']:.2f} | {s['walltime_mean_s']:.1f} | {s['steps_mean']:.0f} "
            f"| {'yes' if s['all_replay'] else 'NO'} | {'yes' if s['all_behave'] else 'NO'} "
            f"| {s['miscompiles']} | {s['failed_episodes']} "
            f"| {load} |"
        )
    lines += ["", ANCHOR, "", "## Best reward per program", ""]
    lines.append("| program | O0 | Oz | " + " | ".join(results) + " |")
    lines.append("|---|---|---|" + "---|" * len(results))
    for i, name in enumerate(benchmarks):
        first = next(iter(results.values()))[i]
        cells = [f"{rows[i]['reward']:.4f}" for rows in results.values()]
        lines.append(f"| {name} | {first['o0']} | {first['oz']} | " + " | ".join(cells) + " |")
    failures: Counter[str] = Counter()
    for rows in results.values():
        for row in rows:
            failures.update(row["failures"])
    lines += ["", "## Compiler failures seen (action: cause, episodes)", ""]
    lines += [f"- {what}: {count}" for what, count in failures.most_common()] or ["- none"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--agents", nargs="+", default=list(AGENTS), choices=list(AGENTS))
    parser.add_argument(
        "--variants",
        nargs="+",
        default=[],
        help='more rows: LABEL=AGENT{JSON params}, e.g. \'greedy-O0=greedy{"start": "O0"}\'',
    )
    parser.add_argument("--split", default="test")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--step-timeout-s", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=Path("results/baselines_quality_10s.md"))
    parser.add_argument(
        "--jobs", type=int, default=1, help="searches run side by side (one per CPU)"
    )
    parser.add_argument("--raw", type=Path, default=None, help="also write one JSON line a run")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the other baselines' rows already in --raw (run some baselines later)",
    )
    args = parser.parse_args()

    suite = get_dataset("cgym-suite-v0")
    benchmarks = [suite.uri(name) for name in suite.benchmark_names(args.split)]
    results: dict[str, list[dict]] = {}
    if args.raw and args.keep and args.raw.exists():
        for line in args.raw.read_text().splitlines():
            row = json.loads(line)
            if row["agent"] not in args.agents:
                results.setdefault(row["agent"], []).append(row)
        args.raw.write_text(
            "".join(json.dumps(r) + "\n" for rows in results.values() for r in rows)
        )
    elif args.raw:
        args.raw.write_text("")
    # Each search is one process (the search) plus its compiler worker pinned to
    # the same CPU, so --jobs 2 runs two searches side by side on 2 CPUs.
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for agent in args.agents + args.variants:
            started = time.monotonic()
            futures = [
                pool.submit(
                    run_one, agent, benchmark, args.seconds, args.seed, args.step_timeout_s, agent
                )
                for benchmark in benchmarks
            ]
            agent = parse_variant(agent)[0]
            rows = [future.result() for future in futures]
            if args.raw:
                with args.raw.open("a") as raw:
                    raw.writelines(json.dumps(row) + "\n" for row in rows)
            results[agent] = rows
            write_markdown(args.out, results, args)
            s = summarise(rows)
            print(
                f"{agent:15s} geomean {s['reward_geomean']:.4f}  Oz/final {s['oz_over_final_geomean']:.4f}"
                f"  walltime {s['walltime_mean_s']:.1f} s/program  ({time.monotonic() - started:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
