"""How much a pass chosen per function after -Oz removes, against the same passes run on the whole module.

    scripts/bench per_function_tails [--rounds 3] [--start Oz|portfolio|portfolio-refined]
                                     [--programs URI ...] [--out results/pipelines.md]
    scripts/bench per_function_tails --start submission --submissions DIR ...

Issue 18's searches find under 1.5 % below -Oz on cBench's large programs
(jpeg, lame, tiff: 20-28 k instructions), where every action runs over the
whole module, so a pass that shrinks some functions and grows others is
rejected as a whole. This probe measures what a per-function action space
could reach there, before anyone builds one.

For each program: load the O0 module with -Oz's size marks and run -Oz (the
`Oz` action's pipeline), or with `--start portfolio` the best state the
`portfolio` agent finds without its refinement (`search/portfolio.py`: `Oz`
and the learned flat sequences, each played once from O0; its best prefix,
behaviour-checked), or with `--start portfolio-refined` the agent's best
with its refinement (50 compilations in all), or with `--start submission
--submissions DIR ...` each program's state in validated leaderboard
submissions.
Then `--rounds` rounds of per-function greedy
descent over the catalogue's function passes (the actions whose pipeline is
`function(...)`):

1. Each pass runs on a copy of the whole module, and every defined
   function's instruction count is read from the copy.
2. Each function takes the pass that left it smallest, if smaller than now,
   run on that function alone (`LLVMRunPassesOnFunction`).

A function pass changes only the function it runs on (it may read, never
write, other functions' attributes), so the per-function choices compose:
step 2 checks each function's count against step 1's, and the mismatches
are reported. Also reported: the best single pass run on the whole module
after -Oz (what a flat action can take), for scale.

The final module is verified, built and run against the program's reference
output (`semantics.check_behaviour`, as a search's best is). What this does
not do: search before its start, or use module or CGSCC passes (the
inliner); its result is a module, not a state an env can replay (no action
names one function). It measures what per-function actions could add; it is
not a search a user can run.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import time
from ctypes import c_char_p, c_void_p
from pathlib import Path
from typing import Any

import gymnasium as gym
from _provenance import print_and_append, provenance_line

import cgym_ray  # noqa: F401
from cgym_ray.datasets import get_benchmark
from cgym_ray.envs.llvm_env import SIZE_ATTRIBUTES
from cgym_ray.errors import CompilerError
from cgym_ray.llvm import semantics
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.libllvm.backend import LibLLVMModule, function_instruction_count
from cgym_ray.llvm.libllvm.loader import module_functions, take_error
from cgym_ray.search.common import Budget
from cgym_ray.search.portfolio import portfolio

PROGRAMS = [
    "benchmark://cbench-src-v1/jpeg-c",
    "benchmark://cbench-src-v1/tiff2bw",
    "benchmark://cbench-src-v1/lame",
    "benchmark://cbench-src-v1/bzip2",
    "benchmark://cbench-src-v1/gsm",
    "benchmark://cbench-src-v1/susan",
]


def _declare(lib: ctypes.CDLL) -> None:
    """The C API calls this probe needs beyond the backend's."""
    for name, restype, argtypes in (
        ("LLVMRunPassesOnFunction", c_void_p, [c_void_p, c_char_p, c_void_p, c_void_p]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes


def defined_functions(module: LibLLVMModule) -> list[int]:
    """Each defined function's handle, in module order.

    Functions are known by their position: a function pass neither adds nor
    removes one, a copy keeps the order, and names can be empty (`strip`).
    """
    lib = module._lib
    return [f for f in module_functions(lib, module._handle()) if not lib.LLVMIsDeclaration(f)]


def counts(module: LibLLVMModule) -> list[int]:
    """Each defined function's instruction count, in module order."""
    return [function_instruction_count(module._lib, f) for f in defined_functions(module)]


def run_on_function(module: LibLLVMModule, function: int, pipeline: str) -> None:
    lib = module._lib
    backend = module._backend
    error = lib.LLVMRunPassesOnFunction(
        function,
        pipeline.encode(),
        backend.target_machine(module._handle()),
        backend.pass_options,
    )
    message = take_error(lib, error)
    if message:
        raise RuntimeError(f"LLVM rejected {pipeline!r} on a function: {message}")


def _played(module: LibLLVMModule, actions: list[Action]) -> list[int]:
    """Play `actions` on `module`; the instruction count after each (fewer where one failed)."""
    counts = []
    for action in actions:
        try:
            if action.attributes:
                module.add_function_attributes(action.attributes)
            if action.pipeline:
                module.run_pipeline(action.pipeline)
        except CompilerError:
            break
        counts.append(module.instruction_count())
    return counts


def start_module(
    backend: Any, uri: str, start: str, commandline: str | None = None
) -> tuple[LibLLVMModule, int, int]:
    """The module to start from, -Oz's count, and the start's count.

    `portfolio`: the best state the `portfolio` agent returns (behaviour-checked,
    as every search's best is), replayed here; `submission`: `commandline`.
    """
    catalogue = backend.actions
    bitcode = get_benchmark(uri).bitcode()

    def loaded(actions: list[Action]) -> LibLLVMModule:
        module = backend.load(bitcode, uri)
        module.add_function_attributes(SIZE_ATTRIBUTES)
        _played(module, actions)
        return module

    oz_module = loaded([catalogue.lookup("Oz")])
    oz = oz_module.instruction_count()
    if start == "Oz":
        return oz_module, oz, oz
    oz_module.dispose()
    if start == "submission":
        assert commandline is not None
        module = loaded([catalogue.lookup(name) for name in commandline.split()])
        return module, oz, module.instruction_count()
    result = portfolio(
        lambda: gym.make("llvm-ic-v0").unwrapped,
        uri,
        Budget(steps=100_000),
        seed=0,
        refine=start == "portfolio-refined",  # else the learned sequences' 19 compilations
    )
    names = result.best_state.commandline.split()
    module = loaded([catalogue.lookup(name) for name in names])
    return module, oz, module.instruction_count()


def measure(uri: str, rounds: int, start: str, commandline: str | None = None) -> dict:
    backend = get_backend("libllvm")
    catalogue = backend.actions
    passes = [
        (action.name, action.pipeline.removeprefix("function(").removesuffix(")"))
        for action in catalogue
        if action.is_pass and action.pipeline.startswith("function(")
    ]
    _declare(backend.llvm.lib)
    started = time.perf_counter()
    module, oz, start_count = start_module(backend, uri, start, commandline)
    start_s = time.perf_counter() - started
    started = time.perf_counter()
    best_whole = start_count
    per_round: list[int] = []
    mismatches = 0
    chosen: dict[str, int] = {}
    for round_ in range(rounds):
        now = counts(module)
        best: list[tuple[int, tuple[str, str] | None]] = [(count, None) for count in now]
        for action in passes:
            _, pipeline = action
            copy = module.copy()
            copy.run_pipeline(f"function({pipeline})")
            if round_ == 0:
                best_whole = min(best_whole, copy.instruction_count())
            after = counts(copy)
            if len(after) != len(best):
                raise RuntimeError(f"{action[0]} added or removed a function on {uri}")
            for function, count in enumerate(after):
                if count < best[function][0]:
                    best[function] = (count, action)
            copy.dispose()
        handles = defined_functions(module)
        for function, (count, taken) in enumerate(best):
            if taken is None:
                continue
            run_on_function(module, handles[function], taken[1])
            chosen[taken[0]] = chosen.get(taken[0], 0) + 1
            if function_instruction_count(module._lib, handles[function]) != count:
                mismatches += 1
        per_round.append(module.instruction_count())
        if per_round[-1] == (per_round[-2] if len(per_round) > 1 else start_count):
            break
    broken = module.verify()
    benchmark = get_benchmark(uri)
    behaves = "not runnable"
    if not broken and benchmark.runnable:
        check = semantics.check_behaviour(benchmark, module.object_file())
        behaves = "yes" if check.ok else f"NO: {check.reason}"[:80]
    module.dispose()
    top = sorted(chosen.items(), key=lambda item: -item[1])[:5]
    return {
        "uri": uri,
        "oz": oz,
        "start_pct": 100 * (oz - start_count) / oz,
        "start_seconds": start_s,
        "functions": len(now),
        "best_whole_pct": 100 * (oz - best_whole) / oz,
        "per_round_pct": [100 * (oz - count) / oz for count in per_round],
        "mismatches": mismatches,
        "verified": not broken,
        "behaves": behaves,
        "top": ", ".join(f"{name} ({n})" for name, n in top),
        "seconds": time.perf_counter() - started,
    }


def submission_states(directories: list[Path]) -> dict[str, str]:
    """Each program's commandline in leaderboard submissions' `results.csv`."""
    states: dict[str, str] = {}
    for directory in directories:
        with open(directory / "results.csv", newline="") as file:
            for row in csv.DictReader(file):
                states[row["benchmark"]] = row["commandline"]
    return states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", nargs="+", default=PROGRAMS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--start", choices=["Oz", "portfolio", "portfolio-refined", "submission"], default="Oz"
    )
    parser.add_argument(
        "--submissions",
        nargs="+",
        type=Path,
        default=[],
        help="with --start submission: leaderboard submission directories (validated); "
        "each program starts from its state there, and the programs are theirs",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    states = submission_states(args.submissions)
    if args.start == "submission":
        if not states:
            parser.error("--start submission needs --submissions DIR ...")
        args.programs = list(states)
    lines = [
        provenance_line(),
        "",
        f"| program | -Oz | start ({args.start}) | functions | best single pass after it, whole "
        "module | per function, by round | composition mismatches | verifies | runs and matches "
        "| passes chosen most | seconds (start, rounds) |",
        "|---|---:|---:|---:|---:|---|---:|---|---|---|---:|",
    ]
    rows: list[dict] = []
    for uri in args.programs:
        row = measure(uri, args.rounds, args.start, states.get(uri))
        rounds = " → ".join(f"{pct:.2f} %" for pct in row["per_round_pct"])
        lines.append(
            f"| {uri.split('//')[1]} | {row['oz']} | {row['start_pct']:.2f} % | "
            f"{row['functions']} | {row['best_whole_pct']:.2f} % | {rounds} | "
            f"{row['mismatches']} | {'yes' if row['verified'] else 'NO'} | {row['behaves']} | "
            f"{row['top']} | "
            f"{row['start_seconds']:.0f}, {row['seconds']:.0f} |"
        )
        print(lines[-1], flush=True)
        rows.append(row)
    n = len(rows)
    lines.append(
        f"| **mean of {n}** | | {sum(r['start_pct'] for r in rows) / n:.2f} % | | "
        f"{sum(r['best_whole_pct'] for r in rows) / n:.2f} % | "
        f"{sum(r['per_round_pct'][-1] for r in rows) / n:.2f} % after the last round | "
        f"{sum(r['mismatches'] for r in rows)} | | "
        f"{sum(r['behaves'] == 'yes' for r in rows)} of {n} | | |"
    )
    print_and_append("\n".join(lines), args.out)


if __name__ == "__main__":
    main()
