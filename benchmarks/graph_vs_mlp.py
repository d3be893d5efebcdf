"""The GNN example (configs/ppo-graph.yaml) beside the same PPO on Autophase, one run after the other.

    scripts/bench graph_vs_mlp --iterations 5 --out /tmp/graph_vs_mlp.md

Both are `cgym-ray run configs/ppo-graph.yaml` with the same programs, seed,
episode length, PPO settings and env steps an iteration; the second overrides
`observation=autophase_history`, so its policy is an MLP of the same widths
(64, 64) on the Autophase features and the action history instead of the GNN
on the padded Programl graph. Each job runs as its own process, in a scratch
directory, in this order, so both see about the same machine; the 1-minute
load before each is written beside it. Per iteration: env steps, seconds
(RLlib's `time_this_iter_s`) and the mean episode return, from each job's
training.jsonl; per job, env steps per second over all its iterations.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _provenance import print_and_append, provenance_line

CONFIG = "configs/ppo-graph.yaml"
POLICIES = {
    "GNN on Programl": (),
    "MLP on Autophase": ("observation=autophase_history",),
}


def train(iterations: int, overrides: tuple[str, ...], output: Path) -> list[dict]:
    """One training job of the example config; its training.jsonl lines."""
    command = [
        sys.executable,
        "-m",
        "cgym_ray",
        "run",
        CONFIG,
        "--quiet",
        f"iterations={iterations}",
        "checkpoint_every=0",
        f"output.dir={output}",
        f"store.path={output / 'store'}",
        *overrides,
    ]
    subprocess.run(command, check=True)
    lines = (output / "training.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def report(provenance: str, iterations: int, runs: dict[str, tuple[float, list[dict]]]) -> str:
    names = list(runs)
    lines = [
        provenance,
        "",
        f"`{CONFIG}` for {iterations} iterations, then the same with "
        "`observation=autophase_history`; "
        + "; ".join(f"{name}: load {load:.1f} before" for name, (load, _) in runs.items())
        + ".",
        "",
        "| iteration | env steps | " + " | ".join(f"{n} s | {n} return mean" for n in names) + " |",
        "|---:|---:|" + "---:|---:|" * len(names),
    ]
    for i in range(iterations):
        rows = [runs[n][1][i] if i < len(runs[n][1]) else None for n in names]
        steps = next((r["env_steps"] for r in rows if r), 0)
        cells = []
        for row in rows:
            if row is None:
                cells += ["", ""]
            else:
                cells += [f"{row['time_this_iter_s']:.1f}", f"{row['episode_return_mean']:.3f}"]
        lines.append(f"| {i + 1} | {steps:,} | " + " | ".join(cells) + " |")
    lines += ["", "| policy | env steps | seconds | env steps/s |", "|---|---:|---:|---:|"]
    for name, (_, rows) in runs.items():
        seconds = sum(r["time_this_iter_s"] for r in rows)
        steps = rows[-1]["env_steps"]
        lines.append(f"| {name} | {steps:,} | {seconds:.1f} | {steps / seconds:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    provenance = provenance_line()  # the load at the start
    runs: dict[str, tuple[float, list[dict]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for index, (name, overrides) in enumerate(POLICIES.items()):
            load = os.getloadavg()[0]
            runs[name] = (load, train(args.iterations, overrides, Path(scratch) / str(index)))
    print_and_append(report(provenance, args.iterations, runs), args.out)


if __name__ == "__main__":
    main()
