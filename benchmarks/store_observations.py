"""What `store: {observations: [Autophase]}` costs a real search job: step rate and store bytes.

    scripts/bench store_observations [--pairs 3] [--steps 1500] [--reps 10] [--out results/store_observations.md]

1. The step itself: `LlvmEnv.play` of 200 random actions (the request a
   random search sends) on each program, with and without Autophase computed
   after every step in the same request (`observe=`), alternating, `--reps`
   times. Reported: wall time and the compiler worker's CPU time a step
   (psutil, the worker processes under this one), medians over the requests.
2. A whole job:
the same search job (random search, a step budget, on `llvm-ic-v0`, whose own
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
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

PROGRAMS = ("crc32", "dijkstra", "sha256", "quicksort", "adler_fletcher", "heapsort")


def job_file(directory: Path, steps: int, observations: bool) -> Path:
    uris = ", ".join(f"benchmark://cgym-suite-v0/{name}" for name in PROGRAMS)
    store = f"{{path: {directory / 'store'}" + (
        ", observations: [Autophase]}" if observations else "}"
    )
    path = directory / "job.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        kind: search
        name: {"with" if observations else "without"}-observations
        env: {{id: llvm-ic-v0}}
        benchmarks: {{uris: [{uris}]}}
        agents: [{{name: random, params: {{patience: 1000000}}}}]
        budget: {{steps: {steps}}}
        seeds: [0]
        ray: {{num_cpus: 2}}
        store: {store}
        output: {{dir: {directory / "out"}}}
        """)
    )
    return path


def run(steps: int, observations: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cgym-obs-bench-") as name:
        directory = Path(name)
        summary = directory / "summary.json"
        command = [
            sys.executable,
            "-m",
            "cgym_ray",
            "run",
            str(job_file(directory, steps, observations)),
            "--quiet",
            "--summary-json",
            str(summary),
        ]
        subprocess.run(command, check=True, capture_output=True, text=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cgym_ray",
                "results",
                "compact",
                "--store",
                str(directory / "store"),
            ],
            check=True,
            capture_output=True,
        )
        result = json.loads(summary.read_text())
        sizes = {
            table: sum(
                path.stat().st_size for path in (directory / "store" / table).rglob("*.parquet")
            )
            for table in ("steps", "episodes")
        }
        return {
            "steps": result["steps"],
            "episodes": result["episodes"],
            "steps_per_second": result["steps_per_second"],
            "steps_bytes": sizes["steps"] / result["steps"],
            "episodes_bytes": sizes["episodes"] / result["steps"],
        }


def step_costs(reps: int, length: int = 200) -> dict[bool, dict[str, float]]:
    """Median wall and worker-CPU microseconds a step of `play`, without and with Autophase."""
    import gymnasium as gym

    import cgym_ray  # noqa: F401  (registers the env ids)
    from cgym_ray.envs.observations import get_observation_spec

    autophase = get_observation_spec("Autophase")
    samples: dict[bool, dict[str, list[float]]] = {
        flag: {"wall": [], "cpu": []} for flag in (False, True)
    }

    def worker_cpu_s() -> float:
        """User + system CPU seconds of the processes below this one (its compiler workers)."""
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry)] = (
                    int(fields[1]),
                    int(fields[11]) + int(fields[12]),
                )  # ppid, utime+stime
        below, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {pid for pid, (ppid, _) in stats.items() if ppid in frontier} - below
            below |= frontier
        return sum(stats[pid][1] for pid in below) / os.sysconf("SC_CLK_TCK")

    env = gym.make("llvm-ic-v0").unwrapped
    try:
        rng = random.Random(0)
        for rep in range(reps):
            for program in PROGRAMS:
                actions = [rng.randrange(env.action_space.n) for _ in range(length)]
                order = (False, True) if rep % 2 == 0 else (True, False)
                for flag in order:
                    env.reset(options={"benchmark": f"benchmark://cgym-suite-v0/{program}"})
                    cpu, started = worker_cpu_s(), time.perf_counter()
                    played = env.play(
                        actions, action_effect=False, observe=(autophase,) if flag else ()
                    )
                    wall = time.perf_counter() - started
                    cpu = worker_cpu_s() - cpu
                    samples[flag]["wall"].append(wall / len(played) * 1e6)
                    samples[flag]["cpu"].append(cpu / len(played) * 1e6)
    finally:
        env.close()
    return {
        flag: {key: statistics.median(values) for key, values in kinds.items()}
        for flag, kinds in samples.items()
    }


def git_revision() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument(
        "--steps", type=int, default=1500, help="steps a program (the job's budget.steps)"
    )
    parser.add_argument(
        "--reps", type=int, default=10, help="requests a program and setting (part 1)"
    )
    parser.add_argument("--out", type=Path, default=Path("results/store_observations.md"))
    args = parser.parse_args()
    steps = step_costs(args.reps)
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    ratios = []
    for pair in range(args.pairs):
        order = (False, True) if pair % 2 == 0 else (True, False)
        measured = {flag: run(args.steps, flag) for flag in order}
        for flag in order:
            runs[flag].append(measured[flag])
        ratios.append(measured[True]["steps_per_second"] / measured[False]["steps_per_second"])
        print(
            f"pair {pair + 1}: "
            + ", ".join(
                f"{'on' if f else 'off'} {measured[f]['steps_per_second']:.0f} steps/s"
                for f in order
            ),
            file=sys.stderr,
        )

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
    text = "\n".join(
        [
            "# Trajectory store: recording observations in a job",
            "",
            f"Measured by `scripts/bench store_observations --pairs {args.pairs} --steps {args.steps} --reps "
            f"{args.reps}` at commit "
            f"{git_revision()} on {datetime.now(UTC):%Y-%m-%d}, 2 cores shared with other work (1-minute load "
            f"average at the end: {load:.1f}).",
            "",
            "## The step",
            "",
            f"`LlvmEnv.play` of 200 random actions on each of the {len(PROGRAMS)} programs, {args.reps} times, "
            "with and without Autophase after every step (computed in the same request to the compiler "
            "worker); medians a step over the requests. Worker CPU is the steadier figure on a busy machine.",
            "",
            "| Autophase after each step | wall a step | worker CPU a step |",
            "|---|---:|---:|",
            *(
                f"| {'yes' if flag else 'no'} | {steps[flag]['wall']:.0f} us | {steps[flag]['cpu']:.0f} us |"
                for flag in (False, True)
            ),
            "",
            f"Recording Autophase adds {steps[True]['cpu'] - steps[False]['cpu']:.0f} us of worker CPU a step "
            f"({steps[True]['cpu'] / steps[False]['cpu'] - 1:+.0%}).",
            "",
            "## A whole job",
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
            "a step before compression (zstd Parquet). "
            "Each episode also stores its initial observation and the space's JSON.",
            *(
                [
                    "",
                    "The pairs disagree in sign, so at this load the job's step rate cannot tell recording on "
                    "from off: the difference is within the noise of a shared machine. The worker CPU a step "
                    "above is the figure to go by.",
                ]
                if min(ratios) < 1 < max(ratios)
                else []
            ),
            "",
        ]
    )
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
