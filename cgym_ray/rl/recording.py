"""Training episodes, from inside RLlib's env runners, into the trajectory store.

Each env runner process opens its own store writer for the training run (one
per process, shared by its envs) and writes one `EpisodeRecord` per finished
episode: the learning curves are drawn from these rows. Steps are not
recorded during training (hundreds of thousands of them, already summarised
by the episode rows); evaluation records every step.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import gymnasium as gym

from cgym_ray.store import EpisodeRecord, TrajectoryStore, TrajectoryWriter

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
    error goes up to RLlib.
    """

    def __init__(
        self, env: gym.Env, store_path: str, run_id: str, agent: str, worker_index: int = 0
    ) -> None:
        super().__init__(env)
        self.store_path = store_path
        self.run_id = run_id
        self.agent = agent
        self.params = json.dumps({"worker_index": worker_index})
        self._episode: dict[str, Any] | None = None
        self._closed = False
        key = (store_path, run_id, os.getpid())
        _users[key] = _users.get(key, 0) + 1

    def reset(self, *, seed=None, options=None):
        observation, info = self.env.reset(seed=seed, options=options)
        self._episode = {
            "id": uuid.uuid4().hex[:12],
            "started": time.monotonic(),
            "steps": 0,
            "reward": 0.0,
            "seed": seed,
            "count": info.get("instruction_count"),
        }
        return observation, info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        if self._episode is not None:
            self._episode["steps"] += 1
            self._episode["reward"] += float(reward)
            if info.get("instruction_count") is not None:
                self._episode["count"] = info["instruction_count"]
            if terminated or truncated:
                self._write(info.get("error"))
        return observation, reward, terminated, truncated, info

    def _write(self, error: dict[str, Any] | None) -> None:
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
                status="ok" if error is None else "error",
                error=None
                if error is None
                else f"{error.get('cause', '')}: {error.get('message', '')}",
                observation_space=llvm.observation_spec.name,
                reward_space=llvm.reward_spec.name if llvm.reward_spec else None,
                agent_params=self.params,
            )
        )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            release_writer(self.store_path, self.run_id)
        super().close()
