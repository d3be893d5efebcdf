"""What the pipeline searches share: compiling proposals, reporting them, checking each new best.

    with PipelineRun("pipeline_evolve", make_env, benchmark, budget, seed, report) as run:
        while not run.clock.exhausted:
            score = run.evaluate(proposal, "what the edit did")  # None: the compiler failed
        return run.result(params)

The state of a pipeline search is a whole pipeline in `llvm-pipeline-ic-v0`
(`PipelineEnv`, or the reward of the env `make_env` makes when it is a
`PipelineEnv`); the search starts at -Oz's pipeline, so its result is never
worse than -Oz (score 1.0). Every compiled proposal costs one step of the
budget and is reported as a one-step episode whose commandline is the
proposal's pipeline text (`actions_version` `pipeline-edits-v1`), so the store
holds every pipeline tried with its score. A proposal that beats the best
becomes the best only once its program, on a runnable benchmark, ran and
printed what the unoptimized program prints; a compiler crash, hang or
rejection costs its step and the search goes on.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np

from cgym_ray.envs.llvm_env import PlayedStep
from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.llvm.pipelines import Pipeline, load_table
from cgym_ray.search.common import (
    Budget,
    BudgetClock,
    EnvFactory,
    EpisodeOutcome,
    Report,
    SearchResult,
    behaviour_failure,
    step_timeout_within_budget_s,
)

# Passes a search never puts in a pipeline: attributor miscompiled cBench's
# bitcount inside a pipeline (issue 18's probe, both runs), and iroutliner gave
# different counts for the same pipeline in one process.
HAZARDS = frozenset(
    {"attributor", "attributor-cgscc", "attributor-light", "attributor-light-cgscc", "iroutliner"}
)


def has_hazard(pipeline: Pipeline) -> bool:
    return any(element.name in HAZARDS for _, element, _ in pipeline.walk())


def pipeline_env(make_env: EnvFactory, benchmark: str):
    """The env of `make_env()` when it is a `PipelineEnv`, else `PipelineEnv` with its reward."""
    from cgym_ray.envs.pipeline_env import PipelineEnv

    env = make_env().unwrapped
    if isinstance(env, PipelineEnv):
        return env
    reward_space = getattr(getattr(env, "reward_spec", None), "name", None)
    env.close()
    kwargs = {"reward_space": reward_space} if reward_space else {}
    return PipelineEnv(benchmark=benchmark, **kwargs)


def play_edit(env: Any, action: tuple[int, int, int]) -> PlayedStep:
    """One env step of a pipeline edit (operation, position, choice), as a policy on the env reports it.

    Its `action` is the edit's index in the flattened action space; on a
    compiler failure (`terminated`) the error is in its `info`.
    """
    nvec = tuple(int(n) for n in env.action_space.nvec)
    started = time.perf_counter()
    _, reward, terminated, _, info = env.step(action)
    return PlayedStep(
        action=int(np.ravel_multi_index(action, nvec)),
        reward=float(reward),
        terminated=terminated,
        info=dict(info),
        walltime_s=time.perf_counter() - started,
        metric=None if terminated else float(env._value),
        action_name=str(info.get("edit", "")),
    )


def report_episode(
    report: Report | None,
    benchmark: str,
    seed: int,
    steps: list[PlayedStep],
    state: Any,
    error: str | None,
    misbehaves: str,
) -> None:
    """Report a policy's one episode on the pipeline env: its steps, its final state, and how it ended."""
    if report is None:
        return
    status = "error" if error else ("misbehaves" if misbehaves else "ok")
    report(
        EpisodeOutcome(
            benchmark=benchmark,
            seed=seed,
            steps=steps,
            state=state,
            status=status,
            error=error or misbehaves or None,
        )
    )


class PipelineRun:
    """The bookkeeping of one pipeline search: the env, the budget, the best, the reports."""

    def __init__(
        self,
        agent: str,
        make_env: EnvFactory,
        benchmark: str,
        budget: Budget,
        seed: int,
        report: Report | None = None,
        check_behaviour: bool = True,
        min_improvement: float = 1e-9,
    ) -> None:
        self.agent = agent
        self.min_improvement = min_improvement
        self.benchmark = benchmark
        self.seed = seed
        self.report = report
        self.check_behaviour = check_behaviour
        self.env = pipeline_env(make_env, benchmark)
        self.started = time.monotonic()
        self.env.reset(seed=seed, options={"benchmark": benchmark, "start": "oz"})
        self.clock = BudgetClock(budget)  # the budget starts once -Oz's pipeline is compiled
        self._step_timeout_s = self.env.step_timeout_s  # the env's own, before the budget bounds it
        self.best: Pipeline = self.env.pipeline
        self.best_score: float = self.env.score
        self.best_state = self.env.state
        self.scores: dict[str, float] = {str(self.best): self.best_score}
        self.failures = 0
        self.miscompiles = 0
        self.behaviour_checks = 0
        self.compile_s = 0.0

    def __enter__(self) -> PipelineRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.env.close()

    def valid(self, pipeline: Pipeline) -> bool:
        """Whether `pipeline` may be proposed: levels and parameters checked, no hazard."""
        if not pipeline.elements or has_hazard(pipeline):
            return False
        try:
            load_table().check(pipeline)
        except CompilerError:
            return False
        return True

    def evaluate(self, pipeline: Pipeline, what: str = "") -> float | None:
        """Compile `pipeline` (one step), report it, and take it as the best if it is; its score.

        A pipeline seen before is not compiled again (its score is remembered);
        None if the compiler failed on it, or its program misbehaved.
        """
        text = str(pipeline)
        if text in self.scores:
            return self.scores[text]
        self.clock.spend(1)
        self._bound_step_timeout()
        started = time.perf_counter()
        try:
            self.env.set_pipeline(pipeline)
        except (StepFailed, CompilerError) as error:
            self.failures += 1
            self.scores[text] = float("-inf")
            self._report(pipeline, what, None, time.perf_counter() - started, error)
            self.env.reset(options={"benchmark": self.benchmark, "start": "empty"})
            return None
        self.compile_s += time.perf_counter() - started
        score = self.env.score
        self.scores[text] = score
        self._report(pipeline, what, score, time.perf_counter() - started, None)
        if score > self.best_score + self.min_improvement:
            if self._behaves():
                self.best, self.best_score, self.best_state = pipeline, score, self.env.state
            else:
                self.miscompiles += 1
                self.scores[text] = float("-inf")
                return None
        return score

    def try_tails(self, pipeline: Pipeline, tails: Sequence[Pipeline]) -> list[float | None]:
        """The score of `pipeline` followed by each tail, estimated on copies of its module.

        `PipelineEnv.try_appending`: one request, one budget step per tail,
        nothing reported (an estimate: `evaluate` the longer pipeline to take
        it). All None if the compiler could not even rebuild `pipeline`.
        """
        self.clock.spend(len(tails))
        self._bound_step_timeout()
        try:
            self.restore(pipeline)
            return self.env.try_appending(tails)
        except (StepFailed, CompilerError):
            self.failures += 1
            return [None] * len(tails)

    def restore(self, pipeline: Pipeline) -> None:
        """Make `pipeline` (compiled before) the env's state again; no step, nothing reported."""
        if str(self.env.pipeline) != str(pipeline):
            self.env.set_pipeline(pipeline)

    def _bound_step_timeout(self) -> None:
        """Let the next compile run no later than the budget's end plus its overrun, as `SearchRun` does."""
        self.env.step_timeout_s = step_timeout_within_budget_s(self.clock, self._step_timeout_s)

    def _behaves(self) -> bool:
        """Whether the current pipeline's program does what the unoptimized one does (`behaviour_failure`)."""
        env = self.env
        if not (self.check_behaviour and env.benchmark is not None and env.benchmark.runnable):
            return True
        self.behaviour_checks += 1
        return not behaviour_failure(env, self.clock)

    def _report(
        self,
        pipeline: Pipeline,
        what: str,
        score: float | None,
        walltime_s: float,
        error: Exception | None,
    ) -> None:
        if self.report is None:
            return
        from dataclasses import replace

        state = replace(
            self.best_state,
            commandline=str(pipeline),
            reward=score,
            walltime=walltime_s,
        )
        info: dict[str, object] = {"edit": what or "pipeline"}
        if error is None:
            info["instruction_count"] = self.env._compiler.session.instruction_count
        else:
            info["error"] = {
                "type": type(error).__name__,
                "message": str(error)[:300],
                "cause": getattr(error, "cause", None),
            }
        step = PlayedStep(
            action=self.clock.steps - 1,
            reward=0.0 if score is None else score,
            terminated=error is not None,
            info=info,
            walltime_s=walltime_s,
            metric=None if score is None else float(self.env._value),
            action_name=what or "pipeline",
        )
        self.report(
            EpisodeOutcome(
                benchmark=self.benchmark,
                seed=self.seed,
                steps=[step],
                state=state,
                status="ok" if error is None else "error",
                error=step.error,
            )
        )

    def result(self, params: dict[str, object]) -> SearchResult:
        return SearchResult(
            agent=self.agent,
            benchmark=self.benchmark,
            best_state=self.best_state,
            best_reward=self.best_score,
            steps=self.clock.steps,
            episodes=self.clock.steps,
            walltime_s=time.monotonic() - self.started,
            params={
                **params,
                "failures": self.failures,
                "miscompiles": self.miscompiles,
                "behaviour_checks": self.behaviour_checks,
                "compile_s": round(self.compile_s, 3),
                "pipeline_elements": sum(1 for _ in self.best.walk()),
            },
        )
