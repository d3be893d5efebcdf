"""Which model validates a job of each `kind`, and which function runs it.

Each layer that adds a kind of job owns its config model and runner; this
table is the one place that names them (imported lazily: a search job does not
load RLlib).
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

# kind -> (config model, runner), as "module:attribute".
JOB_KINDS: dict[str, tuple[str, str]] = {
    "search": ("cgym_ray.jobs.schema:SearchJob", "cgym_ray.jobs.runner:run_job"),
    "eval": ("cgym_ray.jobs.schema:SearchJob", "cgym_ray.jobs.runner:run_job"),
    "train": ("cgym_ray.rl.config:TrainJob", "cgym_ray.rl.runner:run_train_job"),
    "leaderboard": (
        "cgym_ray.leaderboard.config:LeaderboardJob",
        "cgym_ray.leaderboard.runner:run_leaderboard_job",
    ),
}


class JobResult(Protocol):
    errors: int

    def table(self) -> str: ...


def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def model_for(kind: str) -> Any:
    return _load(JOB_KINDS[kind][0])


def runner_for(kind: str) -> Any:
    """`runner(config, progress: bool, summary_json: str | None) -> JobResult`."""
    return _load(JOB_KINDS[kind][1])
