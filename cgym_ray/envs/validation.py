"""Re-validating an episode: replay its state on a fresh environment and check it.

Failures are reported by kind, so a leaderboard or a user can tell a wrong
reward from a miscompile from a different LLVM:
`llvm_version`, `backend`, `actions_version`, `benchmark`, `unknown_action`,
`compiler_error`, `reward`, `behaviour`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

from cgym_ray.envs.state import CompilerEnvState
from cgym_ray.errors import CompilerError, UnknownActionError

REWARD_RELATIVE_TOLERANCE = 1e-5


@dataclass(frozen=True)
class ValidationFailure:
    kind: str
    message: str


@dataclass
class ValidationResult:
    state: CompilerEnvState
    reward: float | None = None
    behaviour_checked: bool = False
    failures: list[ValidationFailure] = field(default_factory=list)
    walltime_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, kind: str, message: str) -> ValidationResult:
        self.failures.append(ValidationFailure(kind, message))
        return self

    def __str__(self) -> str:
        if self.ok:
            return f"✓ {self.state.benchmark}: reward {self.reward}"
        return f"✗ {self.state.benchmark}: " + "; ".join(
            f"{f.kind}: {f.message}" for f in self.failures
        )


def validate(
    state: CompilerEnvState,
    check_behaviour: bool = True,
    reward_space: str | None = None,
    **env_kwargs,
) -> ValidationResult:
    """Replay `state` on a fresh `LlvmEnv` and check reward, LLVM version and behaviour.

    The reward is checked whenever the state has one, in the state's own
    reward space or, when it names none (CompilerGym's CSV does not),
    `reward_space`. A reward with neither fails: nothing could check it.

        >>> validate(state, reward_space="IrInstructionCountOz").ok  # doctest: +SKIP
        True
    """
    from cgym_ray.envs.llvm_env import LlvmEnv
    from cgym_ray.llvm import semantics
    from cgym_ray.llvm.pipelines.edits import EDITS_VERSION

    if state.actions_version == EDITS_VERSION:  # a pipeline text, from a pipeline env
        from cgym_ray.envs.pipeline_env import validate_pipeline_state

        if state.reward_space is None and reward_space is not None:
            state = dataclasses.replace(state, reward_space=reward_space)
        return validate_pipeline_state(state, check_behaviour=check_behaviour)

    started = time.monotonic()
    result = ValidationResult(state)
    env_kwargs.setdefault("backend", state.backend)
    env_kwargs["reward_space"] = state.reward_space or reward_space
    if state.reward is not None and env_kwargs["reward_space"] is None:
        return result.fail(
            "reward",
            f"the state claims reward {state.reward:.6g} but names no reward space to check it in: "
            "pass reward_space= (or --env with a reward, on the command line)",
        )
    try:
        env = LlvmEnv(**env_kwargs)
    except CompilerError as error:
        return result.fail("backend", str(error))
    try:
        if state.llvm_version and state.llvm_version != env.llvm_version:
            return result.fail(
                "llvm_version",
                f"recorded with LLVM {state.llvm_version}, this is {env.llvm_version}",
            )
        if state.actions_version and state.actions_version not in env.action_space.replays:
            return result.fail(
                "actions_version",
                f"recorded with actions {state.actions_version}, this is {env.action_space.version}",
            )
        try:
            actions = env.action_space.from_commandline(state.commandline)
        except UnknownActionError as error:
            return result.fail("unknown_action", str(error))
        try:
            env.reset(options={"benchmark": state.benchmark})
        except CompilerError as error:
            return result.fail("benchmark", str(error))
        for action in actions:
            _, _, terminated, _, info = env.step(action)
            if terminated:
                return result.fail("compiler_error", info["error"]["message"])
        result.reward = env.episode_reward if env.reward_spec else None
        if state.reward is not None and result.reward is not None:
            if not math.isclose(
                result.reward, state.reward, rel_tol=REWARD_RELATIVE_TOLERANCE, abs_tol=1e-9
            ):
                result.fail(
                    "reward",
                    f"replay gives {result.reward:.6g}, the state claims {state.reward:.6g}",
                )
        if check_behaviour and env.benchmark is not None and env.benchmark.runnable:
            object_file = env.object_file()
            check = semantics.check_behaviour(env.benchmark, object_file, env.backend)
            result.behaviour_checked = True
            if not check.ok:
                result.fail("behaviour", check.reason)
    finally:
        env.close()
        result.walltime_s = time.monotonic() - started
    return result
