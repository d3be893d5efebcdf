"""Leaderboard tasks: which benchmarks, which reward, how many runs, how much time.

A task is a YAML file in `configs/leaderboard/`:

    name: llvm-ic-suite-v0
    description: ...
    env: {id: llvm-ic-v0}
    reward_space: IrInstructionCountOz
    backend: libllvm
    benchmarks: {datasets: [cgym-suite-v0:test]}
    runs_per_benchmark: 1
    walltime_limit_s: 120

A task may declare `remote_datasets` (`cgym_ray.datasets.remote`: a URL and a
sha256); they are registered before its benchmarks are resolved.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from cgym_ray.datasets.remote import RemoteDatasetSection
from cgym_ray.jobs.schema import BenchmarksSection, EnvSection, Strict
from cgym_ray.leaderboard.errors import TaskError

TASK_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
MAX_TASK_FILE_BYTES = 64 * 1024


class LeaderboardTask(Strict):
    name: str = Field(pattern=TASK_NAME.pattern)
    description: str = ""
    env: EnvSection = Field(default_factory=EnvSection)
    reward_space: str = "IrInstructionCountOz"
    backend: str = "libllvm"
    remote_datasets: list[RemoteDatasetSection] = Field(default_factory=list)
    benchmarks: BenchmarksSection
    runs_per_benchmark: int = Field(default=1, gt=0, le=100)
    walltime_limit_s: float = Field(gt=0)

    @model_validator(mode="before")
    @classmethod
    def register_remote_datasets(cls, data: Any) -> Any:
        """Remote datasets must be known before `benchmarks` names them."""
        if isinstance(data, dict):
            from cgym_ray.datasets.remote import register_remote_dataset

            for entry in data.get("remote_datasets") or []:
                register_remote_dataset(RemoteDatasetSection.model_validate(entry))
        return data

    @field_validator("reward_space")
    @classmethod
    def known_reward(cls, value: str) -> str:
        from cgym_ray.envs.rewards import REWARDS

        if value not in REWARDS:
            raise ValueError(f"unknown reward space {value!r}; known: {', '.join(sorted(REWARDS))}")
        return value

    def benchmark_uris(self) -> list[str]:
        return self.benchmarks.resolve()

    def env_kwargs(self) -> dict[str, Any]:
        return {**self.env.kwargs, "reward_space": self.reward_space, "backend": self.backend}


def tasks_dirs() -> list[Path]:
    """Where tasks are looked up by name: `$CGYM_LEADERBOARD_TASKS`, ./configs/leaderboard,
    then the package's own configs/leaderboard."""
    dirs = []
    if os.environ.get("CGYM_LEADERBOARD_TASKS"):
        dirs.append(Path(os.environ["CGYM_LEADERBOARD_TASKS"]))
    dirs.append(Path.cwd() / "configs" / "leaderboard")
    dirs.append(Path(__file__).resolve().parents[1] / "configs" / "leaderboard")
    return list(dict.fromkeys(dirs))


def task_path(name_or_path: str) -> Path:
    """The file of a task given by name (`llvm-ic-suite-v0`) or by path (`my-task.yaml`)."""
    if TASK_NAME.match(name_or_path) and not name_or_path.endswith((".yaml", ".yml")):
        for directory in tasks_dirs():
            candidate = directory / f"{name_or_path}.yaml"
            if candidate.is_file():
                return candidate
        known = sorted({p.stem for d in tasks_dirs() if d.is_dir() for p in d.glob("*.yaml")})
        raise TaskError(
            f"no leaderboard task {name_or_path!r}; known: {', '.join(known) or 'none'}"
        )
    path = Path(name_or_path)
    if not path.is_file():
        raise TaskError(f"{path}: no such task file")
    return path


def load_task(name_or_path: str) -> LeaderboardTask:
    """Load and check a task by name or path; errors name the file and the field."""
    path = task_path(name_or_path)
    if path.stat().st_size > MAX_TASK_FILE_BYTES:
        raise TaskError(f"{path}: a task file is at most {MAX_TASK_FILE_BYTES} bytes")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise TaskError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise TaskError(f"{path}: a task file is a mapping (name: ..., benchmarks: ...)")
    try:
        return LeaderboardTask.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: "
            + e["msg"].removeprefix("Value error, ")
            for e in error.errors()
        )
        raise TaskError(f"{path}: {problems}") from None


def list_tasks() -> list[LeaderboardTask]:
    """Every task found by name in `tasks_dirs()` (first one wins per name)."""
    found: dict[str, Path] = {}
    for directory in tasks_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return [load_task(str(path)) for path in found.values()]
