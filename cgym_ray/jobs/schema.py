"""The job file: what a YAML config may say, validated with pydantic.

kind: search
name: quickstart
env: {id: llvm-ic-v0}
benchmarks:
  datasets: [cgym-suite-v0:test]      # <dataset>[:<split>]
  uris: [file:///home/me/prog.c]
  generators: [{name: csmith-v0, seeds: "0-9"}]
agents:
  - {name: greedy}
  - {name: random, params: {patience: 50}}
budget: {seconds: 10}
seeds: [0]
ray: {address: null, num_cpus: 2}
store: {path: store, observations: [Autophase]}   # observations: optional, see StoreSection
output: {dir: runs/quickstart}
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from cgym_ray.errors import CompilerError


@contextlib.contextmanager
def _as_value_error():
    """Lookups raise our own errors; pydantic reports only ValueErrors with their location."""
    try:
        yield
    except CompilerError as error:
        raise ValueError(str(error)) from None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnvSection(Strict):
    id: str = "llvm-ic-v0"
    kwargs: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def known_id(cls, value: str) -> str:
        from cgym_ray.envs import ENV_SPECS

        if value not in ENV_SPECS:
            raise ValueError(
                f"unknown environment {value!r}; known: {', '.join(sorted(ENV_SPECS))}"
            )
        return value


class GeneratorSection(Strict):
    name: Literal["csmith-v0", "llvm-stress-v0"]
    seeds: str | list[int] = Field(description='a list, or a range "A-B" (inclusive)')

    def seed_list(self) -> list[int]:
        if isinstance(self.seeds, list):
            return self.seeds
        match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", self.seeds)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise ValueError(f'seeds must be a list or a range like "0-99", not {self.seeds!r}')
        return list(range(int(match.group(1)), int(match.group(2)) + 1))

    @model_validator(mode="after")
    def valid_range(self) -> GeneratorSection:
        self.seed_list()
        return self


class BenchmarksSection(Strict):
    datasets: list[str] = Field(default_factory=list)
    uris: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)  # C/bitcode/IR paths, relative to the job file
    generators: list[GeneratorSection] = Field(default_factory=list)

    @field_validator("datasets")
    @classmethod
    def known_datasets(cls, values: list[str]) -> list[str]:
        from cgym_ray.datasets import get_dataset

        for value in values:
            name, _, split = value.partition(":")
            with _as_value_error():
                dataset = get_dataset(name)  # names the known datasets
                if dataset.scheme == "generator":
                    raise ValueError(f"{name} is a generator: list it under benchmarks.generators")
                if dataset.scheme != "benchmark":
                    raise ValueError(
                        f"{name} is not a dataset of benchmarks: list paths under benchmarks.files"
                    )
                dataset.check_selection(split or None)  # installs nothing: that happens at run time
        return values

    @field_validator("files")
    @classmethod
    def existing_files(cls, values: list[str]) -> list[str]:
        from cgym_ray.datasets import get_benchmark

        for value in values:
            with _as_value_error():
                get_benchmark(f"file://{Path(value).resolve()}")
        return values

    @field_validator("uris")
    @classmethod
    def known_uris(cls, values: list[str]) -> list[str]:
        from cgym_ray.datasets import get_benchmark

        for value in values:
            with _as_value_error():
                get_benchmark(value)
        return values

    @model_validator(mode="after")
    def not_empty(self) -> BenchmarksSection:
        if not (self.datasets or self.uris or self.files or self.generators):
            raise ValueError("name at least one benchmark: datasets, uris, files or generators")
        return self

    def resolve(self) -> list[str]:
        from cgym_ray.envs.llvm_env import resolve_benchmarks

        uris = resolve_benchmarks(self.datasets) if self.datasets else []
        uris += self.uris
        uris += [f"file://{Path(path).resolve()}" for path in self.files]
        for generator in self.generators:
            uris += [f"generator://{generator.name}/{seed}" for seed in generator.seed_list()]
        return list(dict.fromkeys(uris))


class AgentSection(Strict):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def known_agent(cls, value: str) -> str:
        from cgym_ray.agents import AGENTS

        if value not in AGENTS:
            raise ValueError(f"unknown agent {value!r}; known: {', '.join(sorted(AGENTS))}")
        return value

    @model_validator(mode="after")
    def known_params(self) -> AgentSection:
        """Each parameter is one the agent takes, with a value of its type (reported per key)."""
        from cgym_ray.agents import parameter_problems

        problems = parameter_problems(self.name, self.params)
        if problems:
            raise ValidationError.from_exception_data(
                "AgentSection",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("agent_parameter", message),
                        loc=("params", key),
                        input=self.params.get(key),
                    )
                    for key, message in problems
                ],
            )
        return self


class BudgetSection(Strict):
    steps: int | None = Field(default=None, gt=0)
    seconds: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def something(self) -> BudgetSection:
        if self.steps is None and self.seconds is None:
            raise ValueError("give budget.steps, budget.seconds or both")
        from cgym_ray.search.common import Budget  # the one rule for search budgets

        try:
            Budget(self.steps, self.seconds)
        except CompilerError as error:
            raise ValueError(str(error)) from None
        return self


class RaySection(Strict):
    address: str | None = None  # None: embedded local Ray; "auto": the cluster this node is in
    num_cpus: int | None = Field(default=None, gt=0)
    num_actors: int | None = Field(default=None, gt=0)  # default: num_cpus (or the cluster's CPUs)
    cpus_per_actor: float = Field(default=1.0, gt=0)
    resources: dict[str, float] = Field(default_factory=dict)
    runtime_env: dict[str, Any] = Field(default_factory=dict)
    max_attempts: int = Field(default=3, gt=0)


def _index_sequence(space: Any) -> bool:
    """A variable-length sequence of indices (Inst2vecEmbeddingIndices): a list column too."""
    from gymnasium import spaces

    return (
        isinstance(space, spaces.Sequence)
        and space.stack
        and isinstance(space.feature_space, spaces.Discrete)
    )


class StoreSection(Strict):
    """Where the run is recorded, and which observation each step records besides its reward.

    `observations: [Autophase]` records that observation after every step and
    at every episode's start, with its space (what `results export rllib` and
    `results export minari` need); it costs the steps the computing takes.
    One space for now: a numeric vector or a sequence of indices such as
    Inst2vecEmbeddingIndices (its column is a list of float32, exact for
    indices below 2**24) or
    the program graph `ProgramlArrays` (its own column, Arrow lists of node
    and edge arrays); the list leaves room for more.
    """

    path: str = "store"
    observations: list[str] = Field(default_factory=list, max_length=1)

    @field_validator("observations")
    @classmethod
    def recordable(cls, names: list[str]) -> list[str]:
        from gymnasium import spaces

        from cgym_ray.envs.observations import OBSERVATIONS
        from cgym_ray.envs.spaces import ProgramGraphSpace

        vectors = sorted(
            name
            for name, spec in OBSERVATIONS.items()
            if (isinstance(spec.space, spaces.Box) and len(spec.space.shape) == 1)
            or (isinstance(spec.space, ProgramGraphSpace) and spec.space.arrays)
            or _index_sequence(spec.space)
        )
        for name in names:
            if name not in vectors:
                raise ValueError(
                    f"cannot record observation {name!r}; the store records one of: {', '.join(vectors)}"
                )
        return names

    @property
    def observation(self) -> str | None:
        """The observation space each step records, if any."""
        return self.observations[0] if self.observations else None


class OutputSection(Strict):
    dir: str | None = None  # default: runs/<name>
    summary_json: str | None = None


class SearchJob(Strict):
    """`kind: search` (or `eval`: the same, run on evaluation benchmarks)."""

    kind: Literal["search", "eval"]
    name: str = Field(default="job", pattern=r"^[A-Za-z0-9_.-]+$")
    env: EnvSection = Field(default_factory=EnvSection)
    benchmarks: BenchmarksSection
    agents: list[AgentSection] = Field(min_length=1)
    budget: BudgetSection
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)
    ray: RaySection = Field(default_factory=RaySection)
    store: StoreSection = Field(default_factory=StoreSection)
    output: OutputSection = Field(default_factory=OutputSection)

    @model_validator(mode="before")
    @classmethod
    def single_agent(cls, data: Any) -> Any:
        """`agent: {...}` is accepted as a one-item `agents` list."""
        if isinstance(data, dict) and "agent" in data:
            if "agents" in data:
                raise ValueError("give either agent or agents, not both")
            data = dict(data)
            data["agents"] = [data.pop("agent")]
        return data
