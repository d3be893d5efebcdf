"""Learning curves and per-benchmark test results, drawn from the store as PNG files.

- `learning_curve.png`: the mean training-episode reward (agent "<algo>-train")
  per bin of env steps, the steps counted in the order episodes ended, over all
  the runs of a training (a resumed training continues the curve).
- `test_results.png`: per test benchmark, the policy's episode reward and the
  best reward of the guided search, with -Oz at 1.0.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CURVE_BINS = 40
SMOOTHING_BINS = 5  # the bold line: the mean of this many bins


def learning_curve_points(
    store: Any, run_ids: list[str], agent: str
) -> list[tuple[int, float, int]]:
    """(env steps at the end of the bin, mean episode reward in it, episodes) over the runs."""
    ids = ", ".join(f"'{run_id}'" for run_id in run_ids)
    table = store.query(
        f"SELECT num_steps, reward, status FROM episodes WHERE run_id IN ({ids}) AND agent = '{agent}' "
        "ORDER BY started_at + to_microseconds(CAST(walltime_s * 1e6 AS BIGINT))"
    ).to_pylist()
    if not table:
        return []
    total = sum(row["num_steps"] for row in table)
    width = max(total // CURVE_BINS, 1)
    bins: dict[int, list[float]] = defaultdict(list)
    steps = 0
    for row in table:
        steps += row["num_steps"]
        if row["status"] == "ok":
            bins[min((steps - 1) // width, CURVE_BINS - 1)].append(float(row["reward"]))
    return [
        ((index + 1) * width, sum(v) / len(v), len(v)) for index, v in sorted(bins.items()) if v
    ]


def benchmark_results(
    store: Any, run_ids: list[str], benchmarks: list[str]
) -> dict[str, dict[str, float]]:
    """agent -> benchmark -> reward: the mean episode reward of the policy alone, the best
    cumulative reward reached in any episode for a guided search (what the search returns)."""
    ids = ", ".join(f"'{run_id}'" for run_id in run_ids)
    rows = store.query(
        "SELECT e.agent, e.benchmark, e.seed, e.reward, "
        "  (SELECT max(s.cumulative_reward) FROM steps s WHERE s.run_id = e.run_id "
        "   AND s.episode_id = e.episode_id) AS best "
        f"FROM episodes e WHERE e.run_id IN ({ids}) AND e.checkpoint IS NOT NULL"
    ).to_pylist()
    wanted = set(benchmarks)
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    best: dict[tuple[str, str, int], float] = {}
    for row in rows:
        if row["benchmark"] not in wanted:
            continue
        if row["agent"].endswith("+guided"):
            key = (row["agent"], row["benchmark"], row["seed"])
            best[key] = max(best.get(key, 0.0), float(row["best"] or 0.0))
        else:
            values[row["agent"]][row["benchmark"]].append(float(row["reward"]))
    for (agent, benchmark, _), value in best.items():
        values[agent][benchmark].append(value)
    return {agent: {b: sum(v) / len(v) for b, v in per.items()} for agent, per in values.items()}


def plot_run_isolated(
    store_path: str, run_ids: list[str], output_dir: Path, algo_name: str, test_uris: list[str]
) -> list[str]:
    """`plot_run` in a child process; a failure costs the plots (logged), never the job.

    Importing matplotlib's native modules into a process that already holds libLLVM, torch
    and Ray crashed it (a segfault in `matplotlib._mathtext_data`, seen in the test suite).
    """
    arguments = json.dumps([store_path, run_ids, str(output_dir), algo_name, test_uris])
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cgym_ray.rl.plots", arguments],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        logger.warning("plotting %s timed out; no plots", output_dir)
        return []
    if done.returncode != 0:
        logger.warning("plotting failed (exit %s): %s", done.returncode, done.stderr[-2000:])
        return []
    return json.loads(done.stdout.strip().splitlines()[-1])


def plot_run(
    store: Any, run_ids: list[str], output_dir: Path, algo_name: str, test_uris: list[str]
) -> list[str]:
    """Write the run's PNG files into `output_dir`; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    points = learning_curve_points(store, run_ids, f"{algo_name}-train")
    if points:
        figure, axes = plt.subplots(figsize=(7, 4))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        axes.plot(xs, ys, marker="o", markersize=2, linewidth=0.8, alpha=0.4, label="per bin")
        smooth = [
            sum(ys[max(0, i - SMOOTHING_BINS + 1) : i + 1])
            / len(ys[max(0, i - SMOOTHING_BINS + 1) : i + 1])
            for i in range(len(ys))
        ]
        axes.plot(xs, smooth, linewidth=2, label=f"mean of {SMOOTHING_BINS} bins")
        axes.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="-Oz")
        axes.set_xlabel("env steps")
        axes.set_ylabel("mean episode reward (IrInstructionCountOz)")
        axes.set_title(f"{algo_name.upper()} training episodes")
        axes.legend()
        axes.grid(alpha=0.3)
        figure.tight_layout()
        path = output_dir / "learning_curve.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(str(path))
    results = benchmark_results(store, run_ids[-1:], test_uris) if test_uris else {}
    if results:
        written.append(
            str(plot_benchmark_bars(results, output_dir / "test_results.png", "test split"))
        )
    return written


def plot_benchmark_bars(results: dict[str, dict[str, float]], path: Path, title: str) -> Path:
    """Grouped bars: one group per benchmark, one bar per agent; -Oz is the line at 1.0."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    agents = sorted(results)
    benchmarks = sorted({b for per in results.values() for b in per})
    width = 0.8 / max(len(agents), 1)
    figure, axes = plt.subplots(figsize=(max(7, len(benchmarks) * 0.8), 4.5))
    for index, agent in enumerate(agents):
        xs = [i + (index - (len(agents) - 1) / 2) * width for i in range(len(benchmarks))]
        axes.bar(xs, [results[agent].get(b, 0.0) for b in benchmarks], width, label=agent)
    axes.axhline(1.0, color="grey", linestyle="--", linewidth=1)
    values = [v for per in results.values() for v in per.values()]
    if values and min(values) > 0.5:  # near -Oz the differences matter: zoom in
        axes.set_ylim(min(values) - 0.02, max(max(values), 1.0) + 0.01)
    axes.set_xticks(range(len(benchmarks)))
    axes.set_xticklabels([b.rsplit("/", 1)[-1] for b in benchmarks], rotation=45, ha="right")
    axes.set_ylabel("reward (1.0 = -Oz)")
    axes.set_title(title)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside the bars
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


if __name__ == "__main__":
    from cgym_ray.store import TrajectoryStore

    store_path, run_ids, output_dir, algo_name, test_uris = json.loads(sys.argv[1])
    store = TrajectoryStore.open(store_path)
    print(json.dumps(plot_run(store, run_ids, Path(output_dir), algo_name, test_uris)))
