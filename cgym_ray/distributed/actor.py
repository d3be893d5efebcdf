"""`EnvActor`: a Ray actor that hosts environments and runs searches on them.

An actor owns its environments, their compiler worker processes, and one
trajectory-store writer with its own files (see `cgym_ray.store`). A compiler
abort inside a step ends that episode only (the env's worker process dies,
the actor lives); killing the actor itself is handled by the pool.

An actor whose Ray head is gone (its GCS unreachable for `HEAD_LOST_AFTER_S`)
commits what it has and exits, rather than searching on for a run that is
over until Ray's own timeout (about a minute) stops it.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from typing import Any

import ray

from cgym_ray.distributed.recording import StoreReporter
from cgym_ray.distributed.tasks import EnvConfig, SearchTask, TaskResult, failed_task

HEAD_LOST_AFTER_S = 5.0  # GCS unreachable this long: the head is gone


def process_tree_rss_bytes(pid: int | None = None, proportional: bool = False) -> int:
    """Resident memory of a process and its children (its compiler workers).

    Forked workers share pages with their template, so RSS summed over the
    tree counts those pages once per process; `proportional=True` sums PSS
    instead (shared pages split between their users), which reads every
    mapping of every process and is slower.
    """
    import psutil

    def size(process: psutil.Process) -> int:
        return process.memory_full_info().pss if proportional else process.memory_info().rss

    process = psutil.Process(pid or os.getpid())
    total = size(process)
    for child in process.children(recursive=True):
        try:
            total += size(child)
        except psutil.Error:
            pass
    return total


class EnvActorImpl:
    """The actor's body, usable without Ray (tests, one-process runs)."""

    def __init__(
        self,
        env_config: EnvConfig,
        store_path: str | None,
        run_id: str | None,
        name: str = "",
        observation: str | None = None,
    ) -> None:
        self.env_config = env_config
        self.name = name or f"actor-{os.getpid()}"
        self.observation = (
            observation  # what every recorded step holds (the job's store.observations)
        )
        self.writer = None
        if store_path and run_id:
            from cgym_ray.store import TrajectoryStore

            self.writer = TrajectoryStore.open(store_path).writer(run_id)
        self.envs: list[Any] = []
        if ray.is_initialized():
            watch_head(ray.get_runtime_context().gcs_address, self._head_lost)

    def ping(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pid": os.getpid(),
            "node": ray.get_runtime_context().get_node_id() if ray.is_initialized() else "",
            "writer_id": self.writer.writer_id if self.writer is not None else None,
        }

    def _head_lost(self, address: str) -> None:
        print(
            f"cgym-ray: {self.name}: the Ray head at {address} is unreachable; committing what "
            "this actor recorded and stopping",
            file=sys.stderr,
            flush=True,
        )
        try:
            self.close()
        finally:
            os._exit(1)

    def _make_env(self):
        env = self.env_config.make()
        self.envs.append(env)
        return env

    def run_search(self, task: SearchTask) -> TaskResult:
        """Run one search task; every episode it plays goes to the store."""
        from cgym_ray.agents import load_agent
        from cgym_ray.search.common import Budget, behaviour_note

        started = time.monotonic()
        reporter = None
        if self.writer is not None:
            reporter = StoreReporter(
                self.writer,
                task.agent,
                task.params,
                checkpoint=task.params.get("checkpoint"),
                observation=self.observation,
            )

        def make_env():
            return self._make_env()

        try:
            agent = load_agent(task.agent)
            result = agent(
                make_env,
                task.benchmark,
                Budget(steps=task.budget_steps, seconds=task.budget_seconds),
                task.seed,
                report=reporter,
                **task.params,
            )
        except (
            Exception
        ) as error:  # the search raised: report the real exception, not Ray's wrapper
            if self.writer is not None:
                self.writer.flush()
            failed = failed_task(task, error, actor=self.name)
            failed.walltime_s = time.monotonic() - started
            return failed
        finally:
            for env in self.envs:
                env.close()
            self.envs.clear()
        if self.writer is not None:
            self.writer.flush()
        return TaskResult(
            task=task,
            status="ok",
            best_reward=result.best_reward,
            best_commandline=result.best_state.commandline,
            steps=result.steps,
            episodes=result.episodes,
            walltime_s=time.monotonic() - started,
            actor=self.name,
            note=behaviour_note(result.params),
        )

    def step_batch(self, benchmark: str, actions: list[int]) -> dict[str, Any]:
        """Play `actions` on a fresh episode of `benchmark`; return rewards and the final state."""
        env = self._make_env()
        try:
            env.reset(options={"benchmark": benchmark})
            rewards = []
            for action in actions:
                _, reward, terminated, _, info = env.step(action)
                rewards.append(reward)
                if terminated:
                    return {"rewards": rewards, "state": env.state, "error": info.get("error")}
            return {"rewards": rewards, "state": env.state, "error": None}
        finally:
            env.close()
            self.envs.remove(env)

    def rss_bytes(self, proportional: bool = False) -> int:
        return process_tree_rss_bytes(proportional=proportional)

    def flush(self) -> None:
        if self.writer is not None:
            self.writer.flush()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def watch_head(address: str, on_lost, period_s: float = 1.0) -> threading.Event:
    """Call `on_lost(address)` once the GCS at `host:port` refuses connections for `HEAD_LOST_AFTER_S`.

    A TCP connect is all it takes: no Ray call, which would itself block while
    the head is away. Set the returned event to stop watching.
    """
    stop = threading.Event()
    host, _, port = (address or "").rpartition(":")
    if not host or not port.isdigit():
        return stop

    def watch() -> None:
        unreachable_since = None
        while not stop.wait(period_s):
            try:
                socket.create_connection((host, int(port)), timeout=period_s).close()
                unreachable_since = None
            except OSError:
                unreachable_since = unreachable_since or time.monotonic()
                if time.monotonic() - unreachable_since >= HEAD_LOST_AFTER_S and not stop.is_set():
                    on_lost(address)
                    return

    threading.Thread(target=watch, name="cgym-head-watch", daemon=True).start()
    return stop


EnvActor = ray.remote(EnvActorImpl)
