"""`kind: train`: what a training job file may say.

kind: train
name: ppo-smoke
env: {id: llvm-autophase-ic-v0, kwargs: {step_timeout_s: 10}}   # the reward comes from the id
benchmarks: {datasets: [cgym-suite-v0:train], generators: [{name: csmith-v0, seeds: "0-99"}]}
observation: autophase_history        # or instcount
episode_length: 45
terminal_action: false
algorithm: {name: PPO, lr: 3.0e-4, train_batch_size: 2000, minibatch_size: 256,
            num_epochs: 10, model: {hidden: [256, 256]}}
env_runners: {num_env_runners: 2}
iterations: 50
checkpoint_every: 10
eval:
  interval: 10                        # RLlib evaluation on eval.during_training every 10 iterations
  splits: {validation: {datasets: [cgym-suite-v0:validation]},
           test: {datasets: [cgym-suite-v0:test]}}
  guided: {budget: {seconds: 10}}     # also: the policy guiding a sampling search
seed: 0
ray: {num_cpus: 2}
store: {path: store}
output: {dir: runs/ppo-smoke}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from cgym_ray.jobs.schema import (
    BenchmarksSection,
    BudgetSection,
    EnvSection,
    OutputSection,
    RaySection,
    StoreSection,
    Strict,
)

# The keys of rl.envs.RAW_OBSERVATION; programl_graph trains a GNN (rl/gnn.py, the graph extra).
Observation = Literal["autophase_history", "instcount", "programl_graph"]


class ModelSection(Strict):
    hidden: list[int] = Field(default_factory=lambda: [256, 256], min_length=1)
    activation: Literal["relu", "tanh"] = "tanh"


class AlgorithmSection(Strict):
    name: Literal["PPO", "APPO"] = "PPO"
    lr: float = Field(default=3e-4, gt=0)
    gamma: float = Field(
        default=1.0, ge=0, le=1
    )  # episodes are short; the total reward is the goal
    train_batch_size: int = Field(default=2000, gt=0)  # env steps per training iteration
    minibatch_size: int = Field(default=256, gt=0)
    num_epochs: int = Field(default=10, gt=0)
    entropy_coeff: float = Field(default=0.01, ge=0)
    model: ModelSection = Field(default_factory=ModelSection)
    options: dict[str, Any] = Field(
        default_factory=dict, description="more keyword arguments for RLlib's config.training()"
    )

    @model_validator(mode="after")
    def minibatch_fits(self) -> AlgorithmSection:
        if self.minibatch_size > self.train_batch_size:
            raise ValueError(
                f"minibatch_size ({self.minibatch_size}) is larger than train_batch_size "
                f"({self.train_batch_size})"
            )
        return self


class EnvRunnersSection(Strict):
    num_env_runners: int = Field(default=1, ge=0)
    num_envs_per_env_runner: int = Field(default=1, gt=0)
    rollout_fragment_length: int | Literal["auto"] = "auto"
    sample_timeout_s: float = Field(default=300.0, gt=0)
    max_env_runner_restarts: int = Field(default=1000, ge=0)


class GuidedSection(Strict):
    """The policy guiding a search: episodes sampled from its action probabilities."""

    budget: BudgetSection
    temperature: float = Field(default=1.0, gt=0)


class EvalSection(Strict):
    interval: int = Field(
        default=0, ge=0, description="RLlib evaluation every N iterations; 0: never"
    )
    duration_episodes: int = Field(default=8, gt=0)
    during_training: BenchmarksSection = Field(
        default_factory=lambda: BenchmarksSection(datasets=["cgym-suite-v0:validation"])
    )
    splits: dict[str, BenchmarksSection] = Field(
        default_factory=lambda: {
            "validation": BenchmarksSection(datasets=["cgym-suite-v0:validation"]),
            "test": BenchmarksSection(datasets=["cgym-suite-v0:test"]),
        },
        description="after training: the policy is evaluated on each split; {} skips it",
    )
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)
    guided: GuidedSection | None = None
    num_workers: int | None = Field(default=None, gt=0, description="parallel evaluation tasks")


class ImitationSection(Strict):
    """Supervised learning on search results before RL (rl/imitation.py)."""

    data: list[str] = Field(
        min_length=1,
        description="best.jsonl / best.parquet files of `cgym-ray results export best`",
    )
    epochs: int = Field(default=100, gt=0)
    lr: float = Field(default=1e-3, gt=0)
    batch_size: int = Field(default=256, gt=0)
    value_coeff: float = Field(
        default=0.5, ge=0, description="weight of the value head's squared error on the returns"
    )
    stop_at_best: bool = Field(
        default=False,
        description="cut each list after its best prefix (then the stop action, with "
        "terminal_action): the searches keep a list for its best prefix, and the passes "
        "after it can undo the gain",
    )


class FaultInjectionSection(Strict):
    """For tests only (needs CGYM_FAULT_INJECTION=1): every N-th step the compiler aborts or hangs."""

    every_n_steps: int = Field(gt=0)
    kind: Literal["abort", "hang"] = "abort"


class TrainJob(Strict):
    """`kind: train`: train a policy with RLlib, checkpoint it, evaluate it, record everything."""

    kind: Literal["train"]
    name: str = Field(default="train", pattern=r"^[A-Za-z0-9_.-]+$")
    env: EnvSection = Field(default_factory=lambda: EnvSection(id="llvm-autophase-ic-v0"))
    benchmarks: BenchmarksSection
    observation: Observation = "autophase_history"
    episode_length: int = Field(default=45, gt=0)
    terminal_action: bool = False
    actions: list[str] | None = Field(
        default=None,
        description="action names; default: every single pass (the macros with macro_actions, "
        "the attribute actions with attribute_actions)",
    )
    macro_actions: bool = Field(
        default=False,
        description="with `actions` left out, also offer the O1/O2/O3/Oz macro-actions; they cost "
        "50-70 ms a step (halving sampling) and let a policy idle after one pipeline",
    )
    attribute_actions: bool = Field(
        default=False,
        description="with `actions` left out, also offer size-attributes and drop-size-attributes "
        "(-Oz's minsize/optsize on or off every function; libllvm-v4): off by default so that "
        "configs written before them keep their action space",
    )
    start_from: list[str] = Field(
        default_factory=list,
        description="actions applied at every reset before the policy acts (e.g. [Oz]): the "
        "policy learns what improves on them; it plays them first wherever it runs",
    )
    on_compiler_error: Literal["recreate", "terminate"] = Field(
        default="terminate",
        description="terminate: end the episode with reward 0 and go on sampling; recreate: "
        "drop the episode and rebuild the env (RLlib's StepFailedRecreateEnvError, which "
        "restarts the env runner's whole sample)",
    )
    record_training: bool = Field(default=True, description="training episodes go to the store")
    algorithm: AlgorithmSection = Field(default_factory=AlgorithmSection)
    env_runners: EnvRunnersSection = Field(default_factory=EnvRunnersSection)
    imitation: ImitationSection | None = Field(
        default=None, description="fit the policy to search results first, then train with RL"
    )
    iterations: int = Field(
        ge=0,
        description="training iterations in total, counting resumed ones; 0 (with imitation): "
        "the imitation alone",
    )
    time_limit_s: float | None = Field(
        default=None,
        gt=0,
        description="stop training after the iteration that crosses this walltime",
    )
    checkpoint_every: int = Field(default=0, ge=0, description="0: only the final checkpoint")
    resume: str | None = None
    eval: EvalSection = Field(default_factory=EvalSection)
    seed: int = 0
    fault_injection: FaultInjectionSection | None = None
    ray: RaySection = Field(default_factory=lambda: RaySection(num_cpus=2))
    store: StoreSection = Field(default_factory=StoreSection)
    output: OutputSection = Field(default_factory=OutputSection)

    @field_validator("env")
    @classmethod
    def env_has_reward(cls, value: EnvSection) -> EnvSection:
        from cgym_ray.envs import ENV_SPECS

        if ENV_SPECS[value.id][1] is None:
            raise ValueError(f"{value.id} has no reward to train on; use e.g. llvm-autophase-ic-v0")
        return value

    @model_validator(mode="after")
    def graph_policy_evaluation(self) -> TrainJob:
        # Evaluation after training reads checkpoints through rl/policy.py, which observes vectors.
        if self.observation == "programl_graph" and (self.eval.splits or self.eval.guided):
            raise ValueError(
                "observation: programl_graph: a graph policy is evaluated during training only "
                "(eval.interval); set eval: {splits: {}} and leave out eval.guided"
            )
        return self

    @model_validator(mode="after")
    def something_to_train(self) -> TrainJob:
        if self.iterations == 0 and self.imitation is None:
            raise ValueError("iterations: 0 trains nothing; give iterations > 0 or imitation")
        if self.imitation is not None and (self.resume or self.observation == "programl_graph"):
            raise ValueError(
                "imitation starts a policy from scratch with the default MLP: "
                "leave out resume, and use a vector observation (not programl_graph)"
            )
        return self

    @field_validator("actions", "start_from")
    @classmethod
    def known_actions(cls, values: list[str] | None) -> list[str] | None:
        if values is None or values == []:
            return values
        from cgym_ray.llvm.backend import default_backend_name, get_backend

        names = set(get_backend(default_backend_name()).actions.names)
        unknown = [name for name in values if name not in names]
        if unknown:
            raise ValueError(f"unknown actions {unknown}; see `cgym-ray llvm actions`")
        return values

    @field_validator("actions")
    @classmethod
    def some_actions(cls, values: list[str] | None) -> list[str] | None:
        if values == []:
            raise ValueError("actions: give at least one, or leave it out for all of them")
        return values

    @property
    def action_names(self) -> list[str]:
        """The actions the policy chooses from: `actions`, or the single passes and what is asked."""
        if self.actions is not None:
            return list(self.actions)
        from cgym_ray.llvm.backend import default_backend_name, get_backend

        catalogue = get_backend(default_backend_name()).actions
        return [
            catalogue[i].name
            for i in range(len(catalogue))
            if catalogue[i].is_pass
            or (self.macro_actions and catalogue[i].is_macro)
            or (self.attribute_actions and catalogue[i].kind == "attributes")
        ]

    @field_validator("resume")
    @classmethod
    def checkpoint_exists(cls, value: str | None) -> str | None:
        from pathlib import Path

        if value is not None and not (Path(value) / "cgym_policy.json").is_file():
            raise ValueError(
                f"{value} is not a cgym-ray training checkpoint (no cgym_policy.json); "
                "give a directory under <output>/checkpoints/"
            )
        return value

    @property
    def agent_name(self) -> str:
        """What the store calls this job's policy: "ppo", "appo"; "bc" (imitation alone), "bc+ppo"."""
        algorithm = self.algorithm.name.lower()
        if self.imitation is None:
            return algorithm
        return "bc" if self.iterations == 0 else f"bc+{algorithm}"

    @property
    def output_dir(self) -> str:
        return self.output.dir or f"runs/{self.name}"
