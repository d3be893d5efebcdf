"""Program graphs in the store: Arrow lists of node and edge arrays, exported to RLlib's columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from cgym_ray.llvm.backend import get_backend
from cgym_ray.store import EpisodeRecord, ExportError, StepRecord, TrajectoryStore, new_id
from cgym_ray.store.schema import GRAPH_FIELDS, GRAPH_TYPE
from tests.conftest import run_quickstart

FIXTURE = Path(__file__).parents[1] / "llvm" / "programl_fixture.ll"
CRC32 = "benchmark://cgym-suite-v0/crc32"


@pytest.fixture(scope="module")
def graphs():
    """The fixture module's graph before and after two passes: three graphs, all different."""
    module = get_backend("libllvm").load(FIXTURE.read_bytes(), "programl_fixture")
    result = [module.programl(with_text=False)]
    for pipeline in ("mem2reg", "instcombine"):
        module.run_pipeline(pipeline)
        result.append(module.programl(with_text=False))
    return result


def _record(store: TrajectoryStore, graphs) -> str:
    run_id = store.begin_run(config={"agent": "random"}, name="graphs")
    episode_id = new_id()
    with store.writer(run_id) as writer:
        for step, graph in enumerate(graphs[1:]):
            writer.add_step(
                StepRecord(
                    episode_id=episode_id,
                    step=step,
                    benchmark=CRC32,
                    action=step,
                    action_name=f"pass{step}",
                    reward=0.5,
                    cumulative_reward=0.5 * (step + 1),
                    instruction_count=int((graph.node_kind == 0).sum()) - 1,
                    walltime_s=0.001,
                    observation=graph,
                )
            )
        writer.add_episode(
            EpisodeRecord(
                episode_id=episode_id,
                benchmark=CRC32,
                agent="random",
                num_steps=len(graphs) - 1,
                reward=1.0,
                observation_space="ProgramlArrays",
                initial_observation=graphs[0],
            )
        )
    return run_id


def _same(row: dict, graph) -> bool:
    return all(np.array_equal(row[name], getattr(graph, name)) for name, _ in GRAPH_FIELDS)


def test_graphs_round_trip_through_their_own_columns(tmp_path, graphs):
    store = TrajectoryStore.open(tmp_path / "store")
    _record(store, graphs)
    steps = store.steps(columns=["step", "observation", "observation_graph"]).sort_by("step")
    assert steps.schema.field("observation_graph").type == GRAPH_TYPE
    assert steps["observation"].null_count == steps.num_rows  # not in the vector column
    rows = steps["observation_graph"].to_pylist()
    assert all(_same(row, graph) for row, graph in zip(rows, graphs[1:], strict=True))
    [episode] = store.episodes(columns=["initial_observation_graph"]).to_pylist()
    assert _same(episode["initial_observation_graph"], graphs[0])


def test_rllib_export_carries_graphs_as_obs_and_new_obs(tmp_path, graphs):
    store = TrajectoryStore.open(tmp_path / "store")
    _record(store, graphs)
    table = pq.read_table(store.export_rllib(tmp_path / "offline"))
    assert table.column_names[:5] == ["eps_id", "obs", "actions", "rewards", "new_obs"]
    assert table.schema.field("obs").type == GRAPH_TYPE
    obs, new_obs = table["obs"].to_pylist(), table["new_obs"].to_pylist()
    assert _same(obs[0], graphs[0]) and _same(new_obs[0], graphs[1])
    assert _same(obs[1], graphs[1]) and _same(new_obs[1], graphs[2])


def test_minari_export_of_graphs_names_the_export_that_takes_them(tmp_path, graphs):
    store = TrajectoryStore.open(tmp_path / "store")
    _record(store, graphs)
    with pytest.raises(ExportError, match="results export rllib"):
        store.export_minari("cgym/graphs-v0", minari_root=tmp_path / "minari")


def test_a_job_records_only_spaces_the_store_can_hold():
    from cgym_ray.jobs.schema import StoreSection

    assert StoreSection(observations=["ProgramlArrays"]).observation == "ProgramlArrays"
    with pytest.raises(ValueError, match="ProgramlArrays"):
        StoreSection(observations=["Programl"])


@pytest.mark.slow  # Ray: runs the quickstart job
def test_a_job_records_the_graph_of_every_step(tmp_path):
    store = run_quickstart(tmp_path, "store.observations=[ProgramlArrays]", uris=f"[{CRC32}]")
    [episode] = store.query(
        "SELECT initial_observation_graph FROM episodes WHERE status = 'ok' LIMIT 1"
    ).to_pylist()
    from cgym_ray.datasets import get_dataset

    bitcode = get_dataset("cgym-suite-v0").benchmark("crc32").bitcode()
    module = get_backend("libllvm").load(bitcode, "crc32")
    assert _same(episode["initial_observation_graph"], module.programl(with_text=False))
    # Every step's graph is its own module's: one instruction node per instruction, + the root.
    steps = store.steps(columns=["instruction_count", "observation_graph", "error"]).to_pylist()
    assert steps and all(step["observation_graph"] is not None for step in steps)
    for step in steps:
        if step["error"] is None:
            kinds = step["observation_graph"]["node_kind"]
            assert kinds.count(0) == step["instruction_count"] + 1
