"""What a step of the pipeline env costs, as a ratio to compiling its whole pipeline from scratch.

    scripts/bench pipeline_costs [--split test] [--steps 30] [--out results/pipelines.md]
    scripts/bench pipeline_costs --proposals 30 [--split test] [--out results/pipelines.md]

For each program: an episode of `llvm-pipeline-ic-v0` from -Oz's pipeline
takes `--steps` random edits (seed 0) that change the pipeline; each step's
walltime is compared with compiling the same edited pipeline from the O0
module in a fresh worker, in one LLVMRunPasses call (fork of a loaded session,
the pipeline, the instruction count: what a step costs with no cache). Steps
that leave the pipeline unchanged (delete at an end slot, a parameter edit on a
pass with none) are not counted. Also reported: reset (the first compile of
-Oz's pipeline, which fills the cache).

With `--proposals N`, the pipelines are instead the first N that
`pipeline_evolve` compiles on the program (seed 0, step budget N), compiled
in the search's order by one `IncrementalCompiler` (what the search pays,
checkpoints kept by prefix) and each also from scratch, interleaved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
from _provenance import print_and_append, provenance_line

from cgym_ray.datasets import get_benchmark, get_dataset
from cgym_ray.envs.llvm_env import SIZE_ATTRIBUTES
from cgym_ray.envs.pipeline_env import PipelineEnv
from cgym_ray.llvm.pipelines import oz_pipeline
from cgym_ray.llvm.pipelines.edits import apply_edit
from cgym_ray.llvm.pipelines.run import pipeline_action
from cgym_ray.llvm.session import CompilerSession


def measure(uri: str, steps: int, seed: int) -> dict:
    env = PipelineEnv(benchmark=uri)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    env.reset(seed=seed)
    reset_s = time.perf_counter() - started
    bitcode = env.benchmark.bitcode()
    base = CompilerSession(bitcode, uri, attributes=SIZE_ATTRIBUTES)
    step_s: list[float] = []
    scratch_s: list[float] = []
    tries = 0
    while len(step_s) < steps and tries < steps * 20:
        tries += 1
        action = rng.integers(env.action_space.nvec)
        edited, _ = apply_edit(env.pipeline, *(int(a) for a in action))
        if edited == env.pipeline:
            continue
        started = time.perf_counter()
        _, _, terminated, _, _ = env.step(action)
        step_s.append(time.perf_counter() - started)
        if terminated:
            break
        fresh = base.fork()
        started = time.perf_counter()
        fresh.apply(pipeline_action(edited))
        scratch_s.append(time.perf_counter() - started)
        fresh.close()
    base.close()
    env.close()
    n = min(len(step_s), len(scratch_s))
    return {
        "program": uri.rsplit("/", 1)[-1],
        "steps": n,
        "reset_s": reset_s,
        "step_s": statistics.fmean(step_s[:n]),
        "scratch_s": statistics.fmean(scratch_s[:n]),
        "ratio": statistics.fmean(step_s[:n]) / statistics.fmean(scratch_s[:n]),
    }


def measure_proposals(uri: str, proposals: int, seed: int) -> dict:
    import gymnasium as gym

    from cgym_ray.llvm.pipelines import Pipeline
    from cgym_ray.llvm.pipelines.run import IncrementalCompiler
    from cgym_ray.search.common import Budget, EpisodeCollector
    from cgym_ray.search.pipeline_evolve import pipeline_evolve

    collected = EpisodeCollector()
    pipeline_evolve(
        lambda: gym.make("llvm-pipeline-ic-v0").unwrapped,
        uri,
        Budget(steps=proposals),
        seed,
        report=collected,
        check_behaviour=False,
    )
    texts = [o.state.commandline for o in collected if o.status == "ok"]
    bitcode = get_benchmark(uri).bitcode()
    base = CompilerSession(bitcode, uri, attributes=SIZE_ATTRIBUTES)
    compiler = IncrementalCompiler(base.fork(), bitcode, SIZE_ATTRIBUTES)
    started = time.perf_counter()
    compiler.compile(oz_pipeline())
    reset_s = time.perf_counter() - started
    step_s: list[float] = []
    scratch_s: list[float] = []
    for text in texts:
        pipeline = Pipeline.parse(text)
        started = time.perf_counter()
        compiler.compile(pipeline)
        step_s.append(time.perf_counter() - started)
        fresh = base.fork()
        started = time.perf_counter()
        fresh.apply(pipeline_action(pipeline))
        scratch_s.append(time.perf_counter() - started)
        fresh.close()
    compiler.close()
    base.close()
    n = len(step_s)
    return {
        "program": uri.rsplit("/", 1)[-1],
        "steps": n,
        "reset_s": reset_s,
        "step_s": statistics.fmean(step_s) if n else 0.0,
        "scratch_s": statistics.fmean(scratch_s) if n else 1.0,
        "ratio": (statistics.fmean(step_s) / statistics.fmean(scratch_s)) if n else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--proposals",
        type=int,
        default=0,
        help="measure the pipelines pipeline_evolve proposes instead of random env steps",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="append the table to this Markdown file"
    )
    args = parser.parse_args()
    suite = get_dataset("cgym-suite-v0")
    load = os.getloadavg()[0]
    rows = [
        measure_proposals(suite.uri(name), args.proposals, args.seed)
        if args.proposals
        else measure(suite.uri(name), args.steps, args.seed)
        for name in suite.benchmark_names(args.split)
    ]
    load = (load + os.getloadavg()[0]) / 2
    if args.proposals:
        what = (
            f"`scripts/bench pipeline_costs --split {args.split} --proposals {args.proposals}`: "
            f"cgym-suite-v0 `{args.split}` split, the pipelines pipeline_evolve proposed (seed "
            f"{args.seed}, in its order), 1-minute load average {load:.1f} on {os.cpu_count()} "
            "CPUs. A step is compiling the next proposal with one IncrementalCompiler (checkpoints "
            "kept by prefix); from scratch is the same pipeline compiled whole from the O0 module "
            "in a forked worker."
        )
    else:
        what = (
            f"`scripts/bench pipeline_costs --split {args.split} --steps {args.steps}`: "
            f"cgym-suite-v0 `{args.split}` split, random edits from -Oz's pipeline (seed "
            f"{args.seed}), 1-minute load average {load:.1f} on {os.cpu_count()} CPUs. A step is "
            "an env.step that changed the pipeline (compile from the last checkpoint plus the "
            "observation); from scratch is the same edited pipeline compiled whole from the O0 "
            "module in a forked worker."
        )
    lines = [
        "## Step cost of the pipeline env",
        "",
        provenance_line(),
        "",
        what,
        "",
        "| program | steps | reset (s) | step (ms) | from scratch (ms) | step ÷ from scratch |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['program']} | {row['steps']} | {row['reset_s']:.2f} | {1000 * row['step_s']:.0f} "
            f"| {1000 * row['scratch_s']:.0f} | {row['ratio']:.2f} |"
        )
    total_step = sum(r["step_s"] * r["steps"] for r in rows)
    total_scratch = sum(r["scratch_s"] * r["steps"] for r in rows)
    lines += [
        f"| **all** | {sum(r['steps'] for r in rows)} | | | | **{total_step / total_scratch:.2f}** |",
        "",
    ]
    text = "\n".join(lines) + "\n"
    print_and_append(text, args.out)


if __name__ == "__main__":
    main()
