"""What recording trajectories costs: write rate, bytes a step, step-loop slowdown, query time.

    scripts/bench store_costs [--rows 1000000] [--out results/store.md]

1. Write rate and bytes a step: prebuilt step records (Autophase vectors taken
   from real compiler steps, or none) go through one writer; rows/s counts
   from the first `add_step` to the end of `close()`. Bytes a step are the
   committed steps files' size over their rows, as written and after compaction.
2. Step-loop slowdown: the same loop with recording off and on, in pairs of
   runs (order alternating, so load from other processes hits both alike);
   a recording run includes its writer's `close()`, so it pays for writing
   and committing all its rows. Loops: the real compiler replaying the
   recorded episodes (`CompilerSession.apply(action, ["autophase"])`, in
   process and through a worker process) plus one `add_step` a step, and a
   pure-Python step burning ~200 us of CPU (the worst case for a background
   thread: it holds the GIL). Wall time and this process's CPU time are both
   reported; CPU time is the steadier on a busy machine.
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

from _provenance import provenance_line

from cgym_ray.errors import CompilerError
from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore, TrajectoryWriter, new_id

EPISODE_LENGTH = 50
PROGRAMS = ("crc32", "dijkstra", "sha256", "quicksort", "matmul", "md5", "heapsort", "fft")


Episode = list[tuple[int, str, int, list[int]]]  # (action, action name, instructions, Autophase)


def real_episodes(
    count: int, seed: int = 0
) -> tuple[list[tuple[str, list[int], Episode]], list[str]]:
    """Real trajectories: random pass sequences on suite programs, Autophase after each step."""
    from cgym_ray.llvm.session import CompilerSession

    rng = random.Random(seed)
    episodes = []
    names: list[str] = []
    while len(episodes) < count:
        uri = f"benchmark://cgym-suite-v0/{rng.choice(PROGRAMS)}"
        with CompilerSession.from_benchmark(uri) as session:
            names = names or [a.name for a in session.catalogue if not a.is_macro]
            initial = list(session.measure("autophase")["autophase"])
            steps: Episode = []
            try:
                for _ in range(EPISODE_LENGTH):
                    action = rng.randrange(len(names))
                    result = session.apply(names[action], observations=["autophase"])
                    autophase = list(result.observations["autophase"])
                    steps.append((action, names[action], result.instruction_count, autophase))
            except CompilerError:
                continue  # LLVM aborted on this sequence: drop the episode
        episodes.append((uri, initial, steps))
    return episodes, names


def records(
    episodes: list[tuple[str, list[int], Episode]], count: int, observations: bool, seed: int = 1
):
    """`count` episodes as store records, cycling through the real ones under new ids.

    Beyond the real ones, each copy is filed under one of 34 benchmark names,
    so queries see a suite-sized table.
    """
    rng = random.Random(seed)
    for index in range(count):
        uri, initial, steps = episodes[index % len(episodes)]
        if index >= len(episodes):
            uri = f"benchmark://cgym-suite-v0/program{rng.randrange(34):02d}"
        episode_id, total, previous = new_id(), 0.0, steps[0][2]
        step_records = []
        for step, (action, name, instructions, autophase) in enumerate(steps):
            reward = float(previous - instructions)
            total, previous = total + reward, instructions
            step_records.append(
                StepRecord(
                    episode_id=episode_id,
                    step=step,
                    benchmark=uri,
                    action=action,
                    action_name=name,
                    reward=reward,
                    cumulative_reward=total,
                    instruction_count=instructions,
                    walltime_s=rng.uniform(1e-4, 3e-4),
                    truncated=step == len(steps) - 1,
                    observation=autophase if observations else None,
                )
            )
        episode = EpisodeRecord(
            episode_id=episode_id,
            benchmark=uri,
            agent="random",
            num_steps=len(steps),
            reward=total,
            seed=index,
            commandline=",".join(s.action_name for s in step_records),
            instruction_count_final=previous,
            backend="libllvm",
            llvm_version="23.1.4",
            initial_observation=initial if observations else None,
        )
        yield step_records, episode


def steps_bytes(store: TrajectoryStore) -> int:
    store.refresh()
    return sum(item.bytes for item in store._log.files("steps"))


def write_rate(root: Path, episodes, count: int, observations: bool, **options) -> dict:
    """Write `count` episodes through one writer; rows/s, caller cost, bytes a step."""
    store = TrajectoryStore.open(root)
    run_id = store.begin_run(name="write-rate")
    prepared = list(records(episodes, count, observations))
    rows = sum(len(steps) for steps, _ in prepared)
    writer = store.writer(run_id, **options)
    started, cpu_started = time.perf_counter(), time.process_time()
    adding = 0.0
    for steps, episode in prepared:
        before = time.perf_counter()
        for step in steps:
            writer.add_step(step)
        writer.add_episode(episode)
        adding += time.perf_counter() - before
    writer.close()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    written = steps_bytes(store)
    files = len(store._log.files("steps"))
    store.compact()
    return {
        "rows": rows,
        "rows_per_s": rows / elapsed,
        "add_us": adding / rows * 1e6,
        "cpu_us": cpu / rows * 1e6,
        "bytes_per_step": written / rows,
        "bytes_per_step_compacted": steps_bytes(store) / rows,
        "files": files,
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
            lambda: store.steps(
                benchmark="benchmark://cgym-suite-v0/program07",
                columns=["episode_id", "step", "reward"],
            )
        ),
    }


class StepLoop:
    """A step loop that can record each step; times only the steps (and the final close)."""

    def prepare(self) -> None:
        """Untimed work before a step (a reset between episodes)."""

    def step(self) -> tuple[str, int, str, int, list[int] | None]:
        """Run one step: (benchmark, action, action name, instruction count, observation)."""
        raise NotImplementedError

    def run(self, steps: int, writer: TrajectoryWriter | None) -> tuple[float, float]:
        """Wall and CPU seconds a step over `steps` steps."""
        wall = cpu = 0.0
        episode_id, total = new_id(), 0.0
        for index in range(steps):
            self.prepare()
            wall_started, cpu_started = time.perf_counter(), time.process_time()
            benchmark, action, name, count, observation = self.step()
            total += 1.0
            if writer is not None:
                writer.add_step(
                    StepRecord(
                        episode_id=episode_id,
                        step=index,
                        benchmark=benchmark,
                        action=action,
                        action_name=name,
                        reward=1.0,
                        cumulative_reward=total,
                        instruction_count=count,
                        walltime_s=0.0002,
                        observation=observation,
                    )
                )
            wall += time.perf_counter() - wall_started
            cpu += time.process_time() - cpu_started
        if writer is not None:  # every row written and committed counts against recording
            wall_started, cpu_started = time.perf_counter(), time.process_time()
            writer.close()
            wall += time.perf_counter() - wall_started
            cpu += time.process_time() - cpu_started
        return wall / steps, cpu / steps


class CompilerReplay(StepLoop):
    """Replays the recorded episodes' actions (known not to crash LLVM) with Autophase each step.

    A reset (a new session) happens between episodes, outside the timed steps.
    """

    def __init__(self, episodes, isolation: str) -> None:
        from cgym_ray.datasets import get_benchmark

        self.episodes = episodes
        self.isolation = isolation
        self.bitcode = {uri: get_benchmark(uri).bitcode() for uri, _, _ in episodes}
        self.session = None
        self.position = (0, len(episodes[0][2]))

    def prepare(self) -> None:
        from cgym_ray.llvm.session import CompilerSession

        episode, index = self.position
        if index == len(self.episodes[episode][2]):
            episode = (episode + 1) % len(self.episodes)
            uri = self.episodes[episode][0]
            if self.session is not None:
                self.session.close()
            self.session = CompilerSession(self.bitcode[uri], uri, isolation=self.isolation)
            self.position = (episode, 0)

    def step(self):
        episode, index = self.position
        uri, _, steps = self.episodes[episode]
        action, name, _, _ = steps[index]
        self.position = (episode, index + 1)
        result = self.session.apply(name, observations=["autophase"])
        return uri, action, name, result.instruction_count, result.observations["autophase"]

    def run(self, steps: int, writer: TrajectoryWriter | None) -> tuple[float, float]:
        self.position = (len(self.episodes) - 1, len(self.episodes[-1][2]))  # reset first
        return super().run(steps, writer)


class BusyStep(StepLoop):
    """A pure-Python step burning `target_s` of CPU: it holds the GIL the writer thread needs."""

    def __init__(self, target_s: float = 200e-6) -> None:
        self.target_s = target_s
        self.observation = list(range(56))
        self.index = 0

    def step(self):
        deadline = time.perf_counter() + self.target_s
        while time.perf_counter() < deadline:
            pass
        self.index += 1
        return "benchmark://bench/x", self.index % 100, "pass", 1000, self.observation


def slowdown(loop: StepLoop, pairs: int, steps: int, store: TrajectoryStore) -> dict[str, float]:
    """Recording off vs on in `pairs` pairs of runs (order alternating); medians."""
    run_id = store.begin_run(name="slowdown")
    loop.run(min(steps, 200), None)  # warm up
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for pair in range(pairs):
        for recording in (False, True) if pair % 2 == 0 else (True, False):
            writer = store.writer(run_id) if recording else None
            wall_s, cpu_s = loop.run(steps, writer)
            wall[recording].append(wall_s)
            cpu[recording].append(cpu_s)
    ratios = [on / off for on, off in zip(wall[True], wall[False], strict=True)]
    cpu_off, cpu_on = statistics.median(cpu[False]), statistics.median(cpu[True])
    off = statistics.median(wall[False])
    return {
        "off_us": off * 1e6,
        "on_us": statistics.median(wall[True]) * 1e6,
        "slowdown": statistics.median(ratios) - 1,
        "slowdown_range": (min(ratios) - 1, max(ratios) - 1),
        "cpu_off_us": cpu_off * 1e6,
        "cpu_on_us": cpu_on * 1e6,
        "cpu_overhead_us": (cpu_on - cpu_off) * 1e6,
        "cpu_slowdown_of_wall": (cpu_on - cpu_off) / off,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="steps in the large tests")
    parser.add_argument("--real-episodes", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=8, help="off/on pairs of step-loop runs")
    parser.add_argument("--run-steps", type=int, default=3000, help="steps in one run")
    parser.add_argument("--out", type=Path, default=Path("results/store.md"))
    args = parser.parse_args()

    print(f"recording {args.real_episodes} real episodes of {EPISODE_LENGTH} steps ...", flush=True)
    episodes, names = real_episodes(args.real_episodes)
    big = args.rows // EPISODE_LENGTH
    writes = []
    with tempfile.TemporaryDirectory(prefix="cgym-store-bench-") as scratch:
        root = Path(scratch)
        for label, count, observations, options in (
            ("real trajectories, Autophase", len(episodes), True, {"batch_rows": 5000}),
            ("real trajectories, no observation", len(episodes), False, {"batch_rows": 5000}),
            ("real ones repeated, Autophase", big, True, {}),
            ("real ones repeated, no observation", min(big, 4000), False, {}),
        ):
            print(f"writing: {label} ...", flush=True)
            directory = root / f"write{len(writes)}"
            writes.append((label, write_rate(directory, episodes, count, observations, **options)))
        print("querying ...", flush=True)
        queries = query_times(root / "write2")
        store = TrajectoryStore.open(root / "loops")
        loops = []
        for label, loop, steps in (
            (
                'compiler in-process (`isolation="none"`): apply + Autophase',
                CompilerReplay(episodes, "none"),
                args.run_steps,
            ),
            (
                "compiler in a worker process (default): apply + Autophase",
                CompilerReplay(episodes, "process"),
                args.run_steps,
            ),
            ("simulated: 200 us of Python CPU a step", BusyStep(), args.run_steps),
        ):
            print(f"step loop: {label} ...", flush=True)
            loops.append((label, slowdown(loop, args.pairs, steps, store)))

    load = os.getloadavg()[0]
    lines = [
        "# Trajectory store: costs",
        "",
        provenance_line(),
        "",
        f"Measured by `scripts/bench store_costs` on {os.cpu_count()} cores "
        f"(1-minute load average at the end: {load:.1f}); zstd Parquet. Real trajectories: "
        f"{len(episodes)} random-pass episodes of {EPISODE_LENGTH} steps on suite programs, "
        "written in 5,000-row batches; the large tests repeat them under new episode ids with "
        "the default writer (20,000-row batches or every 5 s).",
        "",
        "## Writing",
        "",
        "| data | steps | rows/s (add to close) | CPU a step (all threads) | add_step in the "
        "caller | bytes/step as written | bytes/step compacted | steps files written |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in writes:
        lines.append(
            f"| {label} | {result['rows']:,} | {result['rows_per_s']:,.0f} | "
            f"{result['cpu_us']:.2f} us | {result['add_us']:.2f} us | {result['bytes_per_step']:.1f} | "
            f"{result['bytes_per_step_compacted']:.1f} | {result['files']} |"
        )
    lines += [
        "",
        "## Step-loop slowdown, recording on vs off",
        "",
        f"{args.pairs} pairs of runs of {args.run_steps:,} steps (recording off, then on, order "
        "alternating), replaying the real episodes' actions on their programs; resets are not "
        "timed. A recording run includes its writer's `close()`, so every row is written and "
        "committed inside the timing. Slowdown is the median of the pairs' ratios (range in "
        "brackets). CPU is this process's CPU time: steadier than wall time on a shared machine.",
        "",
        "| step loop | off | on | slowdown (wall) | CPU off | CPU on | recording CPU a step "
        "| as % of the step |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in loops:
        low, high = result["slowdown_range"]
        lines.append(
            f"| {label} | {result['off_us']:.0f} us | {result['on_us']:.0f} us | "
            f"{result['slowdown']:+.1%} [{low:+.1%}, {high:+.1%}] | {result['cpu_off_us']:.0f} us | "
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
