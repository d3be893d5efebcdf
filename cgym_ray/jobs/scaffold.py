"""What every kind of job does around its own work, written once.

    job = JobRun.start(config.ray, config.store, config=config.model_dump(mode="json"), name=config.name)
    results, walltime_s = job.run_tasks(EnvConfig(config.env.id), tasks, progress=True)
    job.write_summary(summary.to_json(), output_dir=Path("runs/quickstart"), summary_json=None)

Start Ray (embedded, or join a cluster), open the store, begin one run in it;
fan tasks out to a pool of env actors with live progress; write the summary
JSON. `run_job` (search/eval), `run_leaderboard_job` and `run_train_job` are
built on it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cgym_ray.distributed import EnvConfig, EnvPool, PoolOptions, SearchTask, TaskResult, init_ray
from cgym_ray.jobs.progress import Progress
from cgym_ray.jobs.schema import RaySection, StoreSection
from cgym_ray.jobs.tracking import run_tracked
from cgym_ray.store import TrajectoryStore


def cluster_cpus() -> int:
    """The CPUs of the Ray instance this process is connected to (at least 1)."""
    import ray

    return max(int(ray.cluster_resources().get("CPU", 1)), 1)


@dataclass
class JobRun:
    """One job's run: Ray is up, `store` is open and `run_id` is begun in it."""

    ray: RaySection
    store: TrajectoryStore
    run_id: str
    observation: str | None = None  # what every recorded step holds (`store.observations`)

    @classmethod
    def start(
        cls,
        ray: RaySection,
        store: StoreSection,
        *,
        config: dict[str, Any],
        name: str,
        runtime_env: dict[str, Any] | None = None,
    ) -> JobRun:
        """Start or join Ray, open the store and begin a run recording `config` as `name`.

        runtime_env: default `ray.runtime_env` (a leaderboard job adds its remote datasets' cache).
        """
        runtime_env = ray.runtime_env if runtime_env is None else runtime_env
        init_ray(address=ray.address, num_cpus=ray.num_cpus, runtime_env=runtime_env or None)
        opened = TrajectoryStore.open(store.path)
        return cls(ray, opened, opened.begin_run(config=config, name=name), store.observation)

    def pool_options(self, num_tasks: int, **options: Any) -> PoolOptions:
        """`ray.num_actors` actors (default: as many as the cluster's CPUs hold), at most one a task."""
        num_actors = self.ray.num_actors or max(int(cluster_cpus() // self.ray.cpus_per_actor), 1)
        return PoolOptions(
            num_actors=max(min(num_actors, num_tasks), 1),
            cpus_per_actor=self.ray.cpus_per_actor,
            max_attempts=self.ray.max_attempts,
            **options,
        )

    def run_tasks(
        self, env: EnvConfig, tasks: Sequence[SearchTask], progress: bool, **options: Any
    ) -> tuple[list[TaskResult], float]:
        """Run `tasks` on a pool of env actors recording into this run; results and walltime.

        The run's status is kept in the store (`run_tracked`): finished, or interrupted and why.

        options: more `PoolOptions` fields (timeouts).
        """
        tracker = Progress(len(tasks)) if progress else None
        started = time.monotonic()
        pool = EnvPool(
            env,
            self.pool_options(len(tasks), **options),
            str(self.store.root),
            self.run_id,
            observation=self.observation,
        )
        try:
            results = run_tracked(
                pool,
                list(tasks),
                str(self.store.root),
                self.run_id,
                tracker.update if tracker else None,
            )
        finally:
            pool.close()
        return results, time.monotonic() - started

    def write_summary(
        self, summary: dict[str, Any], *, output_dir: Path | None, summary_json: str | None
    ) -> None:
        """`summary` as JSON: `output_dir/summary.json` (if given) and `summary_json` (if given)."""
        text = json.dumps(summary, indent=1)
        if output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            (output_dir / "summary.json").write_text(text)
        if summary_json:
            Path(summary_json).parent.mkdir(parents=True, exist_ok=True)
            Path(summary_json).write_text(text)
