"""Turn the episodes a search reports into rows of the trajectory store."""

from __future__ import annotations

import json
from typing import Any

from cgym_ray.search.common import EpisodeOutcome
from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryWriter, new_id


class StoreReporter:
    """A search's `report` callback that writes every episode, step by step, to a store writer.

    The O0/Oz instruction counts of each benchmark come from the (cached) baselines.
    With `observation` (a space's name, the job's `store.observations`), the
    search computes it for every step and each episode's start, and the
    episode row names the space and holds its Minari JSON, so that
    `results export rllib|minari` work on the store.
    """

    def __init__(
        self,
        writer: TrajectoryWriter,
        agent: str,
        params: dict[str, Any],
        checkpoint: str | None = None,
        observation: str | None = None,
    ) -> None:
        self.writer = writer
        self.agent = agent
        self.observation = observation
        self.observation_space_json = observation_space_json(observation) if observation else None
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
        observation = outcome.initial_observation
        for index, step in enumerate(outcome.steps):
            if step.observation is not None or step.error is None:
                observation = step.observation
            # else: the step failed and changed nothing, so its observation is the one before it
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
                    instruction_count=step.instruction_count
                    if step.instruction_count is not None
                    else -1,
                    walltime_s=step.walltime_s,
                    terminated=step.terminated,
                    truncated=step.truncated,
                    error=step.error,
                    observation=observation,
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
                observation_space=outcome.observation_space,
                initial_observation=outcome.initial_observation,
                observation_space_json=self.observation_space_json
                if outcome.observation_space
                else None,
                agent_params=self.params,
                checkpoint=self.checkpoint,
            )
        )
        self.steps += len(outcome.steps)
        self.episodes += 1


def observation_space_json(name: str) -> str:
    """The observation space `name` as Minari's space JSON (what export rebuilds it from)."""
    from minari.serialization import serialize_space

    from cgym_ray.envs.observations import get_observation_spec
    from cgym_ray.envs.spaces import ProgramGraphSpace

    space = get_observation_spec(name).space
    if isinstance(space, ProgramGraphSpace):  # no Minari space: say what the columns hold
        return json.dumps({"type": "ProgramGraph", "columns": "observation_graph"})
    return serialize_space(space)
