"""What a Programl graph costs against a pass, and how big graphs are, on the built-in suite.

    scripts/bench programl_costs [--steps 30] [--out results/observations.md]

The method of results/compiler.md: for each program, a fixed random sequence
of pass actions (seed 0) is applied in-process with the libllvm backend, and
around each step we time the pass, the native graph without and with statement
texts (`Module.programl`, the arrays a worker sends) and its conversion to the `networkx.MultiDiGraph` the
`Programl` observation is (done in the caller's process). Each program runs
in a forked child, so an LLVM abort loses one row, not the run. Graph sizes
are those of the unoptimised (O0) module.

Writes its section of results/observations.md, between the `programl`
markers (the other observations have their own section there).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from pathlib import Path

import numpy as np
from _costs import measure_isolated, median_and_p90, us
from _provenance import provenance_line

from cgym_ray.datasets import get_dataset
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.programl import to_networkx

MEASURES = ("pass", "arrays", "graph", "networkx")
START, END = "<!-- programl:start -->", "<!-- programl:end -->"


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def measure_program(name: str, bitcode: bytes, steps: int, seed: int) -> dict:
    backend = get_backend("libllvm")
    passes = [a for a in backend.actions if a.is_pass]  # single passes, as in libllvm-v2
    rng = random.Random(seed)
    module = backend.load(bitcode, name)
    graph = module.programl()
    kinds = np.bincount(graph.node_kind, minlength=3)
    sizes = {
        "instructions": module.instruction_count(),
        "nodes": graph.num_nodes,
        "edges": graph.num_edges,
        "variables": int(kinds[1]),
        "constants": int(kinds[2]),
        "control": int((graph.edge_kind == 0).sum()),
        "data": int((graph.edge_kind == 1).sum()),
        "call": int((graph.edge_kind == 2).sum()),
    }
    samples: dict[str, list[float]] = {key: [] for key in MEASURES}
    for _ in range(steps):
        action = rng.choice(passes)
        elapsed, _ = _timed(lambda pipeline=action.pipeline: module.run_pipeline(pipeline))
        samples["pass"].append(elapsed)
        samples["arrays"].append(_timed(lambda: module.programl(with_text=False))[0])
        elapsed, graph = _timed(module.programl)
        samples["graph"].append(elapsed)
        samples["networkx"].append(_timed(lambda graph=graph: to_networkx(graph))[0])
    return sizes | median_and_p90(samples)


def section(rows: list[tuple[str, dict]], steps: int, seed: int) -> list[str]:
    lines = [
        START,
        "## Programl (program graphs)",
        "",
        provenance_line(),
        "",
        f"Method of results/compiler.md: {steps} random pass actions a program (seed {seed}), "
        "libllvm backend in-process, timing each step's pass and then the graph of its "
        "result. Times in microseconds (wall clock), medians over the steps, and the 90th "
        "percentile. `arrays` is the graph without statement texts "
        "(`ProgramlArrays`: what models and the store use); `graph` adds the statements "
        "(one print of the module); `networkx` is the conversion the `Programl` "
        "observation adds in the caller's process.",
        "",
        "| program | pass | pass p90 | arrays | arrays p90 | arrays ÷ pass | graph | graph p90 | "
        "graph ÷ pass | networkx | Programl ÷ pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios: dict[str, list[float]] = {"arrays": [], "graph": [], "Programl": []}
    for name, cost in rows:
        ratios["arrays"].append(cost["arrays"] / cost["pass"])
        ratios["graph"].append(cost["graph"] / cost["pass"])
        ratios["Programl"].append((cost["graph"] + cost["networkx"]) / cost["pass"])
        lines.append(
            f"| {name} | {us(cost['pass'])} | {us(cost['pass_p90'])} | {us(cost['arrays'])} | "
            f"{us(cost['arrays_p90'])} | {ratios['arrays'][-1]:.2f}× | {us(cost['graph'])} | "
            f"{us(cost['graph_p90'])} | {ratios['graph'][-1]:.2f}× | {us(cost['networkx'])} | "
            f"{ratios['Programl'][-1]:.2f}× |"
        )

    def summary(key: str) -> str:
        ordered = sorted(ratios[key])
        return (
            f"median {statistics.median(ordered):.2f}×, p90 "
            f"{ordered[int(0.9 * (len(ordered) - 1))]:.2f}×"
        )

    lines += [
        "",
        f"Cost ÷ the program's median pass time, over the {len(rows)} programs: "
        f"arrays (`ProgramlArrays`) {summary('arrays')}; with statements {summary('graph')}; "
        f"the whole `Programl` observation (statements + networkx) {summary('Programl')}. "
        "Target ≤ 1×.",
        "",
        "### Graph sizes (unoptimised modules)",
        "",
        "| program | instructions | nodes | edges | variables | constants | control | data | "
        "call | nodes ÷ instruction | edges ÷ instruction |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, cost in sorted(rows, key=lambda r: r[1]["instructions"]):
        lines.append(
            f"| {name} | {cost['instructions']} | {cost['nodes']} | {cost['edges']} | "
            f"{cost['variables']} | {cost['constants']} | {cost['control']} | {cost['data']} | "
            f"{cost['call']} | {cost['nodes'] / cost['instructions']:.2f} | "
            f"{cost['edges'] / cost['instructions']:.2f} |"
        )
    nodes = sum(c["nodes"] for _, c in rows)
    edges = sum(c["edges"] for _, c in rows)
    instructions = sum(c["instructions"] for _, c in rows)
    lines += [
        f"| **total** ({len(rows)}) | {instructions} | {nodes} | {edges} | | | | | | "
        f"{nodes / instructions:.2f} | {edges / instructions:.2f} |",
        END,
    ]
    return lines


def write_section(path: Path, lines: list[str]) -> None:
    """Replace this benchmark's section of `path` (or add it), leaving the rest as it is."""
    text = path.read_text() if path.exists() else "# Observations: what each costs\n"
    block = "\n".join(lines)
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--programs", nargs="*", help="default: the whole suite")
    parser.add_argument("--out", type=Path, default=Path("results/observations.md"))
    args = parser.parse_args()
    suite = get_dataset("cgym-suite-v0")
    names = args.programs or suite.benchmark_names()
    rows = []
    for index, name in enumerate(names, 1):
        cost = measure_isolated(
            measure_program, name, suite.benchmark(name).bitcode(), args.steps, args.seed
        )
        if cost is None:
            print(f"[{index}/{len(names)}] {name}: aborted", flush=True)
            continue
        rows.append((name, cost))
        print(
            f"[{index}/{len(names)}] {name}: graph {cost['graph'] / cost['pass']:.2f}× pass, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    write_section(args.out, section(rows, args.steps, args.seed))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
