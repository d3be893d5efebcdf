"""Training through compiler aborts: a clean run against 1 % injected aborts, side by side.

    scripts/bench rl_faults [--iterations 12] [--out FILE]   # figures: results/rl.md

Short PPO runs of configs/ppo-smoke.yaml (four small programs, 10-step
episodes, one env runner, 200 steps an iteration), for each of `--seeds`
(the spread between seeds is the noise), one after the other: clean, and with an injected compiler abort at every 100th step of
an env's life (1 %) under the default `on_compiler_error: terminate` (the env
ends the episode). Not run: the same aborts with `recreate`, where RLlib
restarts the env runner's 200-step sample at each abort and the rebuilt env
(its step counter at 0) aborts again 100 steps later, so no sample would
ever finish. Per iteration: the mean training episode return and the env steps
sampled; per run: steps per second and the failures seen. The load average is
written beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from _provenance import provenance_line

from cgym_ray.jobs.loading import load_job
from cgym_ray.rl.runner import run_train_job

CONFIG = Path(__file__).resolve().parent.parent / "configs" / "ppo-smoke.yaml"
RUNS = {
    "clean": [],
    "1 % aborts, terminate": ["fault_injection.every_n_steps=100", "on_compiler_error=terminate"],
}


def train(name: str, overrides: list[str], iterations: int, seed: int, scratch: Path) -> dict:
    job = load_job(
        CONFIG,
        [
            f"store.path={scratch / 'store'}",
            f"output.dir={scratch / name.replace(' ', '_').replace('%', 'pct')}-{seed}",
            f"seed={seed}",
            f"iterations={iterations}",
            "algorithm.train_batch_size=200",
            "checkpoint_every=0",
            "eval.interval=0",
            "eval.splits={}",
            "record_training=false",
            *overrides,
        ],
    )
    load_before = os.getloadavg()[0]
    summary = run_train_job(job, progress=False)
    log = Path(job.output_dir) / "training.jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    return {
        "name": f"{name}, seed {seed}",
        "returns": [line.get("episode_return_mean") for line in lines],
        "env_steps": summary.env_steps,
        "steps_per_s": summary.env_steps_per_second,
        "walltime_s": summary.train_walltime_s,
        "env_step_failures": summary.env_step_failures,
        "env_runner_restarts": summary.env_runner_restarts,
        "load": (load_before, os.getloadavg()[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=12)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    os.environ["CGYM_FAULT_INJECTION"] = "1"  # init_ray passes it on to the env runners
    header = provenance_line()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rl-faults-") as scratch:
        for seed in args.seeds:
            for name, overrides in RUNS.items():
                rows.append(train(name, overrides, args.iterations, seed, Path(scratch)))
                write_report(rows, header, args.out)  # after each run: a killed run keeps the rest


def write_report(rows: list[dict], header: str, out: Path | None) -> None:
    lines = [
        "| run | env steps | walltime (s) | env steps/s | RLlib env step failures "
        "| mean return, last 4 iterations | load (1 min) before → after |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        last = [r for r in row["returns"][-4:] if r is not None]
        lines.append(
            f"| {row['name']} | {row['env_steps']} | {row['walltime_s']:.0f} "
            f"| {row['steps_per_s']:.1f} | {row['env_step_failures']} "
            f"| {statistics.mean(last):.3f} | {row['load'][0]:.1f} → {row['load'][1]:.1f} |"
            if last
            else f"| {row['name']} | {row['env_steps']} | - | - | - | - | - |"
        )
    curves = ["| iteration | " + " | ".join(row["name"] for row in rows) + " |"]
    curves.append("|---:|" + "---:|" * len(rows))
    for index in range(max(len(row["returns"]) for row in rows)):
        cells = []
        for row in rows:
            value = row["returns"][index] if index < len(row["returns"]) else None
            cells.append("-" if value is None else f"{value:.3f}")
        curves.append(f"| {index + 1} | " + " | ".join(cells) + " |")
    text = (
        "\n".join(lines) + "\n\nMean training episode return per iteration:\n\n" + "\n".join(curves)
    )
    print(text, flush=True)
    if out is not None:
        out.write_text(
            "# Training through injected compiler aborts\n\n" + header + "\n\n" + text + "\n"
        )


if __name__ == "__main__":
    main()
