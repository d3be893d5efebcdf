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

import time

import numpy as np

from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.search.common import Budget, BudgetClock, EnvFactory, Report, SearchResult


def _pipeline_env(make_env: EnvFactory, benchmark: str):
    from cgym_ray.envs.pipeline_env import PipelineEnv

    env = make_env().unwrapped
    if isinstance(env, PipelineEnv):
        return env
    env.close()
    return PipelineEnv(benchmark=benchmark)


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
    from cgym_ray.llvm import semantics
    from cgym_ray.llvm.pipelines.edits import apply_edit

    clock = BudgetClock(budget)
    rng = np.random.default_rng(seed)
    env = _pipeline_env(make_env, benchmark)
    failures = 0
    miscompiles = 0
    try:
        env.reset(seed=seed, options={"benchmark": benchmark, "start": "oz"})
        best, best_score = env.pipeline, env.score
        best_state = env.state
        while not clock.exhausted:
            proposal = best
            for _ in range(2 if rng.random() < double_edit else 1):
                proposal, _ = apply_edit(
                    proposal, *(int(part) for part in rng.integers(env.action_space.nvec))
                )
            if proposal == best:
                continue
            clock.spend(1)
            try:
                env.set_pipeline(proposal)
            except (StepFailed, CompilerError):
                failures += 1
                env.reset(options={"benchmark": benchmark, "start": "empty"})
                env.set_pipeline(best)
                continue
            if env.score <= best_score + min_improvement:
                continue
            if check_behaviour and env.benchmark is not None and env.benchmark.runnable:
                if not semantics.check_behaviour(env.benchmark, env.object_file(), env.backend).ok:
                    miscompiles += 1
                    continue
            best, best_score, best_state = proposal, env.score, env.state
    finally:
        env.close()
    return SearchResult(
        agent="pipeline_climb",
        benchmark=benchmark,
        best_state=best_state,
        best_reward=best_score,
        steps=clock.steps,
        episodes=1,
        walltime_s=clock.elapsed_s,
        params={
            "double_edit": double_edit,
            "min_improvement": min_improvement,
            "failures": failures,
            "miscompiles": miscompiles,
            "pipeline_elements": sum(1 for _ in best.walk()),
            "started": time.time() - clock.elapsed_s,
        },
    )
