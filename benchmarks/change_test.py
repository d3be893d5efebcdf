"""What `action_had_no_effect` costs and misses: the module fingerprint against the IR text.

    scripts/bench change_test [--steps 40] [--seeds 3]

For each built-in program, random pass sequences are applied in-process
(libllvm backend). Around each step we time the fingerprint walk and the
pass, and compare the fingerprint's verdict with the IR text's: a *miss* is
a step whose IR text changed (other than value names) while the fingerprint
did not; a *false change* is the converse (an identical instruction rebuilt).
Times are the thread's CPU time (steadier than walltime on a shared machine).
Prints a Markdown table. `--env-steps N` also plays N random `env.step`s a
program in `llvm-v0` and prints the compiler worker's CPU time a step
(from /proc/PID/schedstat), the walk included.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from cgym_ray.datasets import get_dataset
from cgym_ray.llvm.backend import get_backend, ir_without_value_names


def measure(name: str, bitcode: bytes, steps: int, seed: int) -> dict:
    backend = get_backend("libllvm")
    passes = [a for a in backend.actions if a.is_pass]  # single passes, as in libllvm-v2
    rng = random.Random(seed)
    module = backend.load(bitcode, name)
    row = {
        "fingerprint_s": [],
        "pass_s": [],
        "steps": 0,
        "changed": 0,
        "misses": 0,
        "false_changes": 0,
        "missed": set(),
    }
    before, _ = module.fingerprint()
    text = ir_without_value_names(module.ir_text())
    for _ in range(steps):
        action = rng.choice(passes)
        started = time.thread_time()
        try:
            module.run_pipeline(action.pipeline)
        except Exception:
            continue
        row["pass_s"].append(time.thread_time() - started)
        started = time.thread_time()
        after, _ = module.fingerprint()
        row["fingerprint_s"].append(time.thread_time() - started)
        new_text = ir_without_value_names(module.ir_text())
        text_changed, fingerprint_changed = new_text != text, after != before
        row["steps"] += 1
        row["changed"] += text_changed
        if text_changed and not fingerprint_changed:
            row["misses"] += 1
            row["missed"].add(action.name)
        if fingerprint_changed and not text_changed:
            row["false_changes"] += 1
        before, text = after, new_text
    module.dispose()
    return row


def worker_cpu_per_step(programs: list[str], steps: int, seed: int = 0) -> float:
    """CPU seconds the compiler worker spends a `step()` (pass, walk, measurements, messages)."""
    import gymnasium as gym

    import cgym_ray  # noqa: F401

    def on_cpu_s(pid: int) -> float:
        return int(open(f"/proc/{pid}/schedstat").read().split()[0]) / 1e9

    env = gym.make("llvm-v0").unwrapped
    rng = random.Random(seed)
    total_s, taken = 0.0, 0
    for name in programs:
        env.reset(options={"benchmark": f"benchmark://cgym-suite-v0/{name}"})
        pid, played = env._session.worker_pid, 0
        before = on_cpu_s(pid)
        for _ in range(steps):
            if env.step(rng.randrange(env.action_space.n - 4))[2]:  # passes only, not O1-Oz
                break
            played += 1
        if env._session is not None and env._session.alive and env._session.worker_pid == pid:
            total_s += on_cpu_s(pid) - before
            taken += played
    env.close()
    return total_s / max(taken, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--env-steps", type=int, default=0, help="also time N env.step()s a program"
    )
    args = parser.parse_args()
    suite = get_dataset("cgym-suite-v0")
    print(
        "| program | steps | IR changed | misses | false changes | fingerprint µs (median) | pass µs (median) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    totals = {"steps": 0, "changed": 0, "misses": 0, "false_changes": 0}
    fingerprints, passes, missed = [], [], set()
    for name in suite.benchmark_names():
        bitcode = suite.benchmark(name).bitcode()
        rows = [measure(name, bitcode, args.steps, seed) for seed in range(args.seeds)]
        merged = {k: sum(r[k] for r in rows) for k in totals}
        fp = [t for r in rows for t in r["fingerprint_s"]]
        ps = [t for r in rows for t in r["pass_s"]]
        fingerprints += fp
        passes += ps
        missed |= set().union(*(r["missed"] for r in rows))
        for k in totals:
            totals[k] += merged[k]
        print(
            f"| {name} | {merged['steps']} | {merged['changed']} | {merged['misses']} | {merged['false_changes']} "
            f"| {statistics.median(fp) * 1e6:.1f} | {statistics.median(ps) * 1e6:.1f} |"
        )
    print(
        f"| **all** | {totals['steps']} | {totals['changed']} | {totals['misses']} | {totals['false_changes']} "
        f"| {statistics.median(fingerprints) * 1e6:.1f} | {statistics.median(passes) * 1e6:.1f} |"
    )
    print(f"\nfingerprint ÷ pass, summed: {sum(fingerprints) / sum(passes):.3f}")
    print(f"actions with a miss: {', '.join(sorted(missed)) or 'none'}")
    if args.env_steps:
        per_step_s = worker_cpu_per_step(suite.benchmark_names(), args.env_steps)
        print(
            f"worker CPU a step (llvm-v0, {args.env_steps} random passes a program): {per_step_s * 1e6:.0f} µs"
        )


if __name__ == "__main__":
    main()
