"""The coreset the `coreset` baseline tries when it is given none.

Learned on the built-in suite's training split (never its test split) with the
libllvm backend's catalogue and the IrInstructionCountOz reward, by

    python -m cgym_ray.search.default_coreset

which runs `learn_coreset` as `main()` below does and rewrites this file.
"""

from __future__ import annotations

import json

DEFAULT_CORESET: tuple[str, ...] = (
    "lower-atomic argpromotion ipsccp-no-func-spec aggressive-instcombine loop-versioning-licm coro-elide module-inline speculative-execution newgvn gvn-sink lower-matrix-intrinsics lower-widenable-condition simple-loop-unswitch-nontrivial lower-guard-intrinsic add-discriminators loop-fusion iroutliner always-inline bdce early-cse-memssa consthoist jump-table-to-switch alignment-from-assumptions canonicalize-aliases loop-unroll loop-idiom sroa jump-threading instnamer constraint-elimination simplifycfg loop-simplifycfg mergeicmps loop-unroll-runtime strip-dead-prototypes rel-lookup-table-converter vector-combine vector-combine coro-elide O2",
    "canonicalize-aliases sccp lower-widenable-condition mem2reg lower-atomic attributor-light-cgscc loop-versioning-licm argpromotion called-value-propagation gvn Oz loop-simplify module-inline mem2reg loop-versioning-licm expand-memcmp strip-dead-debug-info strip-dead-debug-info newgvn simple-loop-unswitch lower-matrix-intrinsics simple-loop-unswitch-nontrivial drop-unnecessary-assumes strip-dead-debug-info iroutliner lcssa simplifycfg-aggressive loop-versioning ipsccp-no-func-spec guard-widening early-cse-memssa vector-combine rel-lookup-table-converter speculative-execution dse",
    "mem2reg lower-atomic lower-expect aggressive-instcombine early-cse-memssa redundant-dbg-inst-elim canon-freeze loop-load-elim loop-versioning vector-combine lower-matrix-intrinsics Oz loop-rotate simple-loop-unswitch-nontrivial drop-unnecessary-assumes sccp add-discriminators loop-fusion iroutliner loop-unroll-full strip-dead-debug-info jump-threading loop-unroll-O3 partially-inline-libcalls break-crit-edges early-cse-memssa loop-idiom consthoist O2 lower-expect jump-table-to-switch consthoist canonicalize-aliases flatten-cfg lower-invoke nary-reassociate vector-combine vector-combine load-store-vectorizer",
    "ipsccp-no-func-spec elim-avail-extern mem2reg lower-atomic loop-instsimplify loop-versioning-licm aggressive-instcombine early-cse-memssa gvn-hoist drop-unnecessary-assumes redundant-dbg-inst-elim coro-annotation-elide module-inline loop-load-elim loop-versioning-licm newgvn strip-dead-debug-info hotcoldsplit slsr indvars rpo-function-attrs drop-unnecessary-assumes reassociate strip-dead-debug-info loop-unroll-O3 mem2reg iroutliner lcssa simplifycfg-aggressive partially-inline-libcalls loop-unroll-O3 slsr loop-idiom O2 gvn canonicalize-aliases simplifycfg-aggressive",
    "ipsccp-no-func-spec mem2reg lower-widenable-condition lower-switch called-value-propagation aggressive-instcombine strip-dead-debug-info module-inline canon-freeze loop-unroll-O3 newgvn loop-simplify callsite-splitting vector-combine mergefunc mem2reg simple-loop-unswitch-nontrivial indvars drop-unnecessary-assumes loop-interchange break-crit-edges loop-load-elim O1 always-inline mergefunc partially-inline-libcalls loop-unroll-O3 loop-unroll-O3 early-cse-memssa consthoist loop-versioning simplifycfg-aggressive redundant-dbg-inst-elim canonicalize-aliases strip lower-guard-intrinsic constraint-elimination tailcallelim correlated-propagation",
    "ipsccp-no-func-spec mem2reg lower-atomic partially-inline-libcalls ipsccp lower-expect inject-tli-mappings jump-table-to-switch argpromotion called-value-propagation memcpyopt aggressive-instcombine early-cse-memssa redundant-dbg-inst-elim mem2reg loop-load-elim loop-versioning hotcoldsplit vector-combine lower-matrix-intrinsics lower-widenable-condition simple-loop-unswitch-nontrivial indvars drop-unnecessary-assumes sccp add-discriminators loop-unroll-O3 iroutliner lower-switch jump-threading simplifycfg-aggressive partially-inline-libcalls loop-unroll-O3 slsr ipsccp-no-func-spec consthoist O2",
    "mem2reg sccp loop-instsimplify ipsccp inject-tli-mappings argpromotion called-value-propagation aggressive-instcombine early-cse-memssa redundant-dbg-inst-elim module-inline Oz speculative-execution loop-unroll-O3 loop-load-elim loop-versioning loop-rotate dce Oz vector-combine lower-matrix-intrinsics lower-widenable-condition simple-loop-unswitch-nontrivial indvars sccp loop-unroll-full loop-fusion iroutliner lower-switch loop-versioning guard-widening strip gvn slsr strip-nonlinetable-debuginfo coro-annotation-elide vector-combine speculative-execution O2",
    "load-store-vectorizer mem2reg loop-instsimplify partially-inline-libcalls ipsccp coro-elide inject-tli-mappings jump-table-to-switch argpromotion called-value-propagation memcpyopt aggressive-instcombine early-cse-memssa redundant-dbg-inst-elim module-inline loop-load-elim loop-versioning hotcoldsplit vector-combine lower-matrix-intrinsics O1 lower-widenable-condition simple-loop-unswitch-nontrivial indvars drop-unnecessary-assumes add-discriminators iroutliner jump-threading mergefunc strip partially-inline-libcalls loop-unroll-O3 slsr ipsccp-no-func-spec consthoist O2 rel-lookup-table-converter vector-combine vector-combine load-store-vectorizer",
    "ipsccp-no-func-spec mem2reg lower-atomic ipsccp lower-expect inject-tli-mappings argpromotion called-value-propagation aggressive-instcombine early-cse-memssa redundant-dbg-inst-elim module-inline loop-load-elim loop-versioning mem2reg vector-combine Oz lower-widenable-condition simple-loop-unswitch-nontrivial drop-unnecessary-assumes sccp add-discriminators loop-fusion iroutliner lower-switch mergefunc jump-threading strip-dead-debug-info partially-inline-libcalls slsr simplifycfg-aggressive ipsccp-no-func-spec early-cse-memssa consthoist O2",
    "canonicalize-aliases sccp mem2reg lower-atomic ipsccp lower-expect inject-tli-mappings coro-elide called-value-propagation aggressive-instcombine early-cse-memssa module-inline lower-atomic loop-load-elim lower-guard-intrinsic hotcoldsplit simple-loop-unswitch lower-matrix-intrinsics lower-widenable-condition simple-loop-unswitch-nontrivial drop-unnecessary-assumes iroutliner lower-switch mergefunc strip-dead-debug-info rel-lookup-table-converter loop-idiom simplifycfg-aggressive loop-flatten loop-versioning early-cse-memssa O2 gvn lower-expect jump-table-to-switch strip-dead-prototypes rel-lookup-table-converter speculative-execution gvn",
    "mem2reg sccp lower-atomic called-value-propagation coro-annotation-elide loop-versioning-licm early-cse-memssa canon-freeze redundant-dbg-inst-elim name-anon-globals Oz loop-load-elim mem2reg slsr canonicalize-aliases Oz strip-dead-debug-info loop-interchange lower-matrix-intrinsics irce lower-widenable-condition simple-loop-unswitch-nontrivial loop-fusion lower-switch always-inline strip-dead-debug-info loop-unroll-O3 ipsccp-no-func-spec lcssa unreachableblockelim consthoist instsimplify loop-idiom strip-dead-debug-info O2 simplifycfg simplifycfg-aggressive",
)

LEARNED_WITH = "25 train programs, 26 candidates; annealing, Budget(steps=3000) a program, seed 0, k=20; train geomean of the best of the coreset 1.0199"


def render(sequences: tuple[str, ...] | list[str], learned_with: str) -> str:
    """The two assignments at the top of this file, one sequence a line."""
    lines = ["DEFAULT_CORESET: tuple[str, ...] = ("]
    lines += [f"    {json.dumps(sequence)}," for sequence in sequences]
    lines += [")", "", f"LEARNED_WITH = {json.dumps(learned_with)}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    import sys
    from pathlib import Path

    import gymnasium as gym
    import numpy as np

    import cgym_ray  # noqa: F401  (registers the environments)
    from cgym_ray.datasets import get_dataset
    from cgym_ray.search.annealing import annealing
    from cgym_ray.search.common import Budget
    from cgym_ray.search.coreset import learn_coreset

    suite = get_dataset("cgym-suite-v0")
    benchmarks = [suite.uri(name) for name in suite.benchmark_names("train")]
    recipe = "annealing, Budget(steps=3000) a program, seed 0, k=20"
    chosen, matrix = learn_coreset(
        lambda: gym.make("llvm-ic-v0").unwrapped,
        benchmarks,
        k=20,
        search=annealing,
        budget=Budget(steps=3000),
        seed=0,
    )
    rows = [matrix.sequences.index(s) for s in chosen]
    covered = matrix.rewards[rows].max(axis=0)
    geomean = float(np.exp(np.log(np.maximum(covered, 1e-9)).mean()))
    learned = (
        f"{len(benchmarks)} train programs, {len(matrix.sequences)} candidates; {recipe}; "
        f"train geomean of the best of the coreset {geomean:.4f}"
    )
    source = Path(__file__).read_text()
    start = source.index("DEFAULT_CORESET: tuple[str, ...] = (")
    end = source.index("\n", source.index("LEARNED_WITH = ")) + 1
    Path(__file__).write_text(source[:start] + render(chosen, learned) + source[end:])
    print(learned, file=sys.stderr)


if __name__ == "__main__":
    main()
