"""Export: CompilerGym's CSV, RLlib's offline columns, a Minari dataset with our metadata."""

from __future__ import annotations

import csv

import numpy as np
import pyarrow.parquet as pq
import pytest

from cgym_ray.store import ExportError

from .conftest import CRC32, DIJKSTRA, NUM_ACTIONS, OBSERVATION_LENGTH, record_episode


@pytest.fixture
def recorded(store, run_id):
    with store.writer(run_id) as writer:
        for seed in range(3):
            record_episode(writer, CRC32, num_steps=6, seed=seed)
        record_episode(writer, DIJKSTRA, num_steps=4, seed=7)
    return store


def test_compilergym_csv_has_its_header_and_one_row_per_selected_episode(recorded, tmp_path):
    path = tmp_path / "state.csv"
    assert recorded.export_compilergym_csv(path, benchmark=CRC32) == 3
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["benchmark", "reward", "walltime", "commandline"]
    assert {row[0] for row in rows[1:]} == {CRC32}
    assert all(row[3] == "function(sroa),instcombine" and float(row[2]) > 0 for row in rows[1:])


def test_rllib_export_has_rllib_columns_and_consecutive_observations(recorded, tmp_path):
    path = recorded.export_rllib(tmp_path / "rllib", benchmark=DIJKSTRA)
    table = pq.read_table(path)
    assert table.column_names == [
        "eps_id",
        "obs",
        "actions",
        "rewards",
        "new_obs",
        "terminateds",
        "truncateds",
        "t",
    ]
    assert table["t"].to_pylist() == [0, 1, 2, 3]
    obs, new_obs = (np.stack(table[c].to_numpy(zero_copy_only=False)) for c in ("obs", "new_obs"))
    assert obs.shape == (4, OBSERVATION_LENGTH)
    np.testing.assert_array_equal(obs[1:], new_obs[:-1])
    assert table["terminateds"].to_pylist() == [False, False, False, True]


def test_rllib_export_refuses_steps_without_observations(store, run_id, tmp_path):
    with store.writer(run_id) as writer:
        record_episode(writer, num_steps=3, observations=False)
    with pytest.raises(ExportError, match="no observation"):
        store.export_rllib(tmp_path / "rllib")


def test_minari_dataset_round_trips_with_benchmark_and_llvm_metadata(recorded, tmp_path):
    dataset = recorded.export_minari(
        "cgym/suite-random-v0", minari_root=tmp_path / "minari", num_actions=NUM_ACTIONS
    )
    assert dataset.total_episodes == 4 and dataset.total_steps == 22
    metadata = dataset.storage.metadata
    assert metadata["data_format"] == "arrow"
    assert metadata["benchmarks"] == [CRC32, DIJKSTRA]
    assert metadata["backends"] == ["libllvm"] and metadata["llvm_versions"] == ["23.1.4"]
    assert dataset.action_space.n == NUM_ACTIONS

    episodes = list(dataset.iterate_episodes())
    lengths = sorted(len(episode.actions) for episode in episodes)
    assert lengths == [4, 6, 6, 6]
    first = episodes[0]
    assert first.observations.shape == (len(first.actions) + 1, OBSERVATION_LENGTH)
    episode_metadata = list(dataset.storage.get_episode_metadata(range(4)))
    assert {m["benchmark"] for m in episode_metadata} == {CRC32, DIJKSTRA}
    assert all(m["llvm_version"] == "23.1.4" and m["run_id"] for m in episode_metadata)


def test_minari_dataset_is_found_by_minari_under_its_root(recorded, tmp_path, monkeypatch):
    import minari

    recorded.export_minari("cgym/found-v0", minari_root=tmp_path / "minari")
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
    loaded = minari.load_dataset("cgym/found-v0")
    assert loaded.total_episodes == 4
    assert loaded.storage.metadata["llvm_versions"] == ["23.1.4"]


def test_export_of_nothing_is_an_error(recorded, tmp_path):
    with pytest.raises(ExportError, match="no episodes"):
        recorded.export_minari("cgym/none-v0", minari_root=tmp_path, benchmark="benchmark://x/y")
