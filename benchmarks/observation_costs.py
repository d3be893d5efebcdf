"""What each observation costs next to the pass that changed the module, on the built-in suite.

    scripts/bench observation_costs [--programs crc32 dijkstra ...] [--steps 10] [--out PATH]
        [--observations Autophase Ir2vec ...]

The method of results/compiler.md: for each program a fixed random sequence of
pass actions (seed 0) runs in this process on the libllvm backend; after each
pass we time the observation's computation (the worker's measurement and the
caller's decoding, without the worker round trip, as a step pays them). Each
observation walks the sequence on its own copy of the program, timed right
after the pass as in a step: timed after the others, an observation paid for
their work (caches emptied by a whole module printed and lexed, garbage of
80,000-string tuples), up to 0.6 of a pass. Per program: the median pass (over
every walk), and each observation's median and p90 divided by
that median pass. IR2Vec (native; LLVM's printer, the reference, costs
seconds on large programs and is not timed here) is timed after the first
`--ir2vec-steps` steps only. Writes the Markdown of results/observations.md's cost section.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from _costs import p90
from _provenance import provenance_line

from cgym_ray.datasets import get_dataset
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.ir2vec import program_vector, require_vocabulary, vocabulary_dimension
from cgym_ray.llvm.libllvm.token_cache import TokenCache, lex_native
from cgym_ray.llvm.programl import from_native
from cgym_ray.llvm.programs import link
from cgym_ray.llvm.tokens import inst2vec_statements, inst2vec_vocabulary, lex_ir

DEFAULT_PROGRAMS = ("crc32", "dijkstra", "bigint", "aes128", "huffman", "linalg_kit")


def observation_functions(module, scratch: Path) -> dict[str, object]:
    """Each observation as the env computes it, from the module in this process (called
    only when timed: `module` may be None to list the names).

    The token observations are served by a cache of the module's text
    (token_cache.py), warm from the previous step as in an episode; `ProgramlArrays`
    by the module's graph kept per function (programl.GraphCache). Five columns are not
    observations but say where the time went: `ProgramlArrays (whole)` builds the
    graph from scratch, kept nothing; `IrText` prints the module,
    `LexedIr (regex)` and `Inst2vec (regex)` are the definitions in
    cgym_ray/llvm/tokens.py run on the printed module, as the env did before,
    and `LexedIr (native, whole)` lexes the printed module natively, kept nothing.
    """
    vocabulary = inst2vec_vocabulary()
    dimension = vocabulary_dimension()
    backend = get_backend("libllvm")
    lexed, statements, indices = (TokenCache(backend.llvm.lib, backend.native) for _ in range(3))
    return {
        "Autophase": lambda: module.autophase(),
        "ProgramlArrays": lambda: module.programl(with_text=False),
        "ProgramlArrays (whole)": lambda: from_native(backend.native, module.ref, False),
        "ObjectTextSizeBytes": lambda: module.object_text_size_bytes(),
        "TextSizeBytes": lambda: link(module.object_file(), scratch, ("-lm",)).text_size_bytes,
        "IrText": lambda: module.ir_text(),
        "LexedIr": lambda: lexed.lexed_ir(module.ref),
        "LexedIr (regex)": lambda: lex_ir(module.ir_text()),
        "LexedIr (native, whole)": lambda: lex_native(backend.native, module.ir_text()),
        "Inst2vecPreprocessedText": lambda: statements.inst2vec_statements(module.ref),
        "Inst2vecEmbeddingIndices": lambda: indices.inst2vec_indices(module.ref),
        "Inst2vec (regex)": lambda: vocabulary.encode(inst2vec_statements(module.ir_text())),
        "Ir2vec": lambda: program_vector(module.ir2vec("flow-aware"), dimension),
        "Ir2vecSymbolic": lambda: program_vector(module.ir2vec("symbolic"), dimension),
    }


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = time.perf_counter


def _timed(function) -> float:
    """The time of one call; its result is let go after the clock stops."""
    started = _clock()
    result = function()
    elapsed = _clock() - started
    del result
    return elapsed


def measure_program(
    name: str,
    bitcode: bytes,
    steps: int,
    ir2vec_steps: int,
    seed: int,
    observations: list[str] | None = None,
) -> dict:
    """Per observation, its walk of the seeded pass sequence (see the module docstring)."""
    backend = get_backend("libllvm")
    passes = [a for a in backend.actions if a.is_pass]  # single passes, as in libllvm-v2
    samples: dict[str, list[float]] = {"pass": []}
    with tempfile.TemporaryDirectory() as scratch:
        names = observations or list(observation_functions(None, Path(scratch)))
        for observation in names:
            module = backend.load(bitcode, name)
            function = observation_functions(module, Path(scratch))[observation]
            rng = random.Random(seed)
            for step in range(steps):
                action = rng.choice(passes)
                samples["pass"].append(
                    _timed(lambda p=action.pipeline, m=module: m.run_pipeline(p))
                )
                if not (observation.startswith("Ir2vec") and step >= ir2vec_steps):
                    samples.setdefault(observation, []).append(_timed(function))
            module.dispose()
    return {key: (statistics.median(values), p90(values)) for key, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", nargs="+", default=list(DEFAULT_PROGRAMS))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--ir2vec-steps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--observations", nargs="+", default=None, help="default: all")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="cpu: this process's CPU time, steadier than wall time on a loaded machine",
    )
    args = parser.parse_args()
    global _clock
    _clock = CLOCKS[args.clock]
    if not args.observations or any(name.startswith("Ir2vec") for name in args.observations):
        require_vocabulary()
    suite = get_dataset("cgym-suite-v0")
    rows = {}
    for name in args.programs:
        rows[name] = measure_program(
            name,
            suite.benchmark(name).bitcode(),
            args.steps,
            args.ir2vec_steps,
            args.seed,
            args.observations,
        )
        print(f"{name}: done (load {os.getloadavg()[0]:.1f})", flush=True)
    observations = [key for key in next(iter(rows.values())) if key != "pass"]
    lines = [
        provenance_line(),
        "",
        f"{args.steps} random pass actions a program (seed {args.seed}), IR2Vec after the first "
        f"{args.ir2vec_steps}; libllvm {get_backend('libllvm').llvm_version}; {args.clock} "
        "clock. Each cell: the observation's median (p90) time ÷ the program's median pass time.",
        "",
        "| program | median pass (µs) | " + " | ".join(observations) + " |",
        "|---|---:|" + "---:|" * len(observations),
    ]
    ratios: dict[str, list[float]] = {key: [] for key in observations}
    for name, row in rows.items():
        passed = row["pass"][0]
        cells = []
        for key in observations:
            median, p90 = row[key]
            ratios[key].append(median / passed)
            cells.append(f"{median / passed:,.1f}× ({p90 / passed:,.1f}×)")
        lines.append(f"| {name} | {passed * 1e6:,.0f} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| observation | median over programs | p90 over programs |",
        "|---|---:|---:|",
    ]
    for key, values in ratios.items():
        ordered = sorted(values)
        lines.append(
            f"| {key} | {statistics.median(values):,.1f}× "
            f"| {ordered[int(0.9 * (len(ordered) - 1))]:,.1f}× |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
