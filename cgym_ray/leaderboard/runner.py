"""Evaluate an agent on a leaderboard task and write a submission directory.

Every benchmark of the task is searched `runs_per_benchmark` times (seeds
seed, seed+1, ...) on Ray; each run is timed where it runs. The submission
holds the best state of each run (results.csv), every episode the store
recorded (results.parquet), where and how it ran (metadata.json) and a
write-up to fill in (SUBMISSION.md).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.agents import PIPELINE_AGENTS
from cgym_ray.distributed import EnvConfig, SearchTask, TaskResult
from cgym_ray.jobs.scaffold import JobRun
from cgym_ray.jobs.schema import BudgetSection
from cgym_ray.leaderboard.config import LeaderboardJob
from cgym_ray.leaderboard.errors import LeaderboardError
from cgym_ray.leaderboard.metrics import (
    BenchmarkScore,
    Scores,
    final_instruction_count,
    reference_instruction_counts,
    score,
)
from cgym_ray.leaderboard.submission import (
    METADATA_JSON,
    RESULTS_CSV,
    RESULTS_PARQUET,
    WRITEUP_MD,
    ResultRow,
    write_results_csv,
)
from cgym_ray.leaderboard.tasks import LeaderboardTask, load_task

STRAGGLER_SLACK_S = 60.0  # a run is killed this long after the task's walltime limit


@dataclass
class EvalSummary:
    directory: Path
    task: str
    agent: str
    rows: list[ResultRow]
    errors: int
    walltime_s: float
    scores: Scores
    failed: list[str] = field(default_factory=list)

    def table(self) -> str:
        lines = [f"{'benchmark':28s} {'reward':>8s} {'walltime':>9s}  commandline"]
        for row in self.rows:
            commandline = (
                row.commandline if len(row.commandline) <= 50 else row.commandline[:47] + "..."
            )
            lines.append(
                f"{row.benchmark.rsplit('/', 1)[-1]:28s} {row.reward:>8.4f} "
                f"{row.walltime_s:>8.1f}s  {commandline}"
            )
        lines += [f"error: {message}" for message in self.failed]
        s = self.scores
        lines.append("")
        ratio = "n/a" if s.geomean_oz_over_final is None else f"{s.geomean_oz_over_final:.4f}x"
        percent = "n/a" if s.mean_pct_removed_vs_oz is None else f"{s.mean_pct_removed_vs_oz:+.2f}%"
        lines.append(
            f"{self.task} / {self.agent}: geomean reward {s.geomean_reward:.4f}, Oz/final {ratio}, "
            f"vs Oz {percent}, mean walltime {s.mean_walltime_s:.1f} s; {len(self.rows)} runs, "
            f"{self.errors} errors, {self.walltime_s:.0f} s"
        )
        lines.append(
            f"submission written to {self.directory}; check it with "
            f"`cgym-ray leaderboard validate {self.directory}`"
        )
        return "\n".join(lines)


def resolve_budget(config: LeaderboardJob, task: LeaderboardTask) -> BudgetSection:
    budget = config.budget or BudgetSection(seconds=task.walltime_limit_s / 2)
    if budget.seconds is not None and budget.seconds > task.walltime_limit_s:
        raise LeaderboardError(
            f"budget.seconds={budget.seconds:g} is more than {task.name}'s walltime limit of "
            f"{task.walltime_limit_s:g} s a run"
        )
    return budget


def build_tasks(
    config: LeaderboardJob, task: LeaderboardTask, budget: BudgetSection
) -> list[SearchTask]:
    return [
        SearchTask(
            task_id=f"{index:04d}-{run}-{uuid.uuid4().hex[:6]}",
            benchmark=uri,
            agent=config.agent.name,
            seed=config.seed + run,
            budget_steps=budget.steps,
            budget_seconds=budget.seconds,
            params=config.agent.params,
            size_hint=-index,  # keep the task's order
        )
        for index, uri in enumerate(task.benchmark_uris())
        for run in range(task.runs_per_benchmark)
    ]


def environment_metadata() -> dict[str, Any]:
    """The machine a submission ran on."""
    import ray

    import cgym_ray

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "package_version": cgym_ray.__version__,
        "python_version": platform.python_version(),
        "ray_version": ray.__version__,
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "host": platform.node(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def scores_of(rows: list[ResultRow], backend: str) -> tuple[Scores, list[BenchmarkScore]]:
    """Per-benchmark means over runs, with instruction counts from the (cached) baselines."""
    by_benchmark: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        by_benchmark[row.benchmark].append(row)
    per_benchmark = []
    for uri, runs in by_benchmark.items():
        o0, oz = reference_instruction_counts(uri, backend)
        finals = [final_instruction_count(r.reward, o0, oz) for r in runs] if oz is not None else []
        per_benchmark.append(
            BenchmarkScore(
                benchmark=uri,
                reward=sum(r.reward for r in runs) / len(runs),
                walltime_s=sum(r.walltime_s for r in runs) / len(runs),
                instruction_count_o0=o0,
                instruction_count_oz=oz,
                instruction_count_final=sum(finals) / len(finals) if finals else None,
            )
        )
    return score(per_benchmark), per_benchmark


def run_leaderboard_job(
    config: LeaderboardJob, progress: bool = True, summary_json: str | None = None
) -> EvalSummary:
    """Run the evaluation on Ray and write the submission directory."""
    import pyarrow.parquet as pq

    from cgym_ray.datasets import require
    from cgym_ray.datasets.remote import ray_runtime_env
    from cgym_ray.envs.llvm_env import LlvmEnv

    task = load_task(config.task)
    budget = resolve_budget(config, task)
    for spec in task.remote_datasets:
        require(spec.name)  # once, here, with the progress bar; workers find it installed
    env_kwargs = task.env_kwargs()
    probe = LlvmEnv(**env_kwargs)  # the versions every worker will run with
    versions = {
        "backend": probe.backend,
        "llvm_version": probe.llvm_version,
        "actions_version": probe.action_space.version,
    }
    probe.close()
    if config.agent.name in PIPELINE_AGENTS:  # its states are pipeline texts, not pass lists
        from cgym_ray.llvm.pipelines.edits import EDITS_VERSION

        versions["actions_version"] = EDITS_VERSION

    job = JobRun.start(
        config.ray,
        config.store,
        config=config.model_dump(mode="json"),
        name=f"leaderboard-{task.name}-{config.name}",
        runtime_env={**ray_runtime_env(), **config.ray.runtime_env},
    )
    store, run_id = job.store, job.run_id
    tasks = build_tasks(config, task, budget)
    results, walltime_s = job.run_tasks(
        EnvConfig(task.env.id, env_kwargs),
        tasks,
        progress,
        task_timeout_s=task.walltime_limit_s + STRAGGLER_SLACK_S,
        straggler_grace_s=task.walltime_limit_s + STRAGGLER_SLACK_S,
    )

    order = {t.task_id: i for i, t in enumerate(tasks)}
    results.sort(key=lambda r: order[r.task.task_id])
    rows = [_row(r) for r in results if r.status == "ok"]
    failed = [
        f"{r.task.benchmark} (seed {r.task.seed}): {r.error}" for r in results if r.status != "ok"
    ]
    scores, per_benchmark = scores_of(rows, versions["backend"])

    directory = Path(
        config.output.dir or Path("results/leaderboard/submissions") / f"{task.name}-{config.name}"
    )
    directory.mkdir(parents=True, exist_ok=True)
    write_results_csv(rows, directory / RESULTS_CSV)
    store.refresh()
    pq.write_table(store.episodes(run_id=run_id), directory / RESULTS_PARQUET)
    metadata = {
        "name": config.name,
        "task": task.name,
        "agent": config.agent.name,
        "params": config.agent.params,
        "budget": budget.model_dump(),
        "seed": config.seed,
        "runs_per_benchmark": task.runs_per_benchmark,
        "description": config.description,
        "env_id": task.env.id,
        "reward_space": task.reward_space,
        **versions,
        **environment_metadata(),
        "run_id": run_id,
        "eval_walltime_s": round(walltime_s, 3),
        "errors": len(failed),
        "claimed": scores.to_json(),
    }
    (directory / METADATA_JSON).write_text(json.dumps(metadata, indent=1, default=str) + "\n")
    writeup = directory / WRITEUP_MD
    if not writeup.exists():  # the author's text is never overwritten
        writeup.write_text(writeup_template(metadata, per_benchmark, scores))
    summary = EvalSummary(
        directory, task.name, config.agent.name, rows, len(failed), walltime_s, scores, failed
    )
    job.write_summary(
        {"directory": str(directory), "errors": len(failed), "scores": scores.to_json()},
        output_dir=None,
        summary_json=summary_json or config.output.summary_json,
    )
    return summary


def _row(result: TaskResult) -> ResultRow:
    return ResultRow(
        result.task.benchmark,
        float(result.best_reward or 0.0),
        result.walltime_s,
        result.best_commandline,
    )


def writeup_template(
    metadata: dict[str, Any], per_benchmark: list[BenchmarkScore], scores: Scores
) -> str:
    params = json.dumps(metadata["params"], sort_keys=True)
    budget = ", ".join(f"{k} {v}" for k, v in metadata["budget"].items() if v is not None)
    lines = [
        f"# {metadata['agent']} on {metadata['task']}",
        "",
        "<!-- A write-up template: replace the parts in angle brackets. -->",
        "",
        "## Technique",
        "",
        f"Agent `{metadata['agent']}` with parameters `{params}`, budget per run: {budget}.",
        "<describe the technique; link the paper or code; say what it was trained or tuned on>",
        "",
        "## Reproduce",
        "",
        "```",
        f"cgym-ray leaderboard eval --task {metadata['task']} --agent {metadata['agent']}"
        + "".join(f" --param {k}={json.dumps(v)}" for k, v in sorted(metadata["params"].items()))
        + "".join(f" --budget-{k} {v:g}" for k, v in metadata["budget"].items() if v is not None)
        + f" --seed {metadata['seed']}",
        "cgym-ray leaderboard validate <this directory>",
        "```",
        "",
        "## Results (as evaluated; validation replays them)",
        "",
        f"LLVM {metadata['llvm_version']} ({metadata['backend']}), {metadata['cpu']} "
        f"× {metadata['cpu_count']}, {metadata['date']}.",
        "",
        "| benchmark | reward | Oz/final | walltime (s) |",
        "|---|---:|---:|---:|",
    ]
    for entry in per_benchmark:
        ratio = "n/a" if entry.oz_over_final is None else f"{entry.oz_over_final:.3f}"
        lines.append(
            f"| {entry.benchmark} | {entry.reward:.4f} | {ratio} | {entry.walltime_s:.1f} |"
        )
    ratio = "n/a" if scores.geomean_oz_over_final is None else f"{scores.geomean_oz_over_final:.4f}"
    lines += [
        f"| **geomean** | **{scores.geomean_reward:.4f}** | **{ratio}** "
        f"| {scores.mean_walltime_s:.1f} (mean) |",
        "",
    ]
    return "\n".join(lines)
