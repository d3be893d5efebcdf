"""Local search over pass pipelines, starting from -Oz's (issue 18 item 4, first version).

    >>> result = pipeline_climb(make_env, "benchmark://cgym-suite-v0/crc32", Budget(seconds=60), seed=0)
    ... # doctest: +SKIP

The state is a whole pipeline in `llvm-pipeline-ic-v0` (`PipelineEnv`), and it
starts at -Oz's pipeline written out, so the result is never worse than -Oz
(score 1.0). Each step proposes one random edit of the best pipeline so far
(insert, delete or replace a pass at a place, or change a parameter; with
probability `double_edit`, two edits) and compiles it; an edit that raises
the score becomes the new best once its program, on a runnable benchmark, is
run and prints what the unoptimized program prints. A compiler crash or hang
on a proposal costs its step and the search goes on from the best.

Budget: every compiled proposal is one step. `make_env` is used when it makes a
`PipelineEnv`; otherwise the search makes `llvm-pipeline-ic-v0` on the benchmark.
"""

from __future__ import annotations

import numpy as np

from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_common import PipelineRun


def pipeline_climb(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    double_edit: float = 0.2,
    min_improvement: float = 1e-9,
    check_behaviour: bool = True,
) -> SearchResult:
    """Hill climbing over pipeline edits from -Oz's pipeline; the result is the best pipeline.

    double_edit: probability that a proposal makes two edits instead of one.
    min_improvement: how much a proposal must raise the score to be taken.
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    from cgym_ray.llvm.pipelines.edits import apply_edit, tree_edit_space

    rng = np.random.default_rng(seed)
    with PipelineRun(
        "pipeline_climb",
        make_env,
        benchmark,
        budget,
        seed,
        report,
        check_behaviour,
        min_improvement,
    ) as run:
        nvec = tree_edit_space(run.env.action_space.nvec)  # marks rules are not proposed
        while not run.clock.exhausted:
            proposal, what = run.best, []
            for _ in range(2 if rng.random() < double_edit else 1):
                proposal, done = apply_edit(proposal, *(int(part) for part in rng.integers(nvec)))
                what.append(done)
            if proposal == run.best or not run.valid(proposal):
                continue
            run.evaluate(proposal, "; ".join(what))
        return run.result({"double_edit": double_edit, "min_improvement": min_improvement})
