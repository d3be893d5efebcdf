"""What the store records: one step, one episode, one run.

A caller fills a `StepRecord` per environment step and an `EpisodeRecord` when
the episode ends, and hands them to a writer. The writer fills `run_id` (and
the package version, and the backend/LLVM version of steps if the writer was
given them), so the step loop only states what it did.

    >>> StepRecord(episode_id="3f2a", step=0, benchmark="benchmark://cgym-suite-v0/crc32",
    ...            action=12, action_name="instcombine", reward=0.1, cumulative_reward=0.1,
    ...            instruction_count=180, walltime_s=0.0003)  # doctest: +ELLIPSIS
    StepRecord(episode_id='3f2a', step=0, ...)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def new_id(length: int = 12) -> str:
    """A short random id (hex of a uuid4): run ids, episode ids, writer ids."""
    return uuid.uuid4().hex[:length]


@dataclass(slots=True)
class StepRecord:
    """One environment step. `observation` is the one returned by this step (after the action)."""

    episode_id: str
    step: int  # 0-based
    benchmark: str  # a benchmark URI
    action: int  # index in the action catalogue
    action_name: str
    reward: float
    cumulative_reward: float  # sum of this episode's rewards up to and including this step
    instruction_count: int  # after the action
    walltime_s: float
    terminated: bool = False
    truncated: bool = False
    error: str | None = None  # set when the step failed (compiler abort, timeout, ...)
    # A numeric vector, or a program graph (`ProgramlArrays`), which goes to `observation_graph`.
    observation: Sequence[float] | Any | None = None
    backend: str = ""  # filled from the writer's default when empty
    llvm_version: str = ""
    run_id: str = ""  # filled by the writer


@dataclass(slots=True)
class EpisodeRecord:
    """One finished (or abandoned) episode.

    `status` is "ok", "error" (see `error`), or any short word the caller
    chooses ("timeout", "aborted"). `initial_observation` is the observation
    returned by reset; with the steps' observations it gives every transition.
    """

    episode_id: str
    benchmark: str
    agent: str  # "random", "greedy", "ppo", ...
    num_steps: int
    reward: float  # the episode's total reward
    seed: int | None = None
    commandline: str = ""  # what replays the episode: the pass pipeline text
    instruction_count_final: int | None = None
    instruction_count_o0: int | None = None
    instruction_count_oz: int | None = None
    backend: str = ""
    llvm_version: str = ""
    package_version: str = ""  # filled by the writer when empty
    started_at: datetime | None = None  # filled by the writer (now - walltime_s) when None
    walltime_s: float = 0.0
    status: str = "ok"
    error: str | None = None
    observation_space: str | None = None  # which observation the steps hold, e.g. "Autophase"
    reward_space: str | None = None  # which reward `reward` sums, e.g. "IrInstructionCountOz"
    initial_observation: Sequence[float] | Any | None = None  # a graph: initial_observation_graph
    agent_params: str | None = None  # JSON text
    checkpoint: str | None = None  # the policy checkpoint that acted, if any
    observation_space_json: str | None = None  # the space of the observations (Minari's JSON)
    run_id: str = ""  # filled by the writer


@dataclass(slots=True)
class RunRecord:
    """A run, described once when it begins (see `TrajectoryStore.begin_run`)."""

    run_id: str
    name: str
    config: str  # JSON text of the job config
    git_revision: str | None
    git_dirty: bool | None
    host: str
    user: str
    package_version: str
    python_version: str
    platform: str
    argv: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
