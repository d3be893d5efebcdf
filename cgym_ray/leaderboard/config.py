"""`kind: leaderboard`: evaluate one agent on a leaderboard task and write a submission.

kind: leaderboard
name: random-10s
task: llvm-ic-suite-v0            # a task name, or a path to a task file
agent: {name: random, params: {}}
budget: {seconds: 10}             # per run; at most the task's walltime limit
seed: 0                           # run r of a benchmark uses seed + r
ray: {num_cpus: 2}
store: {path: store}
output: {dir: results/leaderboard/submissions/random-10s}
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from cgym_ray.jobs.schema import (
    AgentSection,
    BudgetSection,
    OutputSection,
    RaySection,
    StoreSection,
    Strict,
)


class LeaderboardJob(Strict):
    kind: Literal["leaderboard"] = "leaderboard"
    name: str = Field(default="submission", pattern=r"^[A-Za-z0-9_.-]+$")
    task: str
    agent: AgentSection
    budget: BudgetSection | None = None  # default: half the task's walltime limit
    seed: int = 0
    description: str = ""
    ray: RaySection = Field(default_factory=RaySection)
    store: StoreSection = Field(default_factory=StoreSection)
    output: OutputSection = Field(default_factory=OutputSection)

    @field_validator("task")
    @classmethod
    def known_task(cls, value: str) -> str:
        from cgym_ray.leaderboard.tasks import load_task

        try:
            load_task(value)
        except Exception as error:  # TaskError, or a dataset lookup failing
            raise ValueError(str(error)) from None
        return value
