"""What `store: {observations: [Autophase]}` costs a real search job: step rate and store bytes.

    scripts/bench store_observations [--pairs 3] [--steps 1500] [--out results/store_observations.md]

The same search job (random search, a step budget, on `llvm-ic-v0`, whose own
observation is the instruction count) runs with and without recording
Autophase, in pairs whose order alternates so that load from other processes
hits both alike. Each run is a real `cgym-ray run` (embedded Ray, 2 actors)
into a fresh store. Step rate is the job's recorded steps over its walltime
(the summary's `steps_per_second`); bytes a step are the steps and episodes
files' size over the steps, after `results compact` (as a store is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

PROGRAMS = ("crc32", "dijkstra", "sha256", "quicksort", "adler_fletcher", "heapsort")


def job_file(directory: Path, steps: int, observations: bool) -> Path:
    uris = ", ".join(f"benchmark://cgym-suite-v0/{name}" for name in PROGRAMS)
    store = f"{{path: {directory / 'store'}" + (", observations: [Autophase]}" if observations else "}")
    path = directory / "job.yaml"
    path.write_text(textwrap.dedent(f"""\
        kind: search
        name: {"with" if observations else "without"}-observations
        env: {{id: llvm-ic-v0}}
        benchmarks: {{uris: [{uris}]}}
        agents: [{{name: random, params: {{patience: 1000000}}}}]
        budget: {{steps: {steps}}}
        seeds: [0]
        ray: {{num_cpus: 2}}
        store: {store}
        output: {{dir: {directory / 'out'}}}
        """))
    return path


def run(steps: int, observations: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cgym-obs-bench-") as name:
        directory = Path(name)
        summary = directory / "summary.json"
        command = [sys.executable, "-m", "cgym_ray", "run", str(job_file(directory, steps, observations)),
                   "--quiet", "--summary-json", str(summary)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, text=True)
        subprocess.run([sys.executable, "-m", "cgym_ray", "results", "compact", "--store",
                        str(directory / "store")], check=True, capture_output=True)  # fmt: skip
        result = json.loads(summary.read_text())
        sizes = {
            table: sum(path.stat().st_size for path in (directory / "store" / table).rglob("*.parquet"))
            for table in ("steps", "episodes")
        }
        return {
            "steps": result["steps"],
            "episodes": result["episodes"],
            "steps_per_second": result["steps_per_second"],
            "steps_bytes": sizes["steps"] / result["steps"],
            "episodes_bytes": sizes["episodes"] / result["steps"],
        }


def git_revision() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1500, help="steps a program (the job's budget.steps)")
    parser.add_argument("--out", type=Path, default=Path("results/store_observations.md"))
    args = parser.parse_args()
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    ratios = []
    for pair in range(args.pairs):
        order = (False, True) if pair % 2 == 0 else (True, False)
        measured = {flag: run(args.steps, flag) for flag in order}
        for flag in order:
            runs[flag].append(measured[flag])
        ratios.append(measured[True]["steps_per_second"] / measured[False]["steps_per_second"])
        print(f"pair {pair + 1}: " + ", ".join(f"{'on' if f else 'off'} {measured[f]['steps_per_second']:.0f} steps/s"
                                             for f in order), file=sys.stderr)  # fmt: skip

    def median(flag: bool, key: str) -> float:
        return statistics.median(r[key] for r in runs[flag])

    rows = []
    for flag, label in ((False, "off (the default)"), (True, "`observations: [Autophase]`")):
        rows.append(
            f"| {label} | {median(flag, 'steps'):,.0f} | {median(flag, 'steps_per_second'):,.0f} | "
            f"{median(flag, 'steps_bytes'):.1f} | {median(flag, 'episodes_bytes'):.1f} |"
        )
    change = statistics.median(ratios) - 1
    load = os.getloadavg()[0]
    text = "\n".join([
        "# Trajectory store: recording observations in a job",
        "",
        f"Measured by `scripts/bench store_observations --pairs {args.pairs} --steps {args.steps}` at commit "
        f"{git_revision()} on {datetime.now(UTC):%Y-%m-%d}, 2 cores shared with other work (1-minute load "
        f"average at the end: {load:.1f}).",
        "",
        f"A real search job, `cgym-ray run`: random search with a budget of {args.steps} steps on each of "
        f"{len(PROGRAMS)} suite programs ({', '.join(PROGRAMS)}), env `llvm-ic-v0` (its own observation is "
        "the instruction count), embedded Ray with 2 actors, into a fresh store; then `results compact`. "
        f"{args.pairs} pairs of runs, recording off and on, order alternating. Medians over the runs.",
        "",
        "| recording | steps | steps/s | steps bytes/step | episodes bytes/step |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"Step rate with Autophase recorded: {change:+.1%} (median of the pairs' ratios; range "
        f"{min(ratios) - 1:+.1%} to {max(ratios) - 1:+.1%}). The search computes Autophase after every "
        "step, in the same request to the compiler worker as the step; the store then holds 56 float32 "
        "a step (zstd compresses them well, since consecutive steps change few features). "
        "Each episode also stores its initial observation and the space's JSON.",
        "",
    ])
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
