"""`EnvPool`: fan search tasks out over env actors, replacing the ones that die.

Built on Ray's own primitives (actors, futures, `ray.wait`). Ray's
`ActorPool` drops a dead actor without replacing it; this pool replaces it,
retries its task on the new actor a bounded number of times, and then reports
the task as errored with its cause. Tasks are handed out largest benchmark
first, one at a time per actor, so a hundredfold spread in program size
still keeps every CPU busy to the end. Stragglers never stall a batch: every
task has a hard deadline, and once a quorum of the batch is done the rest get
a grace period (MLGO's collector rule) before they are killed and reported.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ray
from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError

from cgym_ray.distributed.actor import EnvActor
from cgym_ray.distributed.tasks import EnvConfig, SearchTask, TaskResult

logger = logging.getLogger("cgym_ray.distributed")


@dataclass
class PoolOptions:
    num_actors: int = 2
    cpus_per_actor: float = 1.0
    max_attempts: int = 3  # tries of one task before it is reported as errored
    task_timeout_s: float | None = None  # hard deadline; default: 3 × the task's seconds budget + 120 s
    quorum: float = 0.9  # once this fraction of a batch is done ...
    straggler_grace_s: float = 60.0  # ... the rest get at least this long (or 3 × the p90 so far)


class EnvPool:
    """N actors running `SearchTask`s; `run(tasks)` yields `TaskResult`s as they finish."""

    def __init__(
        self,
        env_config: EnvConfig,
        options: PoolOptions | None = None,
        store_path: str | None = None,
        run_id: str | None = None,
    ) -> None:
        if not ray.is_initialized():
            raise RuntimeError("call ray.init() (or cgym_ray.distributed.init_ray) before making a pool")
        self.env_config = env_config
        self.options = options or PoolOptions()
        self.store_path = store_path
        self.run_id = run_id
        self._serial = 0
        self.actors = [self._new_actor() for _ in range(self.options.num_actors)]
        self.replaced = 0

    def _new_actor(self):
        self._serial += 1
        return EnvActor.options(num_cpus=self.options.cpus_per_actor, max_concurrency=2).remote(
            self.env_config, self.store_path, self.run_id, f"actor-{self._serial}"
        )

    def _deadline(self, task: SearchTask) -> float:
        if self.options.task_timeout_s is not None:
            return self.options.task_timeout_s
        if task.budget_seconds is not None:
            return 3 * task.budget_seconds + 120
        return 3600.0

    def _replace(self, actor) -> object:
        try:
            ray.kill(actor, no_restart=True)
        except Exception:
            pass
        index = self.actors.index(actor)
        self.actors[index] = self._new_actor()
        self.replaced += 1
        return self.actors[index]

    def run(
        self, tasks: Iterable[SearchTask], on_result: Callable[[TaskResult], None] | None = None
    ) -> list[TaskResult]:
        """Run every task; return their results (errored ones included), in completion order."""
        queue = sorted(tasks, key=lambda t: -t.size_hint)
        total = len(queue)
        attempts: dict[str, int] = {}
        inflight: dict[ray.ObjectRef, tuple[SearchTask, object, float]] = {}
        idle = list(self.actors)
        results: list[TaskResult] = []
        durations: list[float] = []

        def finish(result: TaskResult) -> None:
            results.append(result)
            if on_result is not None:
                on_result(result)

        def retry_or_fail(task: SearchTask, cause: str) -> None:
            if attempts[task.task_id] < self.options.max_attempts:
                logger.warning("task %s: %s; retrying on another actor", task.task_id, cause)
                queue.insert(0, task)
            else:
                failed = TaskResult(task, "error", attempts=attempts[task.task_id], error=cause)
                self._record_error(failed)
                finish(failed)

        while queue or inflight:
            while queue and idle:
                task, actor = queue.pop(0), idle.pop()
                attempts[task.task_id] = attempts.get(task.task_id, 0) + 1
                inflight[actor.run_search.remote(task)] = (task, actor, time.monotonic())
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=0.5)
            now = time.monotonic()
            for ref in ready:
                task, actor, started = inflight.pop(ref)
                try:
                    result = ray.get(ref)
                except RayActorError as error:  # the actor died: kill -9, an OOM, a lost node
                    idle.append(self._replace(actor))
                    retry_or_fail(task, f"actor died: {_first_line(error)}")
                    continue
                except RayTaskError as error:  # the search itself raised: retrying won't help
                    idle.append(actor)
                    failed = TaskResult(task, "error", attempts=attempts[task.task_id], error=_first_line(error))
                    self._record_error(failed)
                    finish(failed)
                    continue
                idle.append(actor)
                result.attempts = attempts[task.task_id]
                durations.append(now - started)
                finish(result)
            # Deadlines: a task's own, and the straggler grace once a quorum is done.
            grace = None
            if total and len(results) >= self.options.quorum * total and durations:
                p90 = statistics.quantiles(durations, n=10)[-1] if len(durations) > 1 else durations[0]
                grace = max(self.options.straggler_grace_s, 3 * p90)
            for ref, (task, actor, started) in list(inflight.items()):
                limit = self._deadline(task) if grace is None else min(self._deadline(task), grace)
                if now - started > limit:
                    del inflight[ref]
                    idle.append(self._replace(actor))
                    retry_or_fail(task, f"no result after {now - started:.0f} s (deadline {limit:.0f} s)")
        return results

    def _record_error(self, result: TaskResult) -> None:
        """An errored task still gets an episode row in the store, with its cause."""
        if not (self.store_path and self.run_id):
            return
        from cgym_ray.store import EpisodeRecord, TrajectoryStore, new_id

        writer = TrajectoryStore.open(self.store_path).writer(self.run_id)
        task = result.task
        writer.add_episode(
            EpisodeRecord(
                episode_id=new_id(),
                benchmark=task.benchmark,
                agent=task.agent,
                num_steps=0,
                reward=0.0,
                seed=task.seed,
                status="error",
                error=f"{result.error} (after {result.attempts} attempt(s))",
                agent_params=json.dumps(task.params, sort_keys=True, default=str),
            )
        )
        writer.close()

    def memory(self, proportional: bool = False) -> list[int]:
        """RSS (or, `proportional=True`, PSS) in bytes of each actor with its compiler workers."""
        return ray.get([actor.rss_bytes.remote(proportional) for actor in self.actors])

    def close(self) -> None:
        for actor in self.actors:
            try:
                ray.get(actor.close.remote(), timeout=60)
            except (RayActorError, GetTimeoutError):
                pass
            ray.kill(actor)
        self.actors = []


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        if line.strip() and not line.startswith("Traceback"):
            return line.strip()[:500]
    return type(error).__name__
