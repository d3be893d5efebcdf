"""Evaluate a trained policy on benchmark splits; every episode goes to the store.

One Ray task per (split, benchmark, seed, mode): the policy alone (agent
"<algo>", e.g. "ppo") and, if configured, the policy guiding a search (agent
"<algo>+guided"). Tasks return the episodes they played; the driver writes them
with the checkpoint, seed and parameters, so the store says which policy acted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cgym_ray.search.common import Budget, EpisodeCollector, EpisodeOutcome


@dataclass(frozen=True)
class EvalTask:
    split: str
    benchmark: str
    seed: int
    agent: str  # the name the store records, e.g. "ppo" or "ppo+guided"
    guided: bool
    budget_steps: int | None
    budget_seconds: float | None
    temperature: float = 1.0


@dataclass
class EvalResult:
    task: EvalTask
    best_reward: float | None  # the best prefix; None if the task failed
    final_reward: float | None  # the last reward of the first (greedy policy) episode
    # Why that episode's final program misbehaves (`SearchRun.check_final`), if it does.
    final_misbehaves: str | None = None
    best_commandline: str = ""
    steps: int = 0
    walltime_s: float = 0.0
    error: str | None = None
    episodes: list[EpisodeOutcome] = field(default_factory=list)


def run_eval_task(
    task: EvalTask,
    checkpoint: str,
    env_id: str,
    env_kwargs: dict[str, Any],
    observation: str | None = None,
) -> EvalResult:
    """Play one evaluation task in this process (a Ray task in `evaluate_policy`).

    With `observation`, every step of its episodes holds that observation.
    """
    import gymnasium as gym

    import cgym_ray  # noqa: F401
    from cgym_ray.rl.agents import policy_agent
    from cgym_ray.rl.policy import load_policy

    episodes = EpisodeCollector(observation)
    raw_observation = load_policy(checkpoint).spec.raw_observation

    def make_env():
        return gym.make(
            env_id, observation_space=raw_observation, disable_env_checker=True, **env_kwargs
        )

    try:
        result = policy_agent(
            make_env,
            task.benchmark,
            Budget(task.budget_steps, task.budget_seconds),
            task.seed,
            report=episodes,
            checkpoint=checkpoint,
            guided=task.guided,
            temperature=task.temperature,
        )
    except Exception as error:  # one broken benchmark must not lose the others' results
        return EvalResult(
            task, None, None, error=f"{type(error).__name__}: {error}", episodes=list(episodes)
        )
    first = episodes[0] if episodes else None
    return EvalResult(
        task,
        best_reward=result.best_reward,
        final_reward=sum(s.reward for s in first.steps) if first else None,
        final_misbehaves=first.error if first and first.status == "misbehaves" else None,
        best_commandline=result.best_state.commandline,
        steps=result.steps,
        walltime_s=result.walltime_s,
        episodes=list(episodes),
    )


def evaluate_policy(
    tasks: list[EvalTask],
    checkpoint: str,
    env_id: str,
    env_kwargs: dict[str, Any],
    writer: Any,
    num_workers: int,
    on_result: Any = None,
    observation: str | None = None,
) -> list[EvalResult]:
    """Run the tasks on Ray (at most `num_workers` at once); record every episode with `writer`.

    `observation` (the job's `store.observations`) is recorded with every step.
    """
    import ray

    from cgym_ray.distributed.recording import StoreReporter

    remote = ray.remote(num_cpus=1, max_retries=1)(run_eval_task)
    reporters: dict[str, StoreReporter] = {}
    pending = list(tasks)
    running: dict[Any, EvalTask] = {}
    results: list[EvalResult] = []
    while pending or running:
        while pending and len(running) < num_workers:
            task = pending.pop(0)
            running[remote.remote(task, checkpoint, env_id, env_kwargs, observation)] = task
        done, _ = ray.wait(list(running), num_returns=1)
        task = running.pop(done[0])
        try:
            result = ray.get(done[0])
        except Exception as error:  # the task's process died: record the loss, go on
            result = EvalResult(task, None, None, error=f"{type(error).__name__}: {error}")
        if task.agent not in reporters:
            params = {
                "guided": task.guided,
                "temperature": task.temperature,
                "budget_steps": task.budget_steps,
                "budget_seconds": task.budget_seconds,
            }
            reporters[task.agent] = StoreReporter(
                writer, task.agent, params, checkpoint=checkpoint, observation=observation
            )
        for episode in result.episodes:
            reporters[task.agent](episode)
        result.episodes = []
        results.append(result)
        if on_result is not None:
            on_result(result)
    writer.flush()
    return results
