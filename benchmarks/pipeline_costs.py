"""What a step of the pipeline env costs, as a ratio to compiling its whole pipeline from scratch.

    scripts/bench pipeline_costs [--split test] [--steps 30] [--out results/pipelines.md]

For each program: an episode of `llvm-pipeline-ic-v0` from -Oz's pipeline
takes `--steps` random edits (seed 0) that change the pipeline; each step's
walltime is compared with compiling the same edited pipeline from the O0
module in a fresh worker, in one LLVMRunPasses call (fork of a loaded session,
the pipeline, the instruction count: what a step costs with no cache). Steps
that leave the pipeline unchanged (delete at an end slot, a parameter edit on a
pass with none) are not counted. Also reported: reset (the first compile of
-Oz's pipeline, which fills the cache).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
from _provenance import provenance_line

from cgym_ray.datasets import get_dataset
from cgym_ray.envs.llvm_env import SIZE_ATTRIBUTES
from cgym_ray.envs.pipeline_env import PipelineEnv
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=None, help="append the table to this Markdown file"
    )
    args = parser.parse_args()
    suite = get_dataset("cgym-suite-v0")
    load = os.getloadavg()[0]
    rows = [
        measure(suite.uri(name), args.steps, args.seed)
        for name in suite.benchmark_names(args.split)
    ]
    load = (load + os.getloadavg()[0]) / 2
    lines = [
        "## Step cost of the pipeline env",
        "",
        provenance_line(),
        "",
        f"`scripts/bench pipeline_costs --split {args.split} --steps {args.steps}`: cgym-suite-v0 "
        f"`{args.split}` split, random edits from -Oz's pipeline (seed {args.seed}), 1-minute load "
        f"average {load:.1f} on {os.cpu_count()} CPUs. A step is an env.step that changed the "
        "pipeline (compile from the last checkpoint plus the observation); from scratch is the same "
        "edited pipeline compiled whole from the O0 module in a forked worker.",
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
    print(text)
    if args.out:
        with args.out.open("a") as out:
            out.write(text)


if __name__ == "__main__":
    main()
