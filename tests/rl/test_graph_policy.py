"""The GNN policy on Programl graphs: padded batches, built without loops, and a smoke training run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cgym_ray.llvm.backend import get_backend
from cgym_ray.rl.graph_observation import TOKEN_ROOT, VOCABULARY, node_tokens, pad_graph

FIXTURE = Path(__file__).parents[1] / "llvm" / "programl_fixture.ll"


@pytest.fixture(scope="module")
def graphs():
    module = get_backend("libllvm").load(FIXTURE.read_bytes(), "programl_fixture")
    first = module.programl(with_text=False)
    module.run_pipeline("mem2reg,instcombine")
    return first, module.programl(with_text=False)


def test_tokens_tell_kinds_opcodes_and_types_apart(graphs):
    tokens = node_tokens(graphs[0])
    assert tokens[0] == TOKEN_ROOT and tokens.max() < VOCABULARY
    # the two `ret`s share a token; `add` and `ret` do not; i32 variables and constants differ
    assert tokens[2] == tokens[10] and tokens[1] != tokens[2]
    assert tokens[11] != tokens[16]


def test_padding_cuts_nodes_and_their_edges(graphs):
    graph = graphs[0]
    full = pad_graph(graph, 32, 64)
    assert full["num_nodes"][0] == graph.num_nodes and full["num_edges"][0] == graph.num_edges
    cut = pad_graph(graph, 5, 64)
    kept = int(((graph.edge_source < 5) & (graph.edge_target < 5)).sum())
    assert cut["num_nodes"][0] == 5 and cut["num_edges"][0] == kept
    assert cut["edge_index"][:, :kept].max() < 5


@pytest.mark.slow  # imports PyTorch Geometric and RLlib (seconds of CPU)
def test_a_batch_is_the_graphs_side_by_side(graphs):
    import torch

    from cgym_ray.rl.gnn import batch_graphs

    padded = [pad_graph(g, 32, 64) for g in graphs]
    obs = {key: torch.from_numpy(np.stack([p[key] for p in padded])) for key in padded[0]}
    tokens, edge_index, edge_type, graph_of_node = batch_graphs(obs)
    first, second = graphs
    assert tokens.tolist() == [*node_tokens(first), *node_tokens(second)]
    assert graph_of_node.tolist() == [0] * first.num_nodes + [1] * second.num_nodes
    forward = {
        *zip(
            first.edge_source.tolist(),
            first.edge_target.tolist(),
            first.edge_kind.tolist(),
            strict=True,
        ),
        *zip(
            (second.edge_source + first.num_nodes).tolist(),
            (second.edge_target + first.num_nodes).tolist(),
            second.edge_kind.tolist(),
            strict=True,
        ),
    }
    edges = list(zip(*edge_index.tolist(), edge_type.tolist(), strict=True))
    assert {e for e in edges if e[2] < 3} == forward
    assert {(t, s, k - 3) for s, t, k in edges if k >= 3} == forward


@pytest.mark.slow  # Ray and RLlib: a few PPO iterations with the GNN
def test_ppo_graph_config_trains(ray_cluster, tmp_path):
    from cgym_ray.jobs.loading import load_job
    from cgym_ray.rl.runner import run_train_job

    config = Path(__file__).resolve().parents[2] / "configs" / "ppo-graph.yaml"
    job = load_job(
        config,
        [
            f"store.path={tmp_path / 'store'}",
            f"output.dir={tmp_path / 'out'}",
            "iterations=2",
            "checkpoint_every=0",
            "algorithm.train_batch_size=40",
            "algorithm.minibatch_size=20",
            "algorithm.num_epochs=1",
        ],
    )
    summary = run_train_job(job, progress=False)
    assert summary.iterations == 2 and summary.env_steps == 80 and summary.errors == 0
    assert (Path(summary.final_checkpoint) / "cgym_policy.json").is_file()
