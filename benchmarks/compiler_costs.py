"""Per-step costs of the compiler layer on the built-in suite, both backends side by side.

    scripts/bench compiler_costs [--steps 40] [--out results/compiler.md]

For each program and backend, a fixed random sequence of pass actions is
applied in-process; around each step we time the pass, the instruction
count, InstCount, Autophase and a clone. The isolation cost (a step through
a worker process minus the same pass in-process) is measured on a few
programs. Each program runs in a forked child, so an LLVM abort loses one
row, not the run. Writes the Markdown tables of results/compiler.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from _costs import measure_isolated, median_and_p90, us
from _provenance import provenance_line

from cgym_ray.datasets import get_dataset
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.baselines import reference_counts
from cgym_ray.llvm.session import CompilerSession

MEASURES = ("pass", "instruction_count", "inst_count", "autophase", "clone")


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure_program(backend_name: str, name: str, bitcode: bytes, steps: int, seed: int) -> dict:
    backend = get_backend(backend_name)
    passes = [a for a in backend.actions if a.is_pass]  # single passes, as in libllvm-v2
    rng = random.Random(seed)
    module = backend.load(bitcode, name)
    samples: dict[str, list[float]] = {key: [] for key in MEASURES}
    for _ in range(steps):
        action = rng.choice(passes)
        samples["pass"].append(
            _timed(lambda pipeline=action.pipeline: module.run_pipeline(pipeline))
        )
        samples["instruction_count"].append(_timed(module.instruction_count))
        samples["inst_count"].append(_timed(module.inst_count))
        samples["autophase"].append(_timed(module.autophase))
        samples["clone"].append(_timed(lambda: module.clone().dispose()))
    return median_and_p90(samples)


def isolation_overhead(bitcode: bytes, name: str, steps: int = 300) -> dict[str, float]:
    """Median step walltime through a worker process vs in-process, same action."""
    result = {}
    for isolation in ("process", "none"):
        with CompilerSession(bitcode, name, isolation=isolation) as session:
            session.apply("sroa")
            times = [session.apply("instcombine").walltime_s for _ in range(steps)]
        result[isolation] = statistics.median(times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("results/compiler.md"))
    args = parser.parse_args()

    suite = get_dataset("cgym-suite-v0")
    names = suite.benchmark_names()
    entries = suite.entries
    rows, costs = [], {}
    for index, name in enumerate(names, 1):
        bitcode = suite.benchmark(name).bitcode()
        refs = reference_counts(bitcode, suite.uri(name), "libllvm")
        lite = reference_counts(bitcode, suite.uri(name), "llvmlite")
        rows.append((name, entries[name], refs, lite))
        for backend in ("libllvm", "llvmlite"):
            costs[(backend, name)] = measure_isolated(
                measure_program, backend, name, bitcode, args.steps, args.seed
            )
        print(f"[{index}/{len(names)}] {name}: O0 {refs['O0']}", flush=True)

    lines = ["# Compiler layer: the built-in suite and per-step costs", "", provenance_line(), ""]
    lines += [
        f"Measured by `scripts/bench compiler_costs` ({args.steps} random pass actions a program, "
        f"seed {args.seed}); libllvm is LLVM {get_backend('libllvm').llvm_version}, llvmlite is "
        f"LLVM {get_backend('llvmlite').llvm_version}. Times are medians in microseconds.",
        "",
        "## Suite",
        "",
        "| program | category | split | lines of C | O0 | O3 | Oz | llvmlite O3 |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, entry, refs, lite in sorted(rows, key=lambda r: r[2]["O0"]):
        lines.append(
            f"| {name} | {entry['category']} | {entry['split']} | {entry['lines_of_c']} | "
            f"{refs['O0']} | {refs['O3']} | {refs['Oz']} | {lite['O3']} |"
        )
    totals = {level: sum(r[2][level] for r in rows) for level in ("O0", "O3", "Oz")}
    lines.append(
        f"| **total** ({len(rows)}) | | | {sum(r[1]['lines_of_c'] for r in rows)} | "
        f"{totals['O0']} | {totals['O3']} | {totals['Oz']} | |"
    )

    for backend in ("libllvm", "llvmlite"):
        lines += [
            "",
            f"## Per-step cost, {backend} backend",
            "",
            "| program | O0 | pass | pass p90 | instruction count | InstCount | Autophase | clone | "
            "count ÷ pass | Autophase ÷ pass |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        ratios_count, ratios_autophase = [], []
        for name, _entry, refs, _lite in sorted(rows, key=lambda r: r[2]["O0"]):
            cost = costs[(backend, name)]
            if cost is None:
                lines.append(f"| {name} | {refs['O0']} | (aborted) | | | | | | | |")
                continue
            ratios_count.append(cost["instruction_count"] / cost["pass"])
            ratios_autophase.append(cost["autophase"] / cost["pass"])
            lines.append(
                f"| {name} | {refs['O0']} | {us(cost['pass'])} | {us(cost['pass_p90'])} | "
                f"{us(cost['instruction_count'])} | {us(cost['inst_count'])} | {us(cost['autophase'])} | "
                f"{us(cost['clone'])} | {ratios_count[-1]:.1%} | {ratios_autophase[-1]:.1%} |"
            )
        lines += [
            "",
            f"Median over programs: instruction count = {statistics.median(ratios_count):.1%} "
            f"of the pass, Autophase = {statistics.median(ratios_autophase):.1%} of the pass.",
        ]

    lines += [
        "",
        "## Cost of isolation (worker process) per step",
        "",
        "| program | O0 | step in-process | step through a worker | overhead |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("crc32", "dijkstra", "stack_vm", "linalg_kit"):
        if name not in names:
            continue
        bitcode = suite.benchmark(name).bitcode()
        overhead = isolation_overhead(bitcode, name)
        o0 = reference_counts(bitcode, suite.uri(name))["O0"]
        lines.append(
            f"| {name} | {o0} | {us(overhead['none'])} | {us(overhead['process'])} | "
            f"{us(overhead['process'] - overhead['none'])} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
