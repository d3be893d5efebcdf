"""Recorded episodes in other people's formats: CompilerGym's CSV, RLlib's offline columns, Minari.

>>> store.export_compilergym_csv("random.csv", run_id=run_id)  # doctest: +SKIP
>>> path = store.export_rllib("offline/", run_id=run_id)  # doctest: +SKIP
>>> BCConfig().offline_data(input_=[str(path)])  # RLlib reads it as is  # doctest: +SKIP
>>> store.export_minari("cgym/crc32-random-v0", run_id=run_id)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cgym_ray.store.errors import ExportError

if TYPE_CHECKING:
    from cgym_ray.store.store import Filter, TrajectoryStore

COMPILERGYM_CSV_HEADER = ("benchmark", "reward", "walltime", "commandline")
RECORD_HINT = "record them with `store: {observations: [Autophase]}` in the job file"
RLLIB_COLUMNS = ("eps_id", "obs", "actions", "rewards", "new_obs", "terminateds", "truncateds", "t")
GRAPH_RENAMES = {"obs_graph": "obs", "new_obs_graph": "new_obs"}


def write_compilergym_csv(episodes: pa.Table, path: Path) -> int:
    """CompilerGym's state CSV, one row per episode: `benchmark,reward,walltime,commandline`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [episodes[name].to_pylist() for name in ("benchmark", "reward", "walltime_s")]
    commandlines = episodes["commandline"].to_pylist()
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(COMPILERGYM_CSV_HEADER)
        for benchmark, reward, walltime_s, commandline in zip(*columns, commandlines, strict=True):
            out.writerow([benchmark, "" if reward is None else reward, walltime_s, commandline])
    return episodes.num_rows


def _where(filters: dict[str, Filter]) -> tuple[str, dict[str, Any]]:
    clauses, parameters = [], {}
    for column, value in filters.items():
        if value is None:
            continue
        if column not in ("run_id", "benchmark", "eps_id"):
            raise ExportError(f"cannot filter transitions by {column!r}")
        parameters[column] = [value] if isinstance(value, str) else list(value)
        clauses.append(f"list_contains(${column}, {column})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", parameters


def _fixed_size(column: pa.ChunkedArray, name: str) -> pa.Array:
    """list<float32> -> fixed_size_list<float32>[n]: RLlib and Ray Data see an (N, n) tensor."""
    column = column.combine_chunks()
    lengths = pc.unique(pc.list_value_length(column)).to_pylist()
    if len(lengths) != 1:
        raise ExportError(f"{name} has observations of different lengths {lengths}")
    return pa.FixedSizeListArray.from_arrays(column.flatten(), lengths[0])


def write_rllib(
    store: TrajectoryStore,
    path: Path,
    run_id: Filter = None,
    benchmark: Filter = None,
    episode_id: Filter = None,
) -> Path:
    """The `transitions` view as Parquet in RLlib's offline column names; returns the file.

    Each row is one transition (obs, actions, rewards, new_obs, terminateds,
    truncateds) of episode `eps_id` at time `t`. Recorded program graphs
    (`ProgramlArrays`) make `obs` and `new_obs` structs of node and edge lists
    (`schema.GRAPH_TYPE`) instead of fixed-size vectors. Give the directory (or file)
    to `AlgorithmConfig.offline_data(input_=[...])`: BC, MARWIL and CQL read it
    with RLlib's default schema.
    """
    where, parameters = _where({"run_id": run_id, "benchmark": benchmark, "eps_id": episode_id})
    columns = ", ".join((*RLLIB_COLUMNS, "obs_graph", "new_obs_graph"))
    table = store.query(
        f"SELECT {columns} FROM transitions{where} ORDER BY run_id, eps_id, t", parameters
    )
    if table.num_rows == 0:
        raise ExportError(f"no steps in {store.root} match the selection")
    # Program graphs: obs and new_obs are structs of node and edge lists (schema.GRAPH_TYPE).
    graphs = table["new_obs_graph"].null_count < table.num_rows
    if graphs:
        table = table.drop_columns(["obs", "new_obs"])
        table = table.rename_columns([GRAPH_RENAMES.get(c, c) for c in table.column_names])
        table = table.select(list(RLLIB_COLUMNS))
    else:
        table = table.drop_columns(["obs_graph", "new_obs_graph"])
    missing = table["obs"].null_count + table["new_obs"].null_count
    if missing:
        raise ExportError(
            f"{missing} transitions have no observation (or no episode initial_observation); "
            + RECORD_HINT
        )
    if not graphs:
        table = table.set_column(1, "obs", _fixed_size(table["obs"], "obs"))
        table = table.set_column(4, "new_obs", _fixed_size(table["new_obs"], "new_obs"))
    table = table.set_column(2, "actions", table["actions"].cast(pa.int64()))
    space = _recorded_space_json(store, table["eps_id"].unique().to_pylist())
    if space is not None:  # how to rebuild the observation space: minari's deserialize_space
        table = table.replace_schema_metadata({"cgym.observation_space": space})
    file = path / "transitions.parquet" if path.suffix != ".parquet" else path
    file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, file, compression="zstd")
    return file


def _recorded_space_json(store: TrajectoryStore, episode_ids: list[str]) -> str | None:
    """The one observation space (Minari JSON) the episodes recorded; None if none says."""
    episodes = store.episodes(episode_id=episode_ids, columns=["observation_space_json"])
    spaces = {value for value in episodes["observation_space_json"].to_pylist() if value}
    if len(spaces) > 1:
        raise ExportError(
            f"the selected episodes recorded {len(spaces)} different observation spaces; "
            "select one run (or benchmark) at a time"
        )
    return spaces.pop() if spaces else None


def _episode_steps(steps: pa.Table) -> dict[str, pa.Table]:
    """Steps grouped by episode id, each sorted by step."""
    steps = steps.sort_by([("episode_id", "ascending"), ("step", "ascending")])
    ids = steps["episode_id"].to_numpy(zero_copy_only=False)
    if len(ids) == 0:
        return {}
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    return {ids[s]: steps.slice(s, e - s) for s, e in zip(starts, ends, strict=True)}


def write_minari(
    store: TrajectoryStore,
    dataset_id: str,
    *,
    run_id: Filter = None,
    benchmark: Filter = None,
    episode_id: Filter = None,
    agent: Filter = None,
    num_actions: int | None = None,
    observation_space: Any = None,
    action_space: Any = None,
    minari_root: str | os.PathLike[str] | None = None,
    author: str = "cgym-ray",
    description: str | None = None,
    code_permalink: str | None = None,
) -> Any:
    """A Minari dataset (format "arrow") of the selected episodes; returns the `MinariDataset`.

    Observations are each episode's initial observation followed by its steps'.
    `num_actions` (the action catalogue's size) sets a `Discrete` action space;
    by default the largest recorded action + 1. Dataset metadata names the
    benchmarks, backends and LLVM versions; each episode's metadata names its
    benchmark URI, run, episode id, agent, backend and LLVM version.
    `minari_root` overrides `$MINARI_DATASETS_PATH` (default ~/.minari/datasets).
    """
    import gymnasium as gym
    import minari
    from minari.data_collector.episode_buffer import EpisodeBuffer

    episodes = store.episodes(
        run_id=run_id, benchmark=benchmark, episode_id=episode_id, agent=agent
    ).sort_by([("started_at", "ascending"), ("episode_id", "ascending")])
    if episodes.num_rows == 0:
        raise ExportError(f"no episodes in {store.root} match the selection")
    if episodes["initial_observation_graph"].null_count < episodes.num_rows:
        raise ExportError(
            "these episodes recorded program graphs, which Minari has no space for; "
            "export them with `cgym-ray results export rllib` (Parquet, graphs as lists of "
            "node and edge arrays)"
        )
    ids = episodes["episode_id"].to_pylist()
    steps_by_episode = _episode_steps(
        store.steps(
            run_id=sorted(set(episodes["run_id"].to_pylist())),
            episode_id=ids,
            columns=[
                "episode_id",
                "step",
                "action",
                "reward",
                "observation",
                "terminated",
                "truncated",
                "instruction_count",
            ],
        )
    )
    buffers = []
    for index, episode in enumerate(episodes.to_pylist()):
        steps = steps_by_episode.get(episode["episode_id"])
        buffers.append(_episode_buffer(EpisodeBuffer, index, episode, steps))
    observation_length = buffers[0].observations.shape[1]
    if observation_space is None:
        recorded = _recorded_space_json(store, ids)
        if recorded is not None:
            from minari.serialization import deserialize_space

            observation_space = deserialize_space(recorded)
        else:
            observation_space = gym.spaces.Box(-np.inf, np.inf, (observation_length,), np.float32)
    if isinstance(
        observation_space, gym.spaces.Box
    ):  # the store keeps float32: back to the space's type
        buffers = [
            replace(buffer, observations=buffer.observations.astype(observation_space.dtype))
            for buffer in buffers
        ]
    if action_space is None:
        largest = max(int(buffer.actions.max()) for buffer in buffers if len(buffer.actions))
        action_space = gym.spaces.Discrete(num_actions or largest + 1)
    agents = sorted(set(episodes["agent"].to_pylist()))
    saved_root = os.environ.get("MINARI_DATASETS_PATH")
    if minari_root is not None:  # Minari reads its location from the environment only
        os.environ["MINARI_DATASETS_PATH"] = str(minari_root)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Minari's "no code_permalink/email" nags
            dataset = minari.create_dataset_from_buffers(
                dataset_id=dataset_id,
                buffer=buffers,
                observation_space=observation_space,
                action_space=action_space,
                algorithm_name=",".join(agents),
                author=author,
                code_permalink=code_permalink,
                description=description or _describe(episodes),
                data_format="arrow",
            )
    finally:
        if minari_root is not None:
            if saved_root is None:
                os.environ.pop("MINARI_DATASETS_PATH", None)
            else:
                os.environ["MINARI_DATASETS_PATH"] = saved_root
    dataset.storage.update_metadata(_dataset_metadata(episodes))
    dataset.storage.update_episode_metadata(
        [_episode_metadata(episode) for episode in episodes.to_pylist()], range(len(buffers))
    )
    return dataset


def _episode_buffer(buffer_class: type, index: int, episode: dict, steps: pa.Table | None) -> Any:
    name = f"episode {episode['episode_id']} ({episode['benchmark']})"
    if steps is None or steps.num_rows == 0:
        raise ExportError(f"{name} has no recorded steps")
    if steps["step"].to_pylist() != list(range(steps.num_rows)):
        raise ExportError(f"{name}: its recorded steps are not 0..{steps.num_rows - 1}")
    initial = episode["initial_observation"]
    if initial is None or steps["observation"].null_count:
        raise ExportError(
            f"{name} has no recorded observations (or no initial_observation); {RECORD_HINT}"
        )
    observations = np.vstack(
        [np.asarray(initial, np.float32), np.stack(steps["observation"].to_numpy(False))]
    ).astype(np.float32)
    counts = steps["instruction_count"].to_pylist()
    return buffer_class(
        id=index,
        seed=episode["seed"],
        observations=observations,
        actions=steps["action"].to_numpy().astype(np.int64),
        rewards=steps["reward"].to_pylist(),
        terminations=steps["terminated"].to_pylist(),
        truncations=steps["truncated"].to_pylist(),
        infos={"instruction_count": [episode["instruction_count_o0"] or -1, *counts]},
    )


def _unique(episodes: pa.Table, column: str) -> list[str]:
    return sorted({value for value in episodes[column].to_pylist() if value})


def _dataset_metadata(episodes: pa.Table) -> dict[str, Any]:
    return {
        "benchmarks": _unique(episodes, "benchmark"),
        "backends": _unique(episodes, "backend"),
        "llvm_versions": _unique(episodes, "llvm_version"),
        "observation_spaces": _unique(episodes, "observation_space"),
        "reward_spaces": _unique(episodes, "reward_space"),
        "cgym_ray_runs": _unique(episodes, "run_id"),
        "cgym_ray_package_versions": _unique(episodes, "package_version"),
    }


def _episode_metadata(episode: dict[str, Any]) -> dict[str, Any]:
    keys: Sequence[str] = (
        "benchmark",
        "run_id",
        "episode_id",
        "agent",
        "backend",
        "llvm_version",
        "commandline",
        "status",
        "reward_space",
        "observation_space",
    )
    return {key: episode[key] for key in keys if episode[key] is not None}


def _describe(episodes: pa.Table) -> str:
    benchmarks = _unique(episodes, "benchmark")
    return (
        f"{episodes.num_rows} cgym-ray episodes on {len(benchmarks)} benchmark(s) "
        f"({', '.join(benchmarks[:5])}{', ...' if len(benchmarks) > 5 else ''}), "
        f"LLVM {', '.join(_unique(episodes, 'llvm_version')) or 'unknown'}"
    )
