"""Turn the episodes a search reports into rows of the trajectory store."""

from __future__ import annotations

import json
from typing import Any

from cgym_ray.search.common import EpisodeOutcome
from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryWriter, new_id


class StoreReporter:
    """A search's `report` callback that writes every episode, step by step, to a store writer.

    The O0/Oz instruction counts of each benchmark come from the (cached) baselines.
    """

    def __init__(
        self,
        writer: TrajectoryWriter,
        agent: str,
        params: dict[str, Any],
        checkpoint: str | None = None,
    ) -> None:
        self.writer = writer
        self.agent = agent
        self.params = json.dumps(params, sort_keys=True, default=str)
        self._references: dict[str, dict[str, int | None]] = {}
        self.checkpoint = checkpoint
        self.steps = 0
        self.episodes = 0

    def references(self, uri: str, backend: str) -> dict[str, int | None]:
        if uri not in self._references:
            from cgym_ray.datasets import get_benchmark
            from cgym_ray.llvm.baselines import reference_counts

            try:
                self._references[uri] = reference_counts(get_benchmark(uri).bitcode(), uri, backend)
            except Exception:  # a reference we cannot compute is left empty, not fatal
                self._references[uri] = {}
        return self._references[uri]

    def __call__(self, outcome: EpisodeOutcome) -> None:
        episode_id = new_id()
        total = 0.0
        final_count = None
        for index, step in enumerate(outcome.steps):
            total += step.reward
            if step.instruction_count is not None:
                final_count = step.instruction_count
            self.writer.add_step(
                StepRecord(
                    episode_id=episode_id,
                    step=index,
                    benchmark=outcome.benchmark,
                    action=step.action,
                    action_name=step.action_name,
                    reward=step.reward,
                    cumulative_reward=total,
                    instruction_count=step.instruction_count if step.instruction_count is not None else -1,
                    walltime_s=step.walltime_s,
                    terminated=step.terminated,
                    truncated=step.truncated,
                    error=step.error,
                    observation=step.observation,
                    backend=outcome.state.backend,
                    llvm_version=outcome.state.llvm_version,
                )
            )
        references = self.references(outcome.benchmark, outcome.state.backend)
        self.writer.add_episode(
            EpisodeRecord(
                episode_id=episode_id,
                benchmark=outcome.benchmark,
                agent=self.agent,
                num_steps=len(outcome.steps),
                reward=total if outcome.state.reward is None else float(outcome.state.reward),
                seed=outcome.seed,
                commandline=outcome.state.commandline,
                instruction_count_final=final_count,
                instruction_count_o0=references.get("O0"),
                instruction_count_oz=references.get("Oz"),
                backend=outcome.state.backend,
                llvm_version=outcome.state.llvm_version,
                walltime_s=outcome.state.walltime,
                status=outcome.status,
                error=outcome.error,
                reward_space=outcome.state.reward_space,
                agent_params=self.params,
                checkpoint=self.checkpoint,
            )
        )
        self.steps += len(outcome.steps)
        self.episodes += 1
