"""The environment RLlib trains on, built in each env runner from a plain config dict.

CompilerGym's RLlib users registered a lambda in the driver and shipped
pickled env objects to workers. Here the driver registers a *name* whose
creator is this module's `make_rl_env`: Ray pickles it by reference (module
path), so an env runner on any node imports this module and builds the whole
wrapper stack from the JSON-like `env_config` dict; no env or wrapper is ever
pickled.

    >>> from cgym_ray.rl.envs import RL_ENV_NAME, make_rl_env, register_rl_env
    >>> env = make_rl_env({"env_id": "llvm-autophase-ic-v0",
    ...                    "benchmarks": ["benchmark://cgym-suite-v0/crc32"],
    ...                    "observation": "autophase_history", "episode_length": 45})  # doctest: +SKIP

The stack, inside out: the LLVM env (its compiler in a killable worker
process, a benchmark drawn per episode from `benchmarks` with the env's seeded
generator), optional fault injection (tests), optional action subset,
optional terminal action, the normalised features plus the action history, a
fixed episode length, the store recorder, and `CompilerErrorPolicy`. By
default (`on_compiler_error: terminate`) a compiler abort or hang ends the
episode there (terminated, reward 0, the cause in `info["error"]`) and the next
reset starts a new compiler: sampling goes on without a pause. With `recreate`
it raises RLlib's `StepFailedRecreateEnvError` instead, and RLlib drops the
env runner's whole sample in progress and starts it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from cgym_ray.envs.wrappers import (
    ActionHistory,
    AutophaseNormalized,
    CommandlineWithTerminalAction,
    ConstrainedCommandline,
)
from cgym_ray.errors import CompilerError

logger = logging.getLogger(__name__)

RL_ENV_NAME = "cgym-llvm-rl-v0"
INSTCOUNT_TOTAL_INSTS = 0  # index of TotalInsts in the InstCount vector
RESET_ATTEMPTS = 5  # benchmarks tried in a row before a reset error is raised
# The raw observation space each policy observation (`TrainJob.observation`) is computed from.
RAW_OBSERVATION: dict[str, str] = {
    "autophase_history": "Autophase",
    "instcount": "InstCount",
    "programl_graph": "ProgramlArrays",
}


def register_rl_env() -> str:
    """Register `RL_ENV_NAME` with Ray Tune's registry (call after ray.init); returns the name."""
    from ray.tune.registry import register_env

    register_env(RL_ENV_NAME, make_rl_env)
    return RL_ENV_NAME


def make_rl_env(env_config: Mapping[str, Any]) -> gym.Env:
    """Build the training environment from `env_config` (see `TrainJob.env_config`).

    Keys: env_id, env_kwargs, benchmarks (URIs), observation, episode_length,
    terminal_action, actions (names or None), start_from (names), on_compiler_error, record
    ({store, run_id, agent} or None), fault_injection ({every_n_steps, kind} or None).
    """
    import cgym_ray.envs  # noqa: F401  (registers the gym ids in this process)

    observation = env_config.get("observation", "autophase_history")
    episode_length = int(env_config.get("episode_length", 45))
    env = gym.make(
        env_config.get("env_id", "llvm-autophase-ic-v0"),
        observation_space=RAW_OBSERVATION[observation],
        benchmarks=list(env_config["benchmarks"]),
        disable_env_checker=True,
        **dict(env_config.get("env_kwargs") or {}),
    ).unwrapped
    if env_config.get("start_from"):
        env = StartFrom(env, list(env_config["start_from"]))
    if env_config.get("fault_injection"):
        env = FaultInjection(env, **env_config["fault_injection"])
    if env_config.get("actions"):
        env = ConstrainedCommandline(env, list(env_config["actions"]))
    if env_config.get("terminal_action"):
        env = CommandlineWithTerminalAction(env)
    if observation == "programl_graph":  # padded graph arrays for the GNN (rl/gnn.py)
        from cgym_ray.rl.graph_observation import GraphObservation

        env = GraphObservation(env)
    else:
        env = (
            AutophaseNormalized(env)
            if observation == "autophase_history"
            else InstCountNormalized(env)
        )
        env = ActionHistory(env, normalize_by=episode_length)
    env = gym.wrappers.TimeLimit(env, max_episode_steps=episode_length)
    record = env_config.get("record")
    if record:
        from cgym_ray.rl.recording import TrainingRecorder

        worker = getattr(env_config, "worker_index", 0)
        env = TrainingRecorder(
            env,
            record["store"],
            record["run_id"],
            record["agent"],
            worker,
            record.get("observation"),
        )
    recreate = env_config.get("on_compiler_error", "terminate") == "recreate"
    return CompilerErrorPolicy(env, recreate=recreate)


class InstCountNormalized(gym.ObservationWrapper):
    """InstCount ÷ TotalInsts, as float32: programs of any size look alike (as AutophaseNormalized)."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        if env.observation_space.shape != (70,):
            raise CompilerError(
                f"InstCountNormalized needs the InstCount observation, not {env.observation_space}"
            )
        self.observation_space = spaces.Box(0.0, np.inf, shape=(70,), dtype=np.float32)

    def observation(self, observation):
        return normalize_features(observation, "instcount")


def normalize_features(raw: Any, observation: str) -> np.ndarray:
    """The raw Autophase/InstCount vector ÷ its instruction count, as the wrappers compute it."""
    if observation == "autophase_history":
        return AutophaseNormalized.observation(None, raw)  # type: ignore[arg-type]  # stateless
    values = np.asarray(raw, dtype=np.float32)
    return values / max(float(values[INSTCOUNT_TOTAL_INSTS]), 1.0)


def policy_observation(
    raw: Any, history: np.ndarray, observation: str, episode_length: int
) -> np.ndarray:
    """What the policy sees: the normalised features, then the action counts ÷ episode length.

    Equal to the output of `make_rl_env`'s wrapper stack (pinned by a test), so a
    trained policy can act on any LLVM env that can compute the raw observation.
    """
    history = np.asarray(history, dtype=np.float32) / max(episode_length, 1)
    return np.concatenate([normalize_features(raw, observation), history]).astype(np.float32)


class StartFrom(gym.Wrapper):
    """Every episode starts after `actions` (e.g. ["Oz"]): the policy acts on their output.

    They are played in one request at reset, outside the episode: the agent never
    sees them as steps and gets no reward for them, so its return is what it adds
    on top (with reward IrInstructionCountOz and ["Oz"], the final reward − 1).
    """

    def __init__(self, env: gym.Env, actions: list[str]) -> None:
        super().__init__(env)
        catalogue = env.unwrapped.action_space.catalogue
        self.prefix = [catalogue.index_of(name) for name in actions]

    def reset(self, *, seed=None, options=None):
        observation, info = self.env.reset(seed=seed, options=options)
        played = self.env.unwrapped.play(self.prefix, action_effect=False)
        if played and played[-1].info.get("error"):
            error = played[-1].info["error"]
            raise CompilerError(
                f"{info.get('benchmark')}: start_from action {error.get('action')} failed: "
                f"{error.get('message')}"
            )
        return self.env.unwrapped._last_observation, info


class FaultInjection(gym.Wrapper):
    """For tests (needs CGYM_FAULT_INJECTION=1): every N-th step runs an injected abort or hang.

    The faults themselves are `cgym_ray.faults`'.
    """

    def __init__(self, env: gym.Env, every_n_steps: int, kind: str = "abort") -> None:
        super().__init__(env)
        self.every_n_steps = every_n_steps
        self.kind = kind
        self.steps = 0

    def step(self, action):
        from cgym_ray.faults import INJECT_PREFIX
        from cgym_ray.llvm.actions import Action

        self.steps += 1
        session = getattr(self.env.unwrapped, "_session", None)
        if self.steps % self.every_n_steps or session is None:
            return self.env.step(action)
        original = session.resolve
        session.resolve = lambda _: Action(f"inject-{self.kind}", f"{INJECT_PREFIX}{self.kind}")
        try:
            return self.env.step(action)
        finally:
            session.resolve = original


class CompilerErrorPolicy(gym.Wrapper):
    """What a compiler failure does to training.

    A step the compiler failed (abort, hang, crash) has already ended its
    episode (terminated, reward 0, `info["error"]`); with `recreate=True` it
    raises `StepFailedRecreateEnvError` instead, so RLlib drops the episode
    fragment and rebuilds the env (and, in RLlib 2.60, restarts the env
    runner's whole `sample()`: a 1 % abort rate then stalls sampling).
    Either way, a benchmark that fails to load at reset is skipped for another
    one (a reset error would make RLlib recreate the env and retry the same
    seeded draw forever).
    """

    def __init__(self, env: gym.Env, recreate: bool = False) -> None:
        super().__init__(env)
        self.recreate = recreate

    def step(self, action):
        from ray.rllib.env.env_errors import StepFailedRecreateEnvError

        observation, reward, terminated, truncated, info = self.env.step(action)
        error = info.get("error")
        if error is not None and self.recreate:
            raise StepFailedRecreateEnvError(
                f"compiler {error.get('cause', 'error')} on {error.get('action')}: {error.get('message')}"
            )
        return observation, reward, terminated, truncated, info

    def reset(self, *, seed=None, options=None):
        for attempt in range(RESET_ATTEMPTS):
            try:
                return self.env.reset(seed=seed if attempt == 0 else None, options=options)
            except CompilerError as error:
                if options and options.get("benchmark") or attempt == RESET_ATTEMPTS - 1:
                    raise
                logger.warning("reset failed (%s); drawing another benchmark", error)
        raise AssertionError("unreachable")
