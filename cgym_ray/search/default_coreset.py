"""The coreset the `coreset` baseline tries when it is given none.

Learned on the built-in suite's training split (never its test split) with the
libllvm backend's catalogue and the IrInstructionCountOz reward, by

    python -m cgym_ray.search.default_coreset

which runs `learn_coreset` as `main()` below does and rewrites this file.
"""

from __future__ import annotations

import json

DEFAULT_CORESET: tuple[str, ...] = (
    "infer-alignment partially-inline-libcalls lower-matrix-intrinsics lower-invoke adce early-cse-memssa coro-annotation-elide loop-vectorize mem2reg loop-unroll-O3 coro-split loop-rotate callsite-splitting sink loop-flatten lower-guard-intrinsic attributor-light coro-annotation-elide function-attrs loop-distribute loop-versioning-licm lower-matrix-intrinsics newgvn sink simplifycfg-aggressive consthoist loop-vectorize lower-guard-intrinsic guard-widening mem2reg Oz gvn-hoist",
    "infer-alignment early-cse mem2reg partially-inline-libcalls strip-debug-declare hotcoldsplit argpromotion loop-vectorize aggressive-instcombine separate-const-offset-from-gep coro-annotation-elide mem2reg Oz loop-versioning-licm loop-unroll-O3 loop-unroll-O3 Oz strip-dead-debug-info globalsplit expand-memcmp alignment-from-assumptions rpo-function-attrs reassociate add-discriminators ipsccp-no-func-spec lower-matrix-intrinsics always-inline strip-nondebug sink inject-tli-mappings loop-flatten global-merge-func early-cse-memssa gvn-hoist ipsccp-no-func-spec aggressive-instcombine simple-loop-unswitch-nontrivial O2 gvn",
    "infer-alignment libcalls-shrinkwrap lower-matrix-intrinsics mem2reg adce strip-debug-declare jump-table-to-switch argpromotion aggressive-instcombine loop-unroll-O3 coro-split module-inline name-anon-globals vector-combine coro-early lower-matrix-intrinsics ipsccp drop-unnecessary-assumes coro-annotation-elide rpo-function-attrs expand-memcmp add-discriminators strip-nondebug global-merge-func early-cse-memssa bdce lower-guard-intrinsic infer-address-spaces inject-tli-mappings loop-reduce loop-guard-widening adce canon-freeze sccp simplifycfg-aggressive early-cse partially-inline-libcalls instcombine",
    "loop-versioning called-value-propagation coro-annotation-elide newgvn mem2reg vector-combine sink loop-flatten lower-guard-intrinsic lower-widenable-condition attributor-light coro-annotation-elide function-attrs gvn-hoist loop-instsimplify add-discriminators loop-distribute loop-versioning-licm strip-nondebug lower-matrix-intrinsics always-inline sink early-cse-memssa consthoist loop-instsimplify callsite-splitting ipsccp-no-func-spec guard-widening infer-address-spaces early-cse loop-instsimplify Oz flatten-cfg gvn-hoist vector-combine vector-combine vector-combine separate-const-offset-from-gep guard-widening gvn",
    "dce infer-alignment partially-inline-libcalls lower-widenable-condition argpromotion aggressive-instcombine loop-vectorize coro-annotation-elide gvn-hoist name-anon-globals vector-combine sink partially-inline-libcalls ipsccp attributor-light add-discriminators lower-matrix-intrinsics always-inline strip-nondebug global-merge-func O1 early-cse-memssa bdce alignment-from-assumptions instnamer jump-threading",
    "partially-inline-libcalls early-cse lower-matrix-intrinsics mem2reg rpo-function-attrs loop-versioning called-value-propagation early-cse-memssa attributor-light mem2reg name-anon-globals loop-rotate globaldce Oz loop-instsimplify partially-inline-libcalls strip-dead-debug-info strip-dead-debug-info loop-instsimplify scalarizer coro-annotation-elide expand-memcmp loop-distribute reassociate always-inline load-store-vectorizer early-cse-memssa consthoist simplifycfg-aggressive loop-flatten strip-debug-declare O2",
    "partially-inline-libcalls loop-versioning loop-idiom aggressive-instcombine early-cse-memssa coro-annotation-elide loop-vectorize mem2reg name-anon-globals vector-combine sink loop-flatten lower-guard-intrinsic loop-unroll-O3 attributor-light loop-vectorize coro-annotation-elide strip-dead-debug-info function-attrs loop-instsimplify loop-distribute reassociate loop-versioning-licm strip-nondebug ipsccp-no-func-spec lower-matrix-intrinsics loop-unroll-O3 sink early-cse-memssa simplifycfg-aggressive ipsccp-no-func-spec strip-nondebug gvn-hoist",
    "infer-alignment partially-inline-libcalls loop-versioning called-value-propagation aggressive-instcombine early-cse-memssa coro-annotation-elide loop-vectorize mem2reg name-anon-globals vector-combine sink loop-flatten Oz lower-guard-intrinsic partially-inline-libcalls attributor-light coro-annotation-elide strip-dead-debug-info function-attrs loop-instsimplify add-discriminators loop-versioning-licm strip-nondebug ipsccp-no-func-spec lower-matrix-intrinsics always-inline loop-unroll-O3 sink loop-distribute early-cse-memssa simplifycfg-aggressive ipsccp-no-func-spec strip-nondebug guard-widening infer-address-spaces loop-instsimplify Oz",
    "libcalls-shrinkwrap partially-inline-libcalls loop-versioning argpromotion loop-vectorize attributor-light mem2reg loop-versioning-licm name-anon-globals vector-combine globaldce lower-widenable-condition loop-unroll-O3 gvn-hoist lower-guard-intrinsic ipsccp slp-vectorizer function-attrs loop-instsimplify add-discriminators loop-distribute strip-debug-declare strip-debug-declare loop-vectorize lower-matrix-intrinsics callsite-splitting always-inline loop-unroll-O3 rel-lookup-table-converter loop-instsimplify sink global-merge-func sink unreachableblockelim vector-combine inline vector-combine separate-const-offset-from-gep loop-instsimplify Oz",
    "infer-alignment partially-inline-libcalls loop-versioning early-cse-memssa coro-annotation-elide loop-vectorize mem2reg name-anon-globals vector-combine sink loop-flatten Oz lower-guard-intrinsic partially-inline-libcalls attributor-light coro-annotation-elide strip-dead-debug-info function-attrs loop-instsimplify add-discriminators O1 loop-versioning-licm strip-nondebug ipsccp-no-func-spec lower-matrix-intrinsics always-inline loop-unroll-O3 sink early-cse-memssa simplifycfg-aggressive",
)

LEARNED_WITH = "25 train programs, 25 candidates; annealing, Budget(steps=3000) a program, seed 0, k=20; train geomean of the best of the coreset 1.0161"


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
