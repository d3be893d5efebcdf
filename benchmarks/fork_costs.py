"""Fork inside the worker vs a new worker process vs replaying the episode, side by side.

    scripts/bench fork_costs [--steps 40] [--repeats 30] [--out results/fork.md]

For each program, one env (`llvm-v0`, reward IrInstructionCountOz) plays
`--steps` random actions (the O1/O2/O3/Oz macros included, as a search draws
them; a second row without them). Then, in turns so that load hits both
alike: `env.fork()` (a copy of the module inside the worker) and a replay of
the episode (`env.apply(state)`: a warm reset and the actions in one
request); after them, in a loop of their own, `env.fork(new_process=True)`
(a forked worker process, whose exit at close would stretch the next fork).
Medians over `--repeats` turns (and the fastest in-worker fork); the machine's load is written beside them.
The fork and the replay are also timed in this process (isolation="none") in
CPU seconds of the calling thread, which load does not stretch; and the module
copy alone both ways, side by side: `LibLLVMModule.copy` (native/clone.cpp)
and `bitcode_copy` (the bitcode round trip it replaced, the fallback).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
from _provenance import provenance_line

import cgym_ray  # noqa: F401
from cgym_ray.datasets import get_benchmark
from cgym_ray.llvm.backend import get_backend

PROGRAMS = [
    "benchmark://cgym-suite-v0/crc32",
    "benchmark://cbench-src-v1/crc32",
    "benchmark://cgym-suite-v0/dijkstra",
    "benchmark://cgym-suite-v0/matmul",
]


def _installed(uri: str) -> bool:
    try:
        get_benchmark(uri).bitcode()
    except Exception:  # not installed here: its rows are left out
        return False
    return True


def timed(call, clock=time.perf_counter) -> float:
    started = clock()
    result = call()
    elapsed = clock() - started
    if hasattr(result, "close"):
        result.close()
    elif hasattr(result, "dispose"):
        result.dispose()
    return elapsed


def measure(uri: str, steps: int, repeats: int, macros: bool, seed: int) -> dict:
    env = gym.make("llvm-v0", benchmark=uri, reward_space="IrInstructionCountOz").unwrapped
    env.reset()
    rng = np.random.default_rng(seed)
    allowed = [i for i, a in enumerate(env.action_space.catalogue) if macros or not a.is_macro]
    env.play([int(a) for a in rng.choice(allowed, size=steps)])
    state = env.state
    replay_env = gym.make("llvm-v0", benchmark=uri, reward_space="IrInstructionCountOz").unwrapped
    replay_env.apply(state)  # warm: the worker and the references exist
    times: dict[str, list[float]] = {"in_worker": [], "process": [], "replay": []}
    for _ in range(repeats):
        times["in_worker"].append(timed(env.fork))
        times["replay"].append(timed(lambda: replay_env.apply(state)))
    # Process forks in a loop of their own: closing one ends its worker process, whose
    # exit would otherwise run during the next in-worker fork and stretch it (measured:
    # cgym-suite-v0/dijkstra's in-worker fork 5.5 ms interleaved, 1.6 ms alone, idle machine).
    for _ in range(repeats):
        times["process"].append(timed(lambda: env.fork(new_process=True)))
    env.close()
    replay_env.close()
    # The same in this process (isolation="none"), timed in CPU seconds of this thread:
    # what the copy and the replay cost, whatever the load.
    inproc = gym.make(
        "llvm-v0", benchmark=uri, reward_space="IrInstructionCountOz", isolation="none"
    ).unwrapped
    inproc.apply(state)
    times["cpu_in_worker"], times["cpu_replay"] = [], []
    for _ in range(repeats):
        times["cpu_in_worker"].append(timed(inproc.fork, time.thread_time))
        times["cpu_replay"].append(timed(lambda: inproc.apply(state), time.thread_time))
    # The module copy alone, both ways (LibLLVMModule.copy: native/clone.cpp; bitcode_copy:
    # the round trip it replaced, still used where clone.cpp cannot be built), in turns.
    bitcode = inproc.observation["Bitcode"].astype(np.uint8).tobytes()
    module = get_backend("libllvm").load(bitcode, uri)
    inproc.close()
    times["cpu_clone"], times["cpu_bitcode"] = [], []
    for _ in range(repeats):
        times["cpu_clone"].append(timed(module.copy, time.thread_time))
        times["cpu_bitcode"].append(timed(module.bitcode_copy, time.thread_time))
    module.dispose()
    medians = {k: statistics.median(v) for k, v in times.items()}
    # The fastest in-worker fork: the walltime least stretched by other processes' load.
    fastest = min(times["in_worker"])
    return {"uri": uri, "macros": macros, "steps": len(env.actions), "fastest": fastest, **medians}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("results/fork.md"))
    args = parser.parse_args()
    programs = [p for p in PROGRAMS if _installed(p)]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    rows = [
        measure(uri, args.steps, args.repeats, macros, args.seed)
        for uri in programs
        for macros in (True, False)
    ]
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    lines = [
        "| program | actions | in-worker fork (ms) | fastest in-worker fork (ms) "
        "| process fork (ms) | replay (ms) "
        "| replay ÷ in-worker | process ÷ in-worker | fork, CPU (ms) | replay, CPU (ms) "
        "| replay ÷ fork, CPU | module copy, CPU (ms) | bitcode copy, CPU (ms) "
        "| bitcode ÷ copy, CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['uri'].removeprefix('benchmark://')} | {row['steps']} "
            f"{'with' if row['macros'] else 'without'} macros "
            f"| {row['in_worker'] * 1e3:.3f} | {row['fastest'] * 1e3:.3f} "
            f"| {row['process'] * 1e3:.2f} | {row['replay'] * 1e3:.2f} "
            f"| {row['replay'] / row['in_worker']:.0f}× | {row['process'] / row['in_worker']:.0f}× "
            f"| {row['cpu_in_worker'] * 1e3:.3f} | {row['cpu_replay'] * 1e3:.2f} "
            f"| {row['cpu_replay'] / row['cpu_in_worker']:.0f}× "
            f"| {row['cpu_clone'] * 1e3:.3f} | {row['cpu_bitcode'] * 1e3:.3f} "
            f"| {row['cpu_bitcode'] / row['cpu_clone']:.1f}× |"
        )
    table = "\n".join(lines)
    print(table)
    print(f"load average before {' '.join(load_before)}, after {' '.join(load_after)}")
    if args.out:
        args.out.write_text(
            "# Fork: inside the worker, a new worker process, or a replay\n\n"
            f"{provenance_line()}\n\n{table}\n\n"
            f"Load average (1, 5, 15 min) before: {' '.join(load_before)}; "
            f"after: {' '.join(load_after)}.\n"
        )


if __name__ == "__main__":
    main()
