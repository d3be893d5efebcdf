"""What recording trajectories costs: write rate, bytes a step, step-loop slowdown, query time.

    scripts/bench store_costs [--rows 1000000] [--out results/store.md]

1. Write rate and bytes a step: prebuilt step records (Autophase vectors taken
   from real compiler steps, or none) go through one writer; rows/s counts
   from the first `add_step` to the end of `close()`. Bytes a step are the
   committed steps files' size over their rows, as written and after compaction.
2. Step-loop slowdown: the same loop with recording off and on, in
   alternating blocks so that load from other processes hits both alike.
   (a) the real compiler: `CompilerSession.apply(action, ["autophase"])`
   on suite programs, plus one `add_step` a step; (b) a pure-Python step
   burning ~200 us of CPU (the worst case for a background thread: it holds
   the GIL). Wall time and this process's CPU time are both reported; CPU
   time is the steadier on a busy machine.
3. Query time: a per-benchmark summary over the steps of the write test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore, new_id

EPISODE_LENGTH = 50
PROGRAMS = ("crc32", "dijkstra", "sha256", "qsort", "matmul", "md5", "heapsort", "fft")


def real_observations(samples: int, seed: int = 0) -> tuple[list[list[int]], list[str]]:
    """Autophase vectors of real compiler states (random pass sequences), and the action names."""
    from cgym_ray.llvm.session import CompilerSession

    rng = random.Random(seed)
    observations: list[list[int]] = []
    names: list[str] = []
    programs = [p for p in PROGRAMS if p not in ("qsort",)]
    while len(observations) < samples:
        uri = f"benchmark://cgym-suite-v0/{rng.choice(programs)}"
        with CompilerSession.from_benchmark(uri) as session:
            names = names or [a.name for a in session.catalogue if not a.is_macro]
            for _ in range(EPISODE_LENGTH):
                result = session.apply(rng.choice(names), observations=["autophase"])
                observations.append(list(result.observations["autophase"]))
    return observations[:samples], names


def synthetic_episodes(count: int, pool: list[list[int]] | None, names: list[str], seed: int = 1):
    """Episodes of EPISODE_LENGTH steps over 34 benchmarks, values shaped like real ones."""
    rng = random.Random(seed)
    benchmarks = [f"benchmark://cgym-suite-v0/program{index:02d}" for index in range(34)]
    for _ in range(count):
        episode_id, benchmark = new_id(), rng.choice(benchmarks)
        instructions, total, steps = rng.randrange(200, 20_000), 0.0, []
        for step in range(EPISODE_LENGTH):
            action = rng.randrange(len(names))
            change = rng.choice((0, 0, 0, 1, 2, 5, 17))
            instructions -= change
            total += change
            steps.append(
                StepRecord(
                    episode_id=episode_id, step=step, benchmark=benchmark, action=action,
                    action_name=names[action], reward=float(change), cumulative_reward=total,
                    instruction_count=instructions, walltime_s=rng.uniform(1e-4, 3e-4),
                    truncated=step == EPISODE_LENGTH - 1,
                    observation=rng.choice(pool) if pool else None,
                )
            )  # fmt: skip
        episode = EpisodeRecord(
            episode_id=episode_id, benchmark=benchmark, agent="random", num_steps=EPISODE_LENGTH,
            reward=total, seed=0, commandline=",".join(s.action_name for s in steps),
            instruction_count_final=instructions, backend="libllvm", llvm_version="23.1.4",
            initial_observation=pool[0] if pool else None,
        )  # fmt: skip
        yield steps, episode


def steps_bytes(store: TrajectoryStore) -> int:
    store.refresh()
    return sum(item.bytes for item in store._log.files("steps"))


def write_rate(root: Path, rows: int, pool, names) -> dict[str, float]:
    """Write `rows` steps through one writer; rows/s, caller cost, bytes a step."""
    store = TrajectoryStore.open(root)
    run_id = store.begin_run(name="write-rate")
    episodes = list(synthetic_episodes(rows // EPISODE_LENGTH, pool, names))
    writer = store.writer(run_id)
    started = time.perf_counter()
    adding = 0.0
    for steps, episode in episodes:
        before = time.perf_counter()
        for step in steps:
            writer.add_step(step)
        writer.add_episode(episode)
        adding += time.perf_counter() - before
    writer.close()
    elapsed = time.perf_counter() - started
    written = steps_bytes(store)
    compaction = store.compact()
    return {
        "rows": rows,
        "rows_per_s": rows / elapsed,
        "add_us": adding / rows * 1e6,
        "bytes_per_step": written / rows,
        "bytes_per_step_compacted": steps_bytes(store) / rows,
        "files": compaction.files_before,
    }


def query_times(root: Path, repeats: int = 5) -> dict[str, float]:
    store = TrajectoryStore.open(root)
    summary = (
        "SELECT benchmark, count(*) AS steps, count(DISTINCT episode_id) AS episodes, "
        "max(cumulative_reward) AS best, sum(walltime_s) AS walltime_s FROM steps GROUP BY benchmark"
    )

    def timed(function) -> float:
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    def with_pyarrow() -> None:
        table = store.steps(columns=["benchmark", "episode_id", "cumulative_reward", "walltime_s"])
        table.group_by("benchmark").aggregate(
            [("cumulative_reward", "max"), ("walltime_s", "sum"), ("episode_id", "count_distinct")]
        )

    return {
        "rows": store.query("SELECT count(*) AS n FROM steps")["n"][0].as_py(),
        "duckdb_s": timed(lambda: store.query(summary)),
        "pyarrow_s": timed(with_pyarrow),
        "one_benchmark_s": timed(
            lambda: store.steps(benchmark="benchmark://cgym-suite-v0/program07",
                                columns=["episode_id", "step", "reward"])
        ),  # fmt: skip
    }


def slowdown(step, blocks: int, steps_per_block: int, store: TrajectoryStore) -> dict[str, float]:
    """Median wall and CPU time a step, recording off vs on, in alternating blocks."""
    run_id = store.begin_run(name="slowdown")
    writer = store.writer(run_id)
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for block in range(blocks):
        recording = block % 2 == 1
        episode_id, total = new_id(), 0.0
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        for index in range(steps_per_block):
            action, name, count, observation = step(index)
            total += 1.0
            if recording:
                writer.add_step(
                    StepRecord(
                        episode_id=episode_id, step=index, benchmark="benchmark://bench/x",
                        action=action, action_name=name, reward=1.0, cumulative_reward=total,
                        instruction_count=count, walltime_s=0.0002, observation=observation,
                    )
                )  # fmt: skip
        wall[recording].append((time.perf_counter() - wall_started) / steps_per_block)
        cpu[recording].append((time.process_time() - cpu_started) / steps_per_block)
    writer.close()  # the last batch's write is not in any block: flushes happen within them
    off, on = statistics.median(wall[False]), statistics.median(wall[True])
    cpu_off, cpu_on = statistics.median(cpu[False]), statistics.median(cpu[True])
    return {
        "off_us": off * 1e6, "on_us": on * 1e6, "slowdown": on / off - 1,
        "cpu_off_us": cpu_off * 1e6, "cpu_on_us": cpu_on * 1e6,
        "cpu_overhead_us": (cpu_on - cpu_off) * 1e6, "cpu_slowdown_of_wall": (cpu_on - cpu_off) / off,
    }  # fmt: skip


def compiler_step(names: list[str], seed: int = 2):
    from cgym_ray.llvm.session import CompilerSession

    rng = random.Random(seed)
    state = {"session": None, "left": 0}

    def step(_: int):
        if state["left"] == 0:  # a new episode: reset, outside the recorded work
            if state["session"] is not None:
                state["session"].close()
            uri = f"benchmark://cgym-suite-v0/{rng.choice(('crc32', 'dijkstra', 'sha256'))}"
            state["session"], state["left"] = CompilerSession.from_benchmark(uri), EPISODE_LENGTH
        state["left"] -= 1
        action = rng.randrange(len(names))
        result = state["session"].apply(names[action], observations=["autophase"])
        return action, names[action], result.instruction_count, result.observations["autophase"]

    return step


def cpu_step(target_s: float = 200e-6):
    observation = list(range(56))

    def step(index: int):
        deadline = time.perf_counter() + target_s
        spins = 0
        while time.perf_counter() < deadline:
            spins += 1
        return index % 100, "pass", 1000 - index % 100, observation

    return step


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="steps in the write test")
    parser.add_argument("--blocks", type=int, default=16, help="alternating on/off blocks")
    parser.add_argument("--block-steps", type=int, default=500)
    parser.add_argument("--out", type=Path, default=Path("results/store.md"))
    args = parser.parse_args()

    print("sampling Autophase vectors from real compiler steps ...", flush=True)
    pool, names = real_observations(2000)
    with tempfile.TemporaryDirectory(prefix="cgym-store-bench-") as scratch:
        root = Path(scratch)
        print(f"writing {args.rows} steps with Autophase ...", flush=True)
        with_obs = write_rate(root / "with", args.rows, pool, names)
        print("querying ...", flush=True)
        queries = query_times(root / "with")
        print("writing without observations ...", flush=True)
        without_obs = write_rate(root / "without", min(args.rows, 200_000), None, names)
        print("step loop: real compiler ...", flush=True)
        store = TrajectoryStore.open(root / "loops")
        real = slowdown(compiler_step(names), args.blocks, args.block_steps, store)
        print("step loop: simulated 200 us CPU step ...", flush=True)
        simulated = slowdown(cpu_step(), args.blocks, args.block_steps * 4, store)

    load = os.getloadavg()[0]
    lines = [
        "# Trajectory store: costs",
        "",
        f"Measured by `scripts/bench store_costs` on {os.cpu_count()} cores "
        f"(1-minute load average at the end: {load:.1f}); zstd Parquet, default writer "
        "(20,000-row batches or every 5 s, whichever first).",
        "",
        "## Writing",
        "",
        "| steps | observation | rows/s (add to close) | add_step in the caller | bytes/step "
        "as written | bytes/step compacted | files before compaction |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for label, result in (("Autophase (56)", with_obs), ("none", without_obs)):
        lines.append(
            f"| {result['rows']:,} | {label} | {result['rows_per_s']:,.0f} | "
            f"{result['add_us']:.2f} us | {result['bytes_per_step']:.1f} | "
            f"{result['bytes_per_step_compacted']:.1f} | {result['files']} |"
        )
    lines += [
        "",
        "## Step-loop slowdown, recording on vs off",
        "",
        f"{args.blocks} alternating blocks; medians of per-block means. CPU is this process's "
        "CPU time (the compiler runs in its worker process, not counted).",
        "",
        "| loop | off (wall) | on (wall) | slowdown (wall) | CPU off | CPU on | "
        "recording CPU a step | as % of the step |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in (
        ("real compiler: apply + Autophase (crc32/dijkstra/sha256)", real),
        ("simulated: 200 us of Python CPU a step", simulated),
    ):
        lines.append(
            f"| {label} | {result['off_us']:.0f} us | {result['on_us']:.0f} us | "
            f"{result['slowdown']:+.1%} | {result['cpu_off_us']:.0f} us | "
            f"{result['cpu_on_us']:.0f} us | {result['cpu_overhead_us']:.1f} us | "
            f"{result['cpu_slowdown_of_wall']:.1%} |"
        )
    lines += [
        "",
        f"## Query over {queries['rows']:,} steps (34 benchmarks, compacted)",
        "",
        "| query | median time |",
        "|---|---:|",
        f"| per-benchmark summary, SQL (`store.query`, DuckDB) | {queries['duckdb_s'] * 1e3:.0f} ms |",
        f"| the same with pyarrow (`store.steps(columns=...)` + group_by) | "
        f"{queries['pyarrow_s'] * 1e3:.0f} ms |",
        f"| one benchmark's steps (`store.steps(benchmark=...)`) | "
        f"{queries['one_benchmark_s'] * 1e3:.0f} ms |",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
