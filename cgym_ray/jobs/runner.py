"""Run a search or eval job: benchmarks × agents × seeds fanned out on Ray, into one store."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cgym_ray.distributed import EnvConfig, SearchTask, TaskResult
from cgym_ray.jobs.scaffold import JobRun
from cgym_ray.jobs.schema import SearchJob


def geomean(values: list[float], floor: float = 1e-6) -> float:
    """Geometric mean; rewards at or below zero count as `floor` (they are rare and bad)."""
    if not values:
        return float("nan")
    return math.exp(sum(math.log(max(v, floor)) for v in values) / len(values))


@dataclass
class JobSummary:
    """`steps` and `episodes` are what the store holds for the run; `evaluations` counts every
    compilation the searches spent, including actions tried on copies (greedy, beam)."""

    run_id: str
    store: str
    evaluations: int
    episodes: int
    walltime_s: float
    tasks: int
    errors: int
    steps: int = 0
    task_episodes: int = (
        0  # episodes the ok tasks reported: the store holds no more (no attempt twice)
    )
    benchmarks: dict[str, dict] = field(default_factory=dict)
    agents: dict[str, dict] = field(default_factory=dict)

    @property
    def steps_per_second(self) -> float:
        return self.steps / max(self.walltime_s, 1e-9)

    @property
    def evaluations_per_second(self) -> float:
        return self.evaluations / max(self.walltime_s, 1e-9)

    def to_json(self) -> dict:
        return {
            "run_id": self.run_id,
            "store": self.store,
            "steps": self.steps,
            "episodes": self.episodes,
            "steps_per_second": self.steps_per_second,
            "evaluations": self.evaluations,
            "evaluations_per_second": self.evaluations_per_second,
            "walltime_s": self.walltime_s,
            "tasks": self.tasks,
            "errors": self.errors,
            "task_episodes": self.task_episodes,
            "benchmarks": self.benchmarks,
            "agents": self.agents,
        }

    def table(self) -> str:
        rows = [f"{'benchmark':24s} {'best reward':>11s}  {'agent':14s} commandline"]
        for uri, entry in sorted(self.benchmarks.items()):
            reward = "error" if entry["best_reward"] is None else f"{entry['best_reward']:.4f}"
            commandline = entry["best_commandline"]
            if len(commandline) > 60:
                commandline = commandline[:57] + "..."
            rows.append(
                f"{uri.rsplit('/', 1)[-1]:24s} {reward:>11s}  {entry['best_agent'] or '':14s} {commandline}"
            )
        rows.append("")
        rows.append(
            f"{'agent':14s} {'geomean reward':>14s} {'tasks':>6s} {'errors':>6s} {'steps':>8s}"
        )
        for name, entry in sorted(self.agents.items()):
            rows.append(
                f"{name:14s} {entry['geomean_reward']:>14.4f} {entry['tasks']:>6d} {entry['errors']:>6d} {entry['steps']:>8d}"
            )
        rows.append("")
        rows.append(
            f"{self.tasks} tasks, {self.errors} errors, {self.episodes} episodes, {self.steps} steps "
            f"recorded, {self.evaluations} compilations in {self.walltime_s:.1f} s "
            f"({self.evaluations_per_second:,.0f} compilations/s)"
        )
        rows.append(f"run {self.run_id} in store {self.store}")
        return "\n".join(rows)


def build_tasks(config: SearchJob) -> list[SearchTask]:
    from cgym_ray.datasets import get_benchmark

    tasks = []
    for uri in config.benchmarks.resolve():
        benchmark = get_benchmark(uri)
        # Bitcode size stands in for program size when ordering work (no compile needed).
        size = len(benchmark.bitcode()) if benchmark.source is None or "cgym-suite" in uri else 0
        for agent in config.agents:
            for seed in config.seeds:
                tasks.append(
                    SearchTask(
                        task_id=uuid.uuid4().hex[:10],
                        benchmark=uri,
                        agent=agent.name,
                        seed=seed,
                        budget_steps=config.budget.steps,
                        budget_seconds=config.budget.seconds,
                        params=agent.params,
                        size_hint=size,
                    )
                )
    return tasks


def summarize(
    results: list[TaskResult], run_id: str, store: str, walltime_s: float, episodes: int, steps: int
) -> JobSummary:
    summary = JobSummary(
        run_id,
        store,
        sum(r.steps for r in results),
        episodes,
        walltime_s,
        len(results),
        sum(r.status != "ok" for r in results),
        steps,
    )
    summary.task_episodes = sum(r.episodes for r in results if r.status == "ok")
    by_agent: dict[str, list[TaskResult]] = defaultdict(list)
    for result in results:
        by_agent[result.task.agent].append(result)
        entry = summary.benchmarks.setdefault(
            result.task.benchmark, {"best_reward": None, "best_commandline": "", "best_agent": None}
        )
        # What a task's result line said beside its reward, kept with the run's summary:
        # why a search stopped short (refused bests, a killed attempt) or why it failed.
        said = result.note if result.status == "ok" else result.error
        if said:
            entry.setdefault("notes", []).append(
                {
                    "agent": result.task.agent,
                    "seed": result.task.seed,
                    "status": result.status,
                    "note": said,
                }
            )
        if result.status == "ok" and (
            entry["best_reward"] is None or result.best_reward > entry["best_reward"]
        ):
            entry.update(
                best_reward=result.best_reward,
                best_commandline=result.best_commandline,
                best_agent=result.task.agent,
            )
    for name, agent_results in by_agent.items():
        best: dict[str, float] = {}
        for r in agent_results:
            if r.status == "ok":
                best[r.task.benchmark] = max(
                    best.get(r.task.benchmark, float("-inf")), r.best_reward
                )
        summary.agents[name] = {
            "geomean_reward": geomean(list(best.values())),
            "tasks": len(agent_results),
            "errors": sum(r.status != "ok" for r in agent_results),
            "steps": sum(r.steps for r in agent_results),
        }
    return summary


def run_job(
    config: SearchJob, progress: bool = True, summary_json: str | None = None
) -> JobSummary:
    """Run a search/eval job end to end; print progress and return the summary."""
    job = JobRun.start(
        config.ray, config.store, config=config.model_dump(mode="json"), name=config.name
    )
    tasks = build_tasks(config)
    results, walltime_s = job.run_tasks(
        EnvConfig(config.env.id, config.env.kwargs), tasks, progress
    )
    store, run_id = job.store, job.run_id
    store.refresh()
    episodes = store.episodes(run_id=run_id, columns=["episode_id"]).num_rows
    steps = store.steps(run_id=run_id, columns=["step"]).num_rows
    summary = summarize(results, run_id, str(store.root), walltime_s, episodes, steps)
    job.write_summary(
        summary.to_json(),
        output_dir=Path(config.output.dir or Path("runs") / config.name),
        summary_json=summary_json or config.output.summary_json,
    )
    return summary
