"""The unit of work the pool hands out: one search on one benchmark with one seed."""

from __future__ import annotations

import re
import traceback as tracebacks
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EnvConfig:
    """How an actor builds its environments: a registered id and its keyword arguments."""

    env_id: str = "llvm-ic-v0"
    kwargs: dict[str, Any] = field(default_factory=dict)

    def make(self):
        import gymnasium as gym

        import cgym_ray  # noqa: F401  (registers the ids in this process)

        return gym.make(self.env_id, **self.kwargs).unwrapped


@dataclass(frozen=True)
class SearchTask:
    """Run `agent` with `params` on `benchmark` under `budget_steps`/`budget_seconds`."""

    task_id: str
    benchmark: str
    agent: str
    seed: int
    budget_steps: int | None = None
    budget_seconds: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    size_hint: int = 0  # O0 instructions, to schedule the largest first


@dataclass
class TaskResult:
    """What came back for a task: its best result, or the error after all retries."""

    task: SearchTask
    status: str  # "ok" or "error"
    best_reward: float | None = None
    best_commandline: str = ""
    steps: int = 0
    episodes: int = 0
    walltime_s: float = 0.0
    attempts: int = 1  # attempts that ran (on an actor that was placed)
    error: str | None = None  # one line: the exception's type and message, with task and agent
    actor: str = ""
    traceback: str | None = None  # of the exception, as raised in the actor
    note: str | None = None  # e.g. why the result is what a killed attempt had committed


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def failed_task(task: SearchTask, error: BaseException, actor: str = "") -> TaskResult:
    """The result of a task whose search raised: the real exception, named with its task."""
    message = " ".join(strip_ansi(str(error)).split()) or "(no message)"
    if len(message) > 400:
        message = message[:397] + "..."
    trace = getattr(error, "traceback_str", None) or "".join(tracebacks.format_exception(error))
    return TaskResult(
        task,
        "error",
        error=f"{type(error).__name__}: {message} [agent {task.agent} on {task.benchmark}, seed {task.seed}]",
        actor=actor,
        traceback=strip_ansi(trace).rstrip(),
    )
