"""`EnvPool`: fan search tasks out over env actors, replacing the ones that die.

Built on Ray's own primitives (actors, futures, `ray.wait`). Ray's
`ActorPool` drops a dead actor without replacing it; this pool replaces it and
retries its task a bounded number of times, then reports the task as errored
with its cause. Tasks are handed out largest benchmark first, one at a time per
actor, so a hundredfold spread in program size still keeps every CPU busy to
the end. Stragglers never stall a batch: every task has a hard deadline, and
once a quorum of the batch is done the rest get a grace period (MLGO's
collector rule) before they are killed and reported.

Lost nodes. A task whose actor died is retried at once on an actor that is
alive and idle. The replacement is created without waiting for it: it joins
the pool only when it answers a ping, i.e. once Ray has placed it (a cluster
that lost a node may have nowhere to put it). Before a retry, the dead actor's
store writer is recovered: if the killed attempt had already committed
finished episodes of the task, those are the task's result and there is no
retry, so a task never has two attempts' episodes in the store.
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
from cgym_ray.distributed.tasks import EnvConfig, SearchTask, TaskResult, failed_task, strip_ansi

logger = logging.getLogger("cgym_ray.distributed")


@dataclass
class PoolOptions:
    num_actors: int = 2
    cpus_per_actor: float = 1.0
    max_attempts: int = 3  # attempts of one task that ran, before it is reported as errored
    task_timeout_s: float | None = (
        None  # hard deadline; default: 3 × the task's seconds budget + 120 s
    )
    quorum: float = 0.9  # once this fraction of a batch is done ...
    straggler_grace_s: float = 60.0  # ... the rest get at least this long (or 3 × the p90 so far)
    placement_timeout_s: float = 600.0  # with no actor alive, how long to wait for one to be placed


@dataclass
class _Member:
    """An actor of the pool and what its ping said (its store writer, to recover if it dies)."""

    handle: object
    name: str
    writer_id: str | None = None


@dataclass
class _Attempt:
    task: SearchTask
    member: _Member
    started: float
    killed_because: str | None = None  # set when the pool killed it (deadline)


class EnvPool:
    """N actors running `SearchTask`s; `run(tasks)` yields `TaskResult`s as they finish."""

    def __init__(
        self,
        env_config: EnvConfig,
        options: PoolOptions | None = None,
        store_path: str | None = None,
        run_id: str | None = None,
        observation: str | None = None,
    ) -> None:
        if not ray.is_initialized():
            raise RuntimeError(
                "call ray.init() (or cgym_ray.distributed.init_ray) before making a pool"
            )
        self.env_config = env_config
        self.options = options or PoolOptions()
        self.store_path = store_path
        self.run_id = run_id
        self.observation = observation  # recorded with every step (see StoreReporter)
        self._serial = 0
        self.replaced = 0
        self._starting: dict[ray.ObjectRef, _Member] = {}  # created, not yet answered a ping
        self._ready: list[_Member] = []  # placed and idle
        self._busy: list[_Member] = []
        self._start_failures = 0
        self._last_start_error = ""
        for _ in range(self.options.num_actors):
            self._start_actor()

    @property
    def actors(self) -> list:
        """Every actor handle of the pool, placed or still starting."""
        members = [*self._ready, *self._busy, *self._starting.values()]
        return [member.handle for member in members]

    def _start_actor(self) -> None:
        self._serial += 1
        name = f"actor-{self._serial}"
        handle = EnvActor.options(num_cpus=self.options.cpus_per_actor, max_concurrency=2).remote(
            self.env_config, self.store_path, self.run_id, name, self.observation
        )
        self._starting[handle.ping.remote()] = _Member(handle, name)

    def _admit_started(self, timeout: float) -> None:
        """Move actors that answered their ping to the idle list; replace those that failed."""
        if not self._starting:
            return
        ready, _ = ray.wait(list(self._starting), num_returns=len(self._starting), timeout=timeout)
        for ref in ready:
            member = self._starting.pop(ref)
            try:
                info = ray.get(ref)
            except RayActorError as error:  # its constructor raised, or its node went away
                self._start_failures += 1
                self._last_start_error = _actor_error_text(error)
                logger.warning("%s could not start: %s", member.name, self._last_start_error)
                if self._start_failures <= self.options.num_actors + self.options.max_attempts:
                    self._start_actor()
                continue
            member.writer_id = info.get("writer_id")
            self._ready.append(member)

    def _retire(self, member: _Member) -> None:
        """Kill an actor (it may be gone already) and start its replacement without waiting."""
        try:
            ray.kill(member.handle, no_restart=True)
        except Exception:
            pass
        if member in self._busy:
            self._busy.remove(member)
        self.replaced += 1
        self._start_actor()

    def _deadline(self, task: SearchTask) -> float:
        if self.options.task_timeout_s is not None:
            return self.options.task_timeout_s
        if task.budget_seconds is not None:
            return 3 * task.budget_seconds + 120
        return 3600.0

    def run(
        self, tasks: Iterable[SearchTask], on_result: Callable[[TaskResult], None] | None = None
    ) -> list[TaskResult]:
        """Run every task; return their results (errored ones included), in completion order."""
        queue = sorted(tasks, key=lambda t: -t.size_hint)
        total = len(queue)
        attempts: dict[str, int] = {}
        inflight: dict[ray.ObjectRef, _Attempt] = {}
        results: list[TaskResult] = []
        durations: list[float] = []
        no_actor_since: float | None = None

        def finish(result: TaskResult) -> None:
            if result.status != "ok":
                self._record_error(result)
            results.append(result)
            if on_result is not None:
                on_result(result)

        def lost(attempt: _Attempt, cause: str) -> None:
            """The attempt's actor is gone: keep what it committed, or retry, or give up."""
            task = attempt.task
            self._retire(attempt.member)
            kept = self._committed_result(task, attempt.member, cause)
            if kept is not None:
                kept.attempts = attempts[task.task_id]
                finish(kept)
            elif attempts[task.task_id] < self.options.max_attempts:
                logger.warning("task %s: %s; retrying on another actor", task.task_id, cause)
                queue.insert(0, task)
            else:
                finish(TaskResult(task, "error", attempts=attempts[task.task_id], error=cause))

        while queue or inflight:
            self._admit_started(timeout=0)
            while queue and self._ready:
                task, member = queue.pop(0), self._ready.pop()
                self._busy.append(member)
                attempts[task.task_id] = attempts.get(task.task_id, 0) + 1
                inflight[member.handle.run_search.remote(task)] = _Attempt(
                    task, member, time.monotonic()
                )
            if queue and not inflight and not self._ready:
                no_actor_since = no_actor_since or time.monotonic()
                if (
                    not self._starting
                    or time.monotonic() - no_actor_since > self.options.placement_timeout_s
                ):
                    cause = self._last_start_error or (
                        f"no actor could be placed in {self.options.placement_timeout_s:.0f} s"
                    )
                    for task in queue:
                        finish(
                            TaskResult(
                                task,
                                "error",
                                attempts=attempts.get(task.task_id, 0),
                                error=f"no actor to run it: {cause}",
                            )
                        )
                    queue.clear()
                    break
                self._admit_started(timeout=0.5)
                continue
            no_actor_since = None
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=0.5)
            now = time.monotonic()
            for ref in ready:
                attempt = inflight.pop(ref)
                task = attempt.task
                try:
                    result = ray.get(ref)
                except RayActorError as error:  # the actor died: kill -9, an OOM, a lost node
                    lost(
                        attempt, attempt.killed_because or f"actor died: {_actor_error_text(error)}"
                    )
                    continue
                except RayTaskError as error:  # raised outside the search (the actor reports those)
                    result = failed_task(task, error.cause if error.cause is not None else error)
                self._busy.remove(attempt.member)
                self._ready.append(attempt.member)
                result.attempts = attempts[task.task_id]
                if result.status == "ok":
                    durations.append(now - attempt.started)
                finish(result)
            # Deadlines: a task's own, and the straggler grace once a quorum is done.
            grace = None
            if total and len(results) >= self.options.quorum * total and durations:
                p90 = (
                    statistics.quantiles(durations, n=10)[-1]
                    if len(durations) > 1
                    else durations[0]
                )
                grace = max(self.options.straggler_grace_s, 3 * p90)
            for attempt in inflight.values():
                limit = (
                    self._deadline(attempt.task)
                    if grace is None
                    else min(self._deadline(attempt.task), grace)
                )
                if attempt.killed_because is None and now - attempt.started > limit:
                    # Its result arrives as the actor's death, once the kill has taken effect.
                    attempt.killed_because = (
                        f"no result after {now - attempt.started:.0f} s (deadline {limit:.0f} s)"
                    )
                    ray.kill(attempt.member.handle, no_restart=True)
        return results

    def _committed_result(self, task: SearchTask, member: _Member, cause: str) -> TaskResult | None:
        """The killed attempt's finished episodes of `task`, if its writer had committed any."""
        if not (self.store_path and self.run_id and member.writer_id):
            return None
        from cgym_ray.store import TrajectoryStore

        store = TrajectoryStore.open(self.store_path, known_dead=[member.writer_id])
        episodes = store.episodes(
            run_id=self.run_id,
            benchmark=task.benchmark,
            agent=task.agent,
            status="ok",
            columns=["seed", "reward", "commandline", "num_steps", "agent_params"],
        ).to_pylist()
        params = _params_json(task.params)
        episodes = [e for e in episodes if e["seed"] == task.seed and e["agent_params"] == params]
        if not episodes:
            return None
        best = max(episodes, key=lambda e: e["reward"])
        logger.warning(
            "task %s: %s; keeping the %d episode(s) it had committed",
            task.task_id,
            cause,
            len(episodes),
        )
        return TaskResult(
            task,
            "ok",
            best_reward=best["reward"],
            best_commandline=best["commandline"] or "",
            steps=sum(e["num_steps"] for e in episodes),
            episodes=len(episodes),
            actor=member.name,
            note=f"{cause}; kept the {len(episodes)} episode(s) it had committed",
        )

    def _record_error(self, result: TaskResult) -> None:
        """An errored task still gets an episode row in the store, with its cause and traceback."""
        if not (self.store_path and self.run_id):
            return
        from cgym_ray.store import EpisodeRecord, TrajectoryStore, new_id

        writer = TrajectoryStore.open(self.store_path).writer(self.run_id)
        task = result.task
        error = f"{result.error} (after {result.attempts} attempt(s))"
        if result.traceback:
            error += "\n\n" + result.traceback
        writer.add_episode(
            EpisodeRecord(
                episode_id=new_id(),
                benchmark=task.benchmark,
                agent=task.agent,
                num_steps=0,
                reward=0.0,
                seed=task.seed,
                status="error",
                error=error,
                agent_params=_params_json(task.params),
            )
        )
        writer.close()

    def memory(self, proportional: bool = False) -> list[int]:
        """RSS (or, `proportional=True`, PSS) in bytes of each placed actor with its compiler workers."""
        self._admit_started(timeout=60)
        return ray.get([member.handle.rss_bytes.remote(proportional) for member in self._ready])

    def close(self) -> None:
        for handle in self.actors:
            try:
                ray.get(
                    handle.close.remote(), timeout=60 if handle in self._placed_handles() else 1
                )
            except (RayActorError, GetTimeoutError):
                pass
            ray.kill(handle)
        self._starting.clear()
        self._ready.clear()
        self._busy.clear()

    def _placed_handles(self) -> list:
        return [member.handle for member in (*self._ready, *self._busy)]


def _params_json(params: dict) -> str:
    """Agent parameters as the store records them (`EpisodeRecord.agent_params`)."""
    return json.dumps(params, sort_keys=True, default=str)


def _actor_error_text(error: Exception) -> str:
    """One line for an actor's death: Ray's message without its colours and tracebacks."""
    text = strip_ansi(str(error)).strip()
    for line in text.splitlines():
        if line.strip() and not line.startswith("Traceback"):
            return line.strip()[:500]
    return type(error).__name__
