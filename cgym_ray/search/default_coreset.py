"""The coreset the `coreset` baseline tries when it is given none.

Learned on the built-in suite's training split (never its test split) with the
libllvm backend's catalogue and the IrInstructionCountOz reward, by

    python -m cgym_ray.search.default_coreset

which runs `learn_coreset` as `main()` below does and rewrites this file.
"""

from __future__ import annotations

import json

DEFAULT_CORESET: tuple[str, ...] = (
    "function-attrs loop-versioning loop-instsimplify aggressive-instcombine early-cse-memssa coro-annotation-elide mem2reg loop-versioning-licm simple-loop-unswitch loop-interchange name-anon-globals function-attrs expand-memcmp loop-vectorize lower-invoke drop-unnecessary-assumes add-discriminators loop-fusion lower-matrix-intrinsics instcombine strip-dead-debug-info loop-unroll-O3 speculative-execution simplifycfg-aggressive O2 ipsccp-no-func-spec alignment-from-assumptions lower-guard-intrinsic jump-threading instcombine attributor-light-cgscc unreachableblockelim infer-address-spaces partially-inline-libcalls lcssa gvn",
    "infer-alignment function-attrs loop-versioning loop-instsimplify called-value-propagation aggressive-instcombine early-cse-memssa coro-annotation-elide loop-versioning-licm lower-widenable-condition simple-loop-unswitch loop-interchange name-anon-globals function-attrs memcpyopt attributor-light-cgscc simple-loop-unswitch-nontrivial dfa-jump-threading mem2reg add-discriminators loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics loop-unroll-O3 loop-unroll-O3 consthoist simplifycfg-aggressive lower-constant-intrinsics ipsccp-no-func-spec alignment-from-assumptions lower-expect jump-threading instcombine gvn-hoist",
    "infer-alignment function-attrs loop-versioning argpromotion called-value-propagation aggressive-instcombine early-cse-memssa loop-vectorize coro-annotation-elide loop-versioning-licm simple-loop-unswitch name-anon-globals vector-combine Oz loop-flatten function-attrs attributor-light-cgscc ipsccp strip-dead-debug-info mem2reg loop-data-prefetch loop-fusion lower-matrix-intrinsics always-inline speculative-execution early-cse-memssa loop-unroll-O3 ipsccp-no-func-spec lower-guard-intrinsic canonicalize-aliases simplifycfg-aggressive lower-expect strip loop-interchange Oz",
    "infer-alignment loop-versioning argpromotion called-value-propagation aggressive-instcombine early-cse-memssa coro-annotation-elide mem2reg loop-versioning-licm simple-loop-unswitch loop-interchange name-anon-globals guard-widening loop-versioning speculative-execution attributor-light-cgscc Oz simple-loop-unswitch-nontrivial dfa-jump-threading mem2reg add-discriminators loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics memcpyopt strip-nonlinetable-debuginfo jump-threading partial-inliner speculative-execution rel-lookup-table-converter simplifycfg-aggressive early-cse-memssa",
    "infer-alignment function-attrs loop-versioning argpromotion called-value-propagation aggressive-instcombine early-cse-memssa coro-annotation-elide mem2reg module-inline loop-versioning-licm loop-versioning-licm loop-interchange name-anon-globals vector-combine speculative-execution attributor-light-cgscc lower-switch simple-loop-unswitch-nontrivial ipsccp dfa-jump-threading mem2reg add-discriminators loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics memcpyopt partial-inliner loop-unroll-O3 loop-distribute early-cse-memssa consthoist O2",
    "infer-alignment function-attrs loop-versioning hotcoldsplit argpromotion called-value-propagation aggressive-instcombine early-cse-memssa coro-annotation-elide mem2reg loop-versioning-licm simple-loop-unswitch loop-interchange name-anon-globals speculative-execution lower-invoke attributor-light-cgscc simple-loop-unswitch-nontrivial dfa-jump-threading mem2reg add-discriminators loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics bdce strip-nonlinetable-debuginfo loop-unroll-O3 speculative-execution early-cse-memssa consthoist O2 lower-constant-intrinsics ipsccp-no-func-spec alignment-from-assumptions lower-expect lower-guard-intrinsic jump-threading instcombine gvn-hoist",
    "infer-alignment function-attrs loop-versioning argpromotion ipsccp-no-func-spec early-cse-memssa loop-vectorize coro-annotation-elide attributor-light-cgscc loop-unroll-and-jam simple-loop-unswitch name-anon-globals Oz vector-combine dce function-attrs expand-memcmp lower-invoke strip-dead-debug-info loop-instsimplify ipsccp mem2reg loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics always-inline loop-unroll-O3 early-cse early-cse-memssa consthoist simplifycfg-aggressive canonicalize-aliases strip-nondebug strip simple-loop-unswitch-nontrivial loop-unroll-and-jam hotcoldsplit Oz",
    "function-attrs loop-versioning called-value-propagation mem2reg loop-versioning-licm loop-versioning-licm attributor-light-cgscc name-anon-globals vector-combine memcpyopt attributor-light-cgscc lower-switch loop-predication simple-loop-unswitch-nontrivial ipsccp dfa-jump-threading mem2reg add-discriminators loop-fusion ipsccp-no-func-spec O1 memcpyopt partial-inliner loop-unroll-O3 loop-distribute early-cse-memssa consthoist loop-instsimplify O2",
    "infer-alignment function-attrs loop-versioning argpromotion called-value-propagation aggressive-instcombine early-cse-memssa loop-vectorize coro-annotation-elide mem2reg loop-versioning-licm simple-loop-unswitch loop-interchange name-anon-globals function-attrs expand-memcmp loop-vectorize lower-invoke strip-dead-debug-info lower-switch simple-loop-unswitch-nontrivial add-discriminators loop-fusion ipsccp-no-func-spec lower-matrix-intrinsics bdce loop-unroll-O3 loop-unroll-O3 speculative-execution simplifycfg-aggressive O2 strip ipsccp-no-func-spec alignment-from-assumptions lower-guard-intrinsic jump-threading attributor-light-cgscc infer-address-spaces gvn",
    "function-attrs early-cse reassociate loop-versioning strip-nondebug early-cse-memssa coro-elide coro-annotation-elide mem2reg globaldce loop-interchange constraint-elimination Oz name-anon-globals function-attrs loop-unroll-O3 expand-memcmp lower-invoke strip-dead-debug-info global-merge-func called-value-propagation dfa-jump-threading reassociate add-discriminators loop-fusion ipsccp-no-func-spec bdce loop-unroll-O3 inject-tli-mappings O2 strip ipsccp-no-func-spec gvn",
    "function-attrs Oz reassociate loop-instsimplify strip-nondebug ipsccp-no-func-spec aggressive-instcombine early-cse-memssa coro-annotation-elide canonicalize-aliases globaldce Oz simple-loop-unswitch name-anon-globals loop-unroll-O3 vector-combine loop-flatten strip-dead-debug-info lower-invoke ipsccp global-merge-func loop-data-prefetch loop-unroll-full always-inline speculative-execution consthoist ipsccp-no-func-spec canonicalize-aliases infer-address-spaces inject-tli-mappings gvn unreachableblockelim loop-unroll-and-jam Oz",
)

LEARNED_WITH = "25 train programs, 25 candidates; annealing, Budget(steps=3000) a program, seed 0, k=20; train geomean of the best of the coreset 1.0181"


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
