"""Training episodes, from inside RLlib's env runners, into the trajectory store.

Each env runner process opens its own store writer for the training run (one
per process, shared by its envs) and writes one `EpisodeRecord` per finished
episode: the learning curves are drawn from these rows. Steps are recorded
during training only when the job names an observation to record
(`store: {observations: [Autophase]}`), as data for offline RL: then every
step holds it, and every episode its initial one; evaluation records every step.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import gymnasium as gym

from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore, TrajectoryWriter

# This process's writer per run, and how many open recorders use it.
_writers: dict[tuple[str, str, int], TrajectoryWriter] = {}
_users: dict[tuple[str, str, int], int] = {}


def process_writer(store_path: str, run_id: str) -> TrajectoryWriter:
    """This process's writer for a run (env runners are processes; their envs share it)."""
    key = (store_path, run_id, os.getpid())
    if key not in _writers:
        _writers[key] = TrajectoryStore.open(store_path).writer(run_id)
    return _writers[key]


def release_writer(store_path: str, run_id: str) -> None:
    """One recorder is done: the last one closes the writer (commits, withdraws its lease)."""
    key = (store_path, run_id, os.getpid())
    _users[key] = _users.get(key, 1) - 1
    if _users[key] <= 0 and key in _writers:
        _users.pop(key)
        _writers.pop(key).close()


class TrainingRecorder(gym.Wrapper):
    """Writes an `EpisodeRecord` (agent e.g. "ppo-train") for every episode that ends.

    An episode the compiler cut short is recorded with status "error" before the
    error goes up to RLlib. With `observation` (a space's name), every step is
    recorded too, with that observation of the compiler's state after it (the
    policy's own observation is computed from it, see `envs.py`).
    """

    def __init__(
        self,
        env: gym.Env,
        store_path: str,
        run_id: str,
        agent: str,
        worker_index: int = 0,
        observation: str | None = None,
    ) -> None:
        super().__init__(env)
        self.store_path = store_path
        self.run_id = run_id
        self.agent = agent
        self.observe = None
        self.observation_space_json = None
        if observation:
            from cgym_ray.distributed.recording import observation_space_json
            from cgym_ray.envs.observations import get_observation_spec

            self.observe = get_observation_spec(observation)
            self.observation_space_json = observation_space_json(observation)
        self.params = json.dumps({"worker_index": worker_index})
        self._episode: dict[str, Any] | None = None
        self._closed = False
        key = (store_path, run_id, os.getpid())
        _users[key] = _users.get(key, 0) + 1

    def reset(self, *, seed=None, options=None):
        self._write_unfinished()
        observation, info = self.env.reset(seed=seed, options=options)
        self._episode = {
            "id": uuid.uuid4().hex[:12],
            "started": time.monotonic(),
            "steps": 0,
            "reward": 0.0,
            "seed": seed,
            "count": info.get("instruction_count"),
            "initial_observation": self._observation(),
        }
        return observation, info

    def _observation(self):
        """The recorded observation of the compiler's state now (None if none is recorded)."""
        return (
            None if self.observe is None else self.env.unwrapped.current_observation(self.observe)
        )

    def step(self, action):
        started = time.perf_counter()
        applied = len(self.env.unwrapped.actions)
        observation, reward, terminated, truncated, info = self.env.step(action)
        if self._episode is not None:
            self._episode["steps"] += 1
            self._episode["reward"] += float(reward)
            if info.get("instruction_count") is not None:
                self._episode["count"] = info["instruction_count"]
            if self.observe is not None:
                self._write_step(
                    action, float(reward), terminated, truncated, info, applied, started
                )
            if terminated or truncated:
                self._write(info.get("error"))
        return observation, reward, terminated, truncated, info

    def _write_step(self, action, reward, terminated, truncated, info, applied, started) -> None:
        """One training step, with the recorded observation after it."""
        episode = self._episode
        assert episode is not None
        llvm = self.env.unwrapped
        error = info.get("error")
        if error is not None:  # the action failed and changed nothing: the observation stands
            name = str(error.get("action", "?"))
            observed = episode.get("last_observation", episode["initial_observation"])
        else:
            # The policy's action may be a subset's index or the terminal action: name what ran.
            name = (
                llvm.action_space.names[llvm.actions[-1]] if len(llvm.actions) > applied else "stop"
            )
            observed = self._observation()
        episode["last_observation"] = observed
        process_writer(self.store_path, self.run_id).add_step(
            StepRecord(
                episode_id=episode["id"],
                step=episode["steps"] - 1,
                benchmark=llvm.benchmark.uri,
                action=int(action),
                action_name=name,
                reward=reward,
                cumulative_reward=episode["reward"],
                instruction_count=info.get("instruction_count") or -1,
                walltime_s=time.perf_counter() - started,
                terminated=bool(terminated),
                truncated=bool(truncated),
                error=None
                if error is None
                else f"{error.get('cause', '')}: {error.get('message', '')}",
                observation=observed,
                backend=llvm.backend,
                llvm_version=llvm.llvm_version,
            )
        )

    def _write_unfinished(self) -> None:
        """An episode cut off mid-way (training ended, or RLlib reset it) whose steps are recorded
        gets its row too, status "unfinished": its steps need its initial observation."""
        if self.observe is not None and self._episode is not None and self._episode["steps"]:
            self._write(None, status="unfinished")

    def _write(self, error: dict[str, Any] | None, status: str | None = None) -> None:
        episode, self._episode = self._episode, None
        assert episode is not None
        llvm = self.env.unwrapped
        references: dict[str, int | None] = {}
        try:
            references = llvm.references("instruction_count")
        except Exception:  # a reference that cannot be computed is left empty
            pass
        process_writer(self.store_path, self.run_id).add_episode(
            EpisodeRecord(
                episode_id=episode["id"],
                benchmark=llvm.benchmark.uri,
                agent=self.agent,
                num_steps=episode["steps"],
                reward=episode["reward"],
                seed=episode["seed"],
                commandline=llvm.commandline(),
                instruction_count_final=episode["count"],
                instruction_count_o0=references.get("O0"),
                instruction_count_oz=references.get("Oz"),
                backend=llvm.backend,
                llvm_version=llvm.llvm_version,
                walltime_s=time.monotonic() - episode["started"],
                status=status or ("ok" if error is None else "error"),
                error=None
                if error is None
                else f"{error.get('cause', '')}: {error.get('message', '')}",
                observation_space=self.observe.name if self.observe else llvm.observation_spec.name,
                reward_space=llvm.reward_spec.name if llvm.reward_spec else None,
                initial_observation=episode["initial_observation"],
                observation_space_json=self.observation_space_json,
                agent_params=self.params,
            )
        )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._write_unfinished()
            finally:
                release_writer(self.store_path, self.run_id)
        super().close()
