"""Throughput of random search on Ray: 1 actor vs 2 actors, and actor memory over time.

    scripts/bench search_throughput [--seconds 20] [--out results/baselines_throughput.md]
    unshare --net scripts/bench search_throughput --cluster   # a local 3-node cluster, loopback only
    scripts/bench search_throughput --memory-minutes 60 --skip-throughput   # actor memory over an hour

Each task is a random search with a time budget on one built-in program; the
pool runs `programs × repeats` tasks, once drawing from all 139 actions and
once from the 135 passes without the O1-Oz macro-actions (CompilerGym's
action space had no macro-actions; one O2 costs as much as 100 passes). Steps/s is the total of environment steps
(every step a real pass on a real module, recorded in the store) over the
pool's walltime once its actors are up. Memory is the resident size of each
actor with its compiler worker processes, sampled during a longer run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import ray
from _provenance import provenance_line

from cgym_ray.distributed import EnvConfig, EnvPool, PoolOptions, SearchTask, init_ray
from cgym_ray.llvm.backend import get_backend
from cgym_ray.store import TrajectoryStore

ACTION_SETS = {
    "all actions": None,
    "passes only": [a.name for a in get_backend("libllvm").actions if not a.is_macro],
}

SMALL = [
    "crc32",
    "md5",
    "lzw",
    "sha256",
    "adler_fletcher",
    "nbody",
]  # 1,100-1,600 instructions at O0


def run_pool(
    num_actors: int,
    seconds: float,
    repeats: int,
    store: TrajectoryStore,
    label: str,
    actions: list[str] | None,
) -> dict:
    run_id = store.begin_run(
        config={"benchmark": "search_throughput", "actors": num_actors}, name=label
    )
    pool = EnvPool(
        EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=num_actors), str(store.root), run_id
    )
    ray.get([actor.ping.remote() for actor in pool.actors])  # actors up before the clock starts
    tasks = [
        SearchTask(
            f"{label}-{name}-{r}",
            f"benchmark://cgym-suite-v0/{name}",
            "random",
            r,
            budget_seconds=seconds,
            params={"patience": 50, "actions": actions},
        )
        for r in range(repeats)
        for name in SMALL
    ]
    started = time.monotonic()
    results = pool.run(tasks)
    walltime = time.monotonic() - started
    pool.close()
    steps = sum(r.steps for r in results)
    store.refresh()
    recorded = store.steps(run_id=run_id, columns=["step", "instruction_count"])
    counts = recorded.column("instruction_count").to_pylist()
    return {
        "actors": num_actors,
        "steps": steps,
        "walltime_s": walltime,
        "steps_per_s": steps / walltime,
        "recorded": recorded.num_rows,
        "median_size": statistics.median(counts),
        "errors": sum(r.status != "ok" for r in results),
    }


def memory_over_time(
    minutes: float, actors: int, store: TrajectoryStore
) -> tuple[list[tuple], dict]:
    """Run 10 s random searches for `minutes`; sample each actor's RSS and PSS every 30 s."""
    run_id = store.begin_run(config={"benchmark": "memory"}, name="memory")
    pool = EnvPool(EnvConfig("llvm-ic-v0"), PoolOptions(num_actors=actors), str(store.root), run_id)
    names = SMALL + ["dijkstra", "json_parser", "stack_vm", "linalg_kit"]
    tasks = [
        SearchTask(
            f"m{i}",
            f"benchmark://cgym-suite-v0/{names[i % len(names)]}",
            "random",
            i,
            budget_seconds=10,
        )
        for i in range(int(minutes * 60 / 10 * actors) + actors)
    ]
    samples: list[tuple[float, list[int], list[int]]] = []
    started = time.monotonic()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                rss, pss = pool.memory(), pool.memory(proportional=True)
                samples.append((time.monotonic() - started, rss, pss))
            except Exception:
                pass
            done.wait(30)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results = pool.run(tasks)
    done.set()
    sampler.join()
    pool.close()
    store.refresh()
    episodes = store.episodes(run_id=run_id).to_pandas()
    errors = episodes[episodes["status"] != "ok"]["error"].fillna("")
    causes = {"out of memory": 0, "timeout": 0, "abort": 0}
    for text in errors:
        cause = next((c for c in causes if c in text), "other")
        causes[cause] = causes.get(cause, 0) + 1
    totals = {
        "steps": sum(r.steps for r in results),
        "episodes": len(episodes),
        "failed tasks": sum(r.status != "ok" for r in results),
        **{f"episodes ended by {k}": v for k, v in causes.items()},
    }
    return samples, totals


def memory_report(
    samples: list[tuple], totals: dict, minutes: float, actors: int, csv_path: Path
) -> list[str]:
    """A table of PSS (median, max) and RSS (max) per actor, by window; raw samples to `csv_path`."""
    with csv_path.open("w") as out:
        out.write("minute,actor,rss_mib,pss_mib\n")
        for elapsed, rss, pss in samples:
            for i, (r, p) in enumerate(zip(rss, pss, strict=True), 1):
                out.write(f"{elapsed / 60:.2f},{i},{r / 2**20:.0f},{p / 2**20:.0f}\n")
    window = max(1.0, minutes / 12)
    mib = 2**20
    lines = [
        "",
        f"Actor memory (MiB, each actor with its compiler workers) over {minutes:g} minutes of 10 s "
        f"random searches on 10 programs, {actors} actor(s), sampled every 30 s (raw: `{csv_path}`). "
        "PSS splits pages shared by forked workers; RSS sums them per process.",
        "",
        "| minutes | "
        + " | ".join(
            f"actor {i} PSS median / max | actor {i} RSS max" for i in range(1, actors + 1)
        )
        + " |",
        "|---|" + "---:|---:|" * actors,
    ]
    start = 0.0
    while start < (samples[-1][0] / 60 if samples else 0):
        rows = [s for s in samples if start <= s[0] / 60 < start + window]
        if rows:
            cells = []
            for i in range(actors):
                pss = [s[2][i] for s in rows]
                cells.append(
                    f"{statistics.median(pss) / mib:,.0f} / {max(pss) / mib:,.0f} | {max(s[1][i] for s in rows) / mib:,.0f}"
                )
            lines.append(f"| {start:g}–{start + window:g} | " + " | ".join(cells) + " |")
        start += window
    lines += ["", "Totals: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()) + "."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="budget of each random search")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--memory-minutes", type=float, default=0.0)
    parser.add_argument("--cluster", action="store_true", help="a head and two 1-CPU worker nodes")
    parser.add_argument("--memory-actors", type=int, default=2)
    parser.add_argument("--skip-throughput", action="store_true", help="only the memory run")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="default: results/baselines_throughput[_cluster|_memory].md",
    )
    args = parser.parse_args()
    suffix = "_cluster" if args.cluster else "_memory" if args.skip_throughput else ""
    out = args.out or Path(f"results/baselines_throughput{suffix}.md")
    header = [
        "| setting | actions | steps | walltime (s) | steps/s | median instructions |",
        "|---|---|---:|---:|---:|---:|",
    ]
    load = open("/proc/loadavg").read().split()[0]
    if args.skip_throughput:
        lines = [
            f"Measured by `scripts/bench search_throughput --skip-throughput --memory-minutes "
            f"{args.memory_minutes:g} --memory-actors {args.memory_actors}` (load before: {load})."
        ]
    else:
        lines = [
            f"Measured by `scripts/bench search_throughput{' --cluster' if args.cluster else ''}` "
            f"({args.seconds:g} s random searches, patience 50, on {', '.join(SMALL)}; load before: {load}).",
            "",
        ]

    def row(setting: str, actions: str, r: dict) -> str:
        return (
            f"| {setting} | {actions} | {r['steps']} | {r['walltime_s']:.1f} | {r['steps_per_s']:,.0f} | "
            f"{r['median_size']:.0f} |"
        )

    with tempfile.TemporaryDirectory(prefix="cgym-throughput-") as scratch:
        store = TrajectoryStore.open(Path(scratch) / "store")
        if args.cluster:
            from ray.cluster_utils import Cluster

            cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
            for _ in range(2):
                cluster.add_node(num_cpus=1)
            ray.init(address=cluster.address)
            nodes = [n["NodeManagerAddress"] for n in ray.nodes() if n["Alive"]]
            lines += header
            for label, actions in ACTION_SETS.items():
                r = run_pool(2, args.seconds, args.repeats, store, "cluster", actions)
                lines.append(
                    row(
                        f"local cluster: {len(nodes)} nodes (head + 2 workers of 1 CPU), 2 actors",
                        label,
                        r,
                    )
                )
            ray.shutdown()
            cluster.shutdown()
        else:
            init_ray(num_cpus=2 if not args.skip_throughput else args.memory_actors)
            if not args.skip_throughput:
                lines += header
                scaling, recorded = [], 0
                for label, actions in ACTION_SETS.items():
                    one = run_pool(1, args.seconds, args.repeats, store, "one", actions)
                    two = run_pool(2, args.seconds, args.repeats, store, "two", actions)
                    lines += [
                        row("embedded Ray, 1 actor", label, one),
                        row("embedded Ray, 2 actors", label, two),
                    ]
                    scaling.append(f"{label}: **{two['steps_per_s'] / one['steps_per_s']:.2f}×**")
                    recorded += one["recorded"] + two["recorded"]
                lines += [
                    "",
                    f"Scaling from 1 to 2 actors: {'; '.join(scaling)}. "
                    f"Every step is recorded in the store ({recorded} rows written).",
                ]
            if args.memory_minutes:
                samples, totals = memory_over_time(args.memory_minutes, args.memory_actors, store)
                lines += memory_report(
                    samples,
                    totals,
                    args.memory_minutes,
                    args.memory_actors,
                    out.with_name(out.stem + "_samples.csv"),
                )
            ray.shutdown()
    text = "\n".join([provenance_line(), "", *lines]) + "\n"
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
