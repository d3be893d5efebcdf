"""The Programl graph as fixed-size arrays, what a graph policy observes (numpy only).

RLlib batches observations by stacking arrays of one shape, and a program
graph has no fixed size. So each graph is padded (or cut) to `max_nodes`
nodes and `max_edges` edges, with its true sizes beside it; the GNN module
(`rl/gnn.py`) masks the padding away with tensor operations, so building a
batch never loops over nodes in Python.

Each node becomes one token: 0 is padding, 1 the `[external]` root, then
one token per instruction opcode, per variable type kind and per constant
type kind (LLVM's C API numbers, the same on every module). Edges keep their
kind (control, data, call); the module adds the reversed edges itself.

    >>> env = GraphObservation(gym.make("llvm-v0", observation_space="ProgramlArrays").unwrapped)  # doctest: +SKIP
    >>> obs, _ = env.reset(); obs["node_tokens"][: obs["num_nodes"][0]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from cgym_ray.errors import CompilerError

TOKEN_PAD, TOKEN_ROOT = 0, 1
TOKEN_INSTRUCTION = 2  # + the C API opcode (0..127)
TOKEN_VARIABLE = TOKEN_INSTRUCTION + 128  # + the LLVMTypeKind (0..31)
TOKEN_CONSTANT = TOKEN_VARIABLE + 32
VOCABULARY = TOKEN_CONSTANT + 32
NUM_EDGE_KINDS = 3
# Enough for the suite's small programs at O0 (crc32: 1,878 nodes, 3,677 edges); a
# bigger graph keeps its first nodes and the edges between them.
MAX_NODES = 4096
MAX_EDGES = 8192


def node_tokens(graph: Any) -> np.ndarray:
    """Each node's token (see the module docstring), from a `ProgramGraph`."""
    kind = graph.node_kind
    return np.select(
        [(kind == 0) & (graph.node_opcode < 0), kind == 0, kind == 1],
        [
            TOKEN_ROOT,
            TOKEN_INSTRUCTION + np.clip(graph.node_opcode, 0, 127),
            TOKEN_VARIABLE + np.clip(graph.node_type_kind, 0, 31),
        ],
        TOKEN_CONSTANT + np.clip(graph.node_type_kind, 0, 31),
    ).astype(np.int32)


def graph_space(max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES) -> spaces.Dict:
    return spaces.Dict(
        {
            "node_tokens": spaces.Box(0, VOCABULARY - 1, (max_nodes,), np.int32),
            "edge_index": spaces.Box(0, max_nodes - 1, (2, max_edges), np.int32),
            "edge_kind": spaces.Box(0, NUM_EDGE_KINDS - 1, (max_edges,), np.int32),
            "num_nodes": spaces.Box(1, max_nodes, (1,), np.int32),
            "num_edges": spaces.Box(0, max_edges, (1,), np.int32),
        }
    )


def pad_graph(
    graph: Any, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
) -> dict[str, np.ndarray]:
    """The graph in `graph_space` arrays: nodes past `max_nodes` and their edges are cut."""
    tokens = node_tokens(graph)[:max_nodes]
    keep = (graph.edge_source < max_nodes) & (graph.edge_target < max_nodes)
    source = graph.edge_source[keep][:max_edges]
    target = graph.edge_target[keep][:max_edges]
    kinds = graph.edge_kind[keep][:max_edges]
    padded_tokens = np.zeros(max_nodes, np.int32)
    padded_tokens[: len(tokens)] = tokens
    edge_index = np.zeros((2, max_edges), np.int32)
    edge_index[0, : len(source)] = source
    edge_index[1, : len(target)] = target
    edge_kind = np.zeros(max_edges, np.int32)
    edge_kind[: len(kinds)] = kinds
    return {
        "node_tokens": padded_tokens,
        "edge_index": edge_index,
        "edge_kind": edge_kind,
        "num_nodes": np.array([len(tokens)], np.int32),
        "num_edges": np.array([len(source)], np.int32),
    }


class GraphObservation(gym.ObservationWrapper):
    """`ProgramlArrays` observations -> `graph_space` arrays (see `pad_graph`)."""

    def __init__(self, env: gym.Env, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES):
        super().__init__(env)
        spec = getattr(env.unwrapped, "observation_spec", None)
        if spec is None or spec.name != "ProgramlArrays":
            raise CompilerError(
                "GraphObservation needs the ProgramlArrays observation, not "
                f"{getattr(spec, 'name', env.observation_space)}"
            )
        self.max_nodes, self.max_edges = max_nodes, max_edges
        self.observation_space = graph_space(max_nodes, max_edges)

    def observation(self, observation: Any) -> dict[str, np.ndarray]:
        return pad_graph(observation, self.max_nodes, self.max_edges)
