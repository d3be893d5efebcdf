"""`PipelineEnv`: phase ordering by editing a whole pass pipeline (issue 18).

    >>> import gymnasium as gym, cgym_ray
    >>> env = gym.make("llvm-pipeline-ic-v0")  # doctest: +SKIP
    >>> obs, info = env.reset(options={"benchmark": "benchmark://cgym-suite-v0/crc32"})  # doctest: +SKIP
    >>> info["score"]  # the episode starts from -Oz's pipeline  # doctest: +SKIP
    1.0
    >>> obs, reward, terminated, truncated, info = env.step(env.action_space.sample())  # doctest: +SKIP

The state is a pipeline tree (`cgym_ray.llvm.pipelines`); an action edits it
(`edits.py`: insert, delete or replace a pass at a place, change one of
its parameters, or put a learned marks rule's per-function marks first) and the observation and reward come from compiling the O0
module, with minsize and optsize on every function as for -Oz, with the
edited pipeline. An episode starts from -Oz's pipeline (`start="oz"`, whose
first state matches -Oz exactly: score 1.0) or from an empty one.

`info["score"]` is (O0 - current) / (O0 - Oz) of the reward's metric, the
leaderboard's measure; the episode reward sums the step rewards from the O0
module, so it equals the score at every step. A step recompiles only from the
first top-level part of the pipeline that the edit changed (`IncrementalCompiler`).

The commandline of a state is the pipeline's canonical text; `validate`
compiles it from O0 on a fresh env and checks the reward and, on runnable
programs, the behaviour.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from cgym_ray.datasets import Benchmark, get_benchmark
from cgym_ray.envs.llvm_env import (
    DEFAULT_BENCHMARKS,
    SIZE_ATTRIBUTES,
    ResetNeeded,
    resolve_benchmarks,
)
from cgym_ray.envs.observations import get_observation_spec
from cgym_ray.envs.rewards import get_reward_spec
from cgym_ray.envs.state import CompilerEnvState
from cgym_ray.errors import CompilerError, StepFailed
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.baselines import reference_counts, reference_text_sizes
from cgym_ray.llvm.pipelines import Pipeline, load_table, oz_pipeline
from cgym_ray.llvm.pipelines.edits import (
    EDITS_VERSION,
    MAX_POSITIONS,
    OPERATIONS,
    apply_edit,
    learned_rules,
    max_units,
)
from cgym_ray.llvm.pipelines.marks_rules import FunctionFacts, module_facts
from cgym_ray.llvm.pipelines.run import IncrementalCompiler, pipeline_action, segments
from cgym_ray.llvm.pipelines.tree import Element
from cgym_ray.llvm.session import DEFAULT_STEP_TIMEOUT_S, CompilerSession, checked_step_timeout_s

STARTS = ("oz", "empty")


def edit_space(seed: int | None = None) -> gym.spaces.MultiDiscrete:
    """(operation, place, choice): see `cgym_ray.llvm.pipelines.edits`."""
    return gym.spaces.MultiDiscrete([len(OPERATIONS), MAX_POSITIONS, max_units()], seed=seed)


class PipelineEnv(gym.Env):
    """Edit a pass pipeline; each state is the O0 module compiled with it. See the module docstring."""

    metadata = {"render_modes": ["ansi"]}

    def __init__(
        self,
        benchmark: str | None = None,
        benchmarks: str | list[str] = DEFAULT_BENCHMARKS,
        observation_space: str = "IrInstructionCount",
        reward_space: str = "IrInstructionCountOz",
        start: str = "oz",
        step_timeout_s: float = DEFAULT_STEP_TIMEOUT_S,
        render_mode: str | None = None,
    ) -> None:
        if start not in STARTS:
            raise CompilerError(f"start must be one of {STARTS}, not {start!r}")
        self.backend = "libllvm"
        self.llvm_version = get_backend(self.backend).llvm_version
        self.observation_spec = get_observation_spec(observation_space)
        self.observation_space = self.observation_spec.space
        self.reward_spec = get_reward_spec(reward_space)
        if self.reward_spec.baseline is None or self.reward_spec.baseline == "O0":
            raise CompilerError(
                f"the pipeline envs need a reward scaled by a baseline (…O3 or …Oz), not {reward_space}"
            )
        self.action_space = edit_space()
        self.start = start
        self.default_benchmark = benchmark
        self.benchmark_selection = benchmarks
        self.step_timeout_s = step_timeout_s
        self.render_mode = render_mode
        self.reward_range = (-np.inf, np.inf)
        self.benchmark: Benchmark | None = None
        self.pipeline = Pipeline()
        self._compiler: IncrementalCompiler | None = None
        self._references: dict[str, int | None] = {}
        self._facts: list[FunctionFacts] | None = None  # the -O0 module's, for the marks rules
        self._value = 0.0  # the reward metric's value in the current state
        self.episode_reward = 0.0
        self.episode_start = time.monotonic()
        self.last_step_s = 0.0

    # Gymnasium API.

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self.action_space.seed(seed)
        options = options or {}
        uri = options.get("benchmark") or self.default_benchmark
        if uri is None:
            uris = resolve_benchmarks(self.benchmark_selection)
            uri = uris[int(self.np_random.integers(len(uris)))]
        benchmark = uri if isinstance(uri, Benchmark) else get_benchmark(str(uri))
        start = options.get("start", self.start)
        if start not in STARTS:
            raise CompilerError(f"options['start'] must be one of {STARTS}, not {start!r}")
        self.close()
        self.benchmark = benchmark
        self._facts = None
        bitcode = benchmark.bitcode()
        measure = (
            reference_counts
            if self.reward_spec.reference_kind == "instruction_count"
            else reference_text_sizes
        )
        self._references = measure(bitcode, benchmark.uri, self.backend, SIZE_ATTRIBUTES)
        session = CompilerSession(
            bitcode,
            benchmark.uri,
            backend=self.backend,
            attributes=SIZE_ATTRIBUTES,
            timeout_s=self.step_timeout_s,
        )
        self._compiler = IncrementalCompiler(session, bitcode, SIZE_ATTRIBUTES)
        self.pipeline = oz_pipeline() if start == "oz" else Pipeline()
        values = self._compile(self.pipeline)
        self._value = float(values[self.reward_spec.metric])
        self.episode_reward = self.score
        self.episode_start = time.monotonic()
        return self._observe(values), self._info(values, "reset")

    def step(self, action):
        compiler = self._require_compiler()
        operation, position, choice = (int(part) for part in np.asarray(action).reshape(-1)[:3])
        if not self.action_space.contains(
            np.array([operation, position, choice], dtype=self.action_space.dtype)
        ):
            raise CompilerError(
                f"action {action!r} is outside the action space {self.action_space}"
            )
        marks = self.marks_choices() if OPERATIONS[operation] == "marks" else ()
        edited, what = apply_edit(self.pipeline, operation, position, choice, marks)
        started = time.perf_counter()
        try:
            values = (
                self._compile(edited)
                if edited != self.pipeline
                else self._measure_current(compiler)
            )
        except (StepFailed, CompilerError) as error:
            return self._failed_step(edited, what, error)
        self.last_step_s = time.perf_counter() - started
        self.pipeline = edited
        value = float(values[self.reward_spec.metric])
        reward = (self._value - value) / self._scale
        self._value = value
        self.episode_reward += reward
        return (
            self._observe(values),
            reward,
            False,
            False,
            self._info(values, what),
        )

    def _failed_step(self, edited: Pipeline, what: str, error: Exception):
        """A compiler crash, hang or rejection ends the episode, as for flat actions."""
        details = {
            "type": type(error).__name__,
            "message": str(error),
            "edit": what,
            "pipeline": str(edited),
        }
        if isinstance(error, StepFailed):
            details.update(cause=error.cause, detail=error.detail)
        self.close()
        observation = np.zeros((1,), dtype=np.int64)  # both pipeline envs observe one count
        return observation, 0.0, True, False, {"error": details, "edit": what}

    @property
    def step_timeout_s(self) -> float:
        """How long compiling one segment of a pipeline may take before it is ended as a timeout."""
        return self._step_timeout_s

    @step_timeout_s.setter
    def step_timeout_s(self, seconds: float) -> None:
        self._step_timeout_s = checked_step_timeout_s(seconds)
        compiler = getattr(self, "_compiler", None)  # None until reset, and in __init__
        if compiler is not None:
            compiler.timeout_s = self._step_timeout_s

    # Compiling.

    @property
    def _scale(self) -> float:
        return self.reward_spec.scale(self._references)

    @property
    def score(self) -> float:
        """(O0 - current) / (O0 - baseline) of the reward metric: 1.0 at the baseline."""
        return self._score_of(self._value)

    def segment_scores(self) -> list[float | None]:
        """The score after each segment (`segments`) of the current pipeline, from its last compile.

        One compile measures every segment's end, so a search can read the
        best prefix that ends at a segment boundary without compiling it
        (a flat sequence written as a pipeline ends each pass at one:
        `pipelines.flat`). None for a segment run before a checkpoint whose
        counts this compiler did not record. Instruction-count rewards only.
        """
        if self.reward_spec.metric != "instruction_count":
            raise CompilerError(
                f"segment scores need an instruction-count reward, not {self.reward_spec.name}"
            )
        counts = self.segment_instruction_counts()
        return [None if count is None else self._score_of(float(count)) for count in counts]

    def segment_instruction_counts(self) -> list[int | None]:
        """The IR instruction count after each segment of the current pipeline (`segment_scores`)."""
        return list(self._require_compiler().counts)

    def _score_of(self, value: float) -> float:
        return (float(self._references["O0"] or 0) - value) / self._scale

    def _observe(self, values: dict[str, Any]) -> np.ndarray:
        # Both observations are measurements of the module: their spec never reads the env.
        return self.observation_spec.compute(values, self)  # type: ignore[arg-type]

    def _needed(self) -> tuple[str, ...]:
        names = set(self.observation_spec.measurements) | {self.reward_spec.metric}
        names.discard("instruction_count")
        return tuple(sorted(names))

    def _compile(self, pipeline: Pipeline) -> dict[str, Any]:
        load_table().check(
            pipeline
        )  # every edit is valid by construction; this says so loudly if not
        return self._require_compiler().compile(pipeline, self._needed())

    def _measure_current(self, compiler: IncrementalCompiler) -> dict[str, Any]:
        session = compiler.session
        return {"instruction_count": session.instruction_count, **session.measure(*self._needed())}

    def _info(self, values: dict[str, Any], what: str) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark.uri if self.benchmark else None,
            "instruction_count": values["instruction_count"],
            "score": self.score,
            "edit": what,
            "pipeline_elements": sum(1 for _ in self.pipeline.walk()),
        }

    def _require_compiler(self) -> IncrementalCompiler:
        if self._compiler is None or not self._compiler.session.alive:
            raise ResetNeeded("call reset() first: no episode is running (or its compiler died)")
        return self._compiler

    # The marks rules of the `marks` operation.

    def function_facts(self) -> list[FunctionFacts]:
        """Each function of this episode's -O0 module: its instruction count and direct call sites."""
        if self.benchmark is None:
            raise ResetNeeded("call reset() first")
        if self._facts is None:
            self._facts = module_facts(self.benchmark.bitcode(), self.benchmark.uri, self.backend)
        return self._facts

    def marks_choices(self) -> list[Element | None]:
        """The element each learned marks rule gives this module (`marks` operation `choice`); None: no marks."""
        facts = self.function_facts()
        return [rule.element(facts) for rule in learned_rules()]

    # State, fork, validation.

    def commandline(self) -> str:
        """The current pipeline's canonical text (a method, as on `LlvmEnv` and in CompilerGym)."""
        return str(self.pipeline)

    @property
    def state(self) -> CompilerEnvState:
        if self.benchmark is None:
            raise ResetNeeded("call reset() first")
        return CompilerEnvState(
            benchmark=self.benchmark.uri,
            commandline=self.commandline(),
            reward=self.episode_reward,
            walltime=time.monotonic() - self.episode_start,
            backend=self.backend,
            llvm_version=self.llvm_version,
            reward_space=self.reward_spec.name,
            actions_version=EDITS_VERSION,
        )

    def set_pipeline(self, pipeline: Pipeline | str) -> dict[str, Any]:
        """Compile another pipeline for the current benchmark (checked by the pass table); its info."""
        tree = load_table().check(pipeline)
        values = self._compile(tree)
        self.pipeline = tree
        self._value = float(values[self.reward_spec.metric])
        self.episode_reward = self.score
        return self._info(values, "set_pipeline")

    def try_appending(self, tails: Sequence[Pipeline]) -> list[float | None]:
        """The score of the current pipeline followed by each tail; this env's state does not change.

        Each tail runs on a copy of the current module, all in one request to
        the compiler: much cheaper than compiling each longer pipeline. A tail
        must be one segment that `segments` cuts before (it begins with
        `recompute-globalsaa`, say), so that the current module followed by
        the tail is what compiling the longer pipeline gives. None marks a
        tail the compiler failed on; if one crashed the compiler, the current
        state is rebuilt and the others are tried again.
        """
        compiler = self._require_compiler()
        current = [str(part) for part in segments(self.pipeline)]
        for tail in tails:
            load_table().check(tail)
            parts = [
                str(part) for part in segments(Pipeline(self.pipeline.elements + tail.elements))
            ]
            if parts[:-1] != current or parts[-1] != str(tail):
                raise CompilerError(
                    f"the tail {tail} is not one new segment after the current pipeline: "
                    "begin it with recompute-globalsaa"
                )
        names = self._needed()
        try:
            results = compiler.session.try_actions([pipeline_action(t) for t in tails], names)
        except StepFailed as failure:
            compiler.compile(self.pipeline)  # the worker died with the module: rebuild it
            failed = failure.step_index
            if failed is None:
                return [None] * len(tails)
            rest = self.try_appending([t for i, t in enumerate(tails) if i != failed])
            return rest[:failed] + [None] + rest[failed:]
        metric = self.reward_spec.metric
        return [
            None if result.error is not None else self._score_of(float(result.measurement(metric)))
            for result in results
        ]

    def apply(self, state: CompilerEnvState) -> None:
        """Reset to the state's benchmark and compile its pipeline."""
        self.reset(options={"benchmark": state.benchmark, "start": "empty"})
        self.set_pipeline(state.commandline)

    def validate(self, state: CompilerEnvState | None = None, check_behaviour: bool = True):
        """Compile `state` (default: this episode's) on a fresh env; check its reward and behaviour."""
        return validate_pipeline_state(state or self.state, check_behaviour=check_behaviour)

    def object_file(self) -> bytes:
        compiler = self._require_compiler()
        return compiler.session.measure("object_file")["object_file"]

    def fork(self) -> PipelineEnv:
        """An independent copy in the current state: its compiler is a fork of this one (checkpoints too)."""
        compiler = self._require_compiler()
        child = PipelineEnv.__new__(PipelineEnv)
        child.__dict__.update(self.__dict__)
        child._compiler = compiler.fork()
        child._references = dict(self._references)
        child._np_random = copy.deepcopy(self._np_random)
        child.action_space = copy.deepcopy(self.action_space)
        return child

    def render(self):
        return self.commandline() if self.render_mode == "ansi" else None

    def close(self) -> None:
        if self._compiler is not None:
            self._compiler.close()
        self._compiler = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def validate_pipeline_state(state: CompilerEnvState, check_behaviour: bool = True):
    """Compile a pipeline state from O0 on a fresh env; the checks of `envs.validation`."""
    import math

    from cgym_ray.envs.validation import REWARD_RELATIVE_TOLERANCE, ValidationResult
    from cgym_ray.llvm import semantics

    started = time.monotonic()
    result = ValidationResult(state)
    if state.actions_version and state.actions_version != EDITS_VERSION:
        return result.fail(
            "actions_version", f"recorded with {state.actions_version}, this is {EDITS_VERSION}"
        )
    env = PipelineEnv(reward_space=state.reward_space or "IrInstructionCountOz")
    try:
        if state.llvm_version and state.llvm_version != env.llvm_version:
            return result.fail(
                "llvm_version",
                f"recorded with LLVM {state.llvm_version}, this is {env.llvm_version}",
            )
        try:
            env.apply(state)
        except CompilerError as error:
            return result.fail("compiler_error", str(error))
        result.reward = env.episode_reward
        if state.reward is not None and not math.isclose(
            result.reward, state.reward, rel_tol=REWARD_RELATIVE_TOLERANCE, abs_tol=1e-9
        ):
            result.fail(
                "reward", f"replay gives {result.reward:.6g}, the state claims {state.reward:.6g}"
            )
        if check_behaviour and env.benchmark is not None and env.benchmark.runnable:
            check = semantics.check_behaviour(env.benchmark, env.object_file(), env.backend)
            result.behaviour_checked = True
            if not check.ok:
                result.fail("behaviour", check.reason)
    finally:
        env.close()
        result.walltime_s = time.monotonic() - started
    return result
