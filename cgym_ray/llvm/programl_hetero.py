"""A Programl graph as PyTorch Geometric `HeteroData` (the `cgym-ray[graph]` extra).

Apart from `cgym_ray.llvm.programl`, so that computing or validating a graph
observation never imports torch (a job file is validated without it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.programl import EDGE_KINDS, NODE_KINDS, ProgramGraph, from_networkx

if TYPE_CHECKING:
    import networkx as nx


def to_hetero_data(graph: ProgramGraph | nx.MultiDiGraph) -> Any:
    """The graph as a PyTorch Geometric `HeteroData` (needs the `cgym-ray[graph]` extra).

    Node types `instruction`, `variable`, `constant`, each with `opcode`,
    `type_kind`, `function`, `block` (long tensors) and `full_text` (a list);
    edge types `(source kind, edge kind, target kind)`, e.g.
    `("variable", "data", "instruction")`, each with `edge_index` and `position`.

        >>> data = to_hetero_data(env.observation["Programl"])  # doctest: +SKIP
        >>> data["instruction", "control", "instruction"].edge_index.shape  # doctest: +SKIP
        torch.Size([2, 1432])
    """
    try:
        import torch
        from torch_geometric.data import HeteroData
    except ImportError as error:
        raise CompilerError(
            f"to_hetero_data needs PyTorch Geometric ({error}); "
            "install it with: pip install 'cgym-ray[graph]'"
        ) from None
    if not isinstance(graph, ProgramGraph):
        graph = from_networkx(graph)
    kind = graph.node_kind.astype(np.int64)
    # Each node's index among the nodes of its kind.
    local = np.zeros(graph.num_nodes, dtype=np.int64)
    data = HeteroData()
    full_text = np.asarray(graph.node_full_text, dtype=object)
    for k, name in enumerate(NODE_KINDS):
        mask = kind == k
        local[mask] = np.arange(int(mask.sum()))
        store = data[name]
        store.num_nodes = int(mask.sum())
        store.opcode = torch.from_numpy(graph.node_opcode[mask].astype(np.int64))
        store.type_kind = torch.from_numpy(graph.node_type_kind[mask].astype(np.int64))
        store.function = torch.from_numpy(graph.node_function[mask].astype(np.int64))
        store.block = torch.from_numpy(graph.node_block[mask].astype(np.int64))
        store.full_text = full_text[mask].tolist()
    source_kind = kind[graph.edge_source]
    target_kind = kind[graph.edge_target]
    relation = (source_kind * len(EDGE_KINDS) + graph.edge_kind) * len(NODE_KINDS) + target_kind
    for code in np.unique(relation).tolist():
        mask = relation == code
        source, rest = divmod(code, len(EDGE_KINDS) * len(NODE_KINDS))
        edge, target = divmod(rest, len(NODE_KINDS))
        store = data[NODE_KINDS[source], EDGE_KINDS[edge], NODE_KINDS[target]]
        index = np.stack([local[graph.edge_source[mask]], local[graph.edge_target[mask]]])
        store.edge_index = torch.from_numpy(index)
        store.position = torch.from_numpy(graph.edge_position[mask].astype(np.int64))
    return data
