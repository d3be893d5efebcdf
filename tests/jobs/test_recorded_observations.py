"""`store: {observations: [Autophase]}`: a documented job's store exports to RLlib and Minari."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pyarrow.parquet as pq
import pytest

import cgym_ray  # noqa: F401  (registers the env ids)
from cgym_ray.cli.main import main
from cgym_ray.store import ExportError, TrajectoryStore
from tests.conftest import run_quickstart


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> TrajectoryStore:
    return run_quickstart(tmp_path_factory.mktemp("quickstart"), "store.observations=[Autophase]")


@pytest.mark.slow  # Ray: runs the quickstart job
def test_every_step_and_episode_start_holds_the_observation(recorded):
    episodes = recorded.episodes().to_pylist()
    assert episodes and {e["observation_space"] for e in episodes} == {"Autophase"}
    assert all(len(e["initial_observation"]) == 56 for e in episodes)
    steps = recorded.steps(columns=["observation"])
    assert steps.num_rows > 0 and steps["observation"].null_count == 0


@pytest.mark.slow  # Ray: runs the quickstart job
def test_observations_are_the_real_ones(recorded):
    """The first is the unoptimized module's Autophase; the last is its commandline's replayed."""
    [episode] = recorded.query(
        "SELECT e.episode_id, e.benchmark, e.commandline, e.initial_observation, s.observation "
        "FROM episodes e JOIN steps s USING (run_id, episode_id) "
        "WHERE s.step = e.num_steps - 1 AND e.status = 'ok' AND e.num_steps > 3 "
        "ORDER BY e.num_steps DESC LIMIT 1"
    ).to_pylist()
    env = gym.make("llvm-autophase-ic-v0").unwrapped
    try:
        initial, _ = env.reset(options={"benchmark": episode["benchmark"]})
        assert episode["initial_observation"] == initial.astype(np.float32).tolist()
        env.multistep(env.action_space.from_commandline(episode["commandline"]))
        final = env.observation["Autophase"]
        assert episode["observation"] == final.astype(np.float32).tolist()
    finally:
        env.close()


@pytest.mark.slow  # Ray: runs the quickstart job
def test_rllib_export_of_the_store(recorded, tmp_path):
    assert (
        main(
            ["results", "export", "rllib", str(tmp_path / "offline"), "--store", str(recorded.root)]
        )
        == 0
    )
    table = pq.read_table(tmp_path / "offline" / "transitions.parquet")
    assert table.num_rows == recorded.steps().num_rows
    space = table.schema.metadata[b"cgym.observation_space"].decode()
    from minari.serialization import deserialize_space

    assert deserialize_space(space) == gym.make("llvm-autophase-ic-v0").observation_space
    rows = table.to_pylist()
    for before, after in zip(rows, rows[1:], strict=False):
        if after["eps_id"] == before["eps_id"]:
            assert after["obs"] == before["new_obs"] and after["t"] == before["t"] + 1


@pytest.mark.slow  # Ray: runs the quickstart job
def test_minari_export_of_the_store(recorded, tmp_path, monkeypatch):
    assert (
        main(
            [
                "results",
                "export",
                "minari",
                "cgym/quickstart-v0",
                "--store",
                str(recorded.root),
                "--minari-root",
                str(tmp_path / "minari"),
                "--num-actions",
                "139",
            ]
        )
        == 0
    )
    import minari

    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
    dataset = minari.load_dataset("cgym/quickstart-v0")
    assert dataset.observation_space == gym.make("llvm-autophase-ic-v0").observation_space
    assert dataset.total_episodes == recorded.episodes().num_rows
    for episode in dataset.iterate_episodes():
        assert episode.observations.shape == (len(episode.actions) + 1, 56)
        assert episode.observations.dtype == np.int64


@pytest.mark.slow  # Ray: runs the quickstart job
def test_without_the_option_the_exports_say_what_to_add(tmp_path):
    store = run_quickstart(tmp_path, "agents=[{name: random}]")
    with pytest.raises(ExportError, match=r"store: \{observations: \[Autophase\]\}"):
        store.export_rllib(tmp_path / "offline")
    with pytest.raises(ExportError, match=r"store: \{observations: \[Autophase\]\}"):
        store.export_minari("cgym/plain-v0", minari_root=tmp_path / "minari")
