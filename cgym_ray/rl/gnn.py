"""A graph neural network policy for PPO on `Programl` graphs (PyTorch Geometric).

The observation is a batch of padded graphs (`rl/graph_observation.py`).
`_encode` turns it into one PyG graph of all the batch's nodes with tensor
operations only: a mask keeps the real nodes and edges, each graph's node
indices are shifted by the nodes before it, and the reversed edges are added
as three more relations. Then token embeddings, `layers` relational graph
convolutions (`RGCNConv`, one weight per edge kind and direction), a mean
over each graph's nodes, and two heads: action logits and the value.

Used by `kind: train` jobs with `observation: programl_graph`
(configs/ppo-graph.yaml); needs the `cgym-ray[graph]` extra.
"""

from __future__ import annotations

from typing import Any

import torch
from ray.rllib.core.columns import Columns
from ray.rllib.core.rl_module.apis import ValueFunctionAPI
from ray.rllib.core.rl_module.rl_module import RLModuleSpec
from ray.rllib.core.rl_module.torch import TorchRLModule
from torch import nn

from cgym_ray.errors import CompilerError
from cgym_ray.rl.graph_observation import NUM_EDGE_KINDS, TOKEN_PAD, VOCABULARY

try:
    from torch_geometric.nn import RGCNConv, global_mean_pool
except ImportError as error:  # the optional extra
    raise CompilerError(
        f"observation: programl_graph trains a PyTorch Geometric GNN ({error}); "
        "install it with: pip install 'cgym-ray[graph]'"
    ) from None


def graph_module_spec(width: int, layers: int) -> RLModuleSpec:
    """The RLModuleSpec of `GraphPolicyModule` (RLlib fills the spaces from the env)."""
    return RLModuleSpec(
        module_class=GraphPolicyModule, model_config={"width": width, "layers": layers}
    )


def batch_graphs(obs: dict[str, torch.Tensor]) -> tuple[torch.Tensor, ...]:
    """Padded graphs -> (tokens, edge_index, edge_type, graph of each node), no Python loops.

    Edges that point past their graph's node count (padding, or a sampled
    observation) are dropped; the reversed edges get types 3..5.
    """
    tokens = obs["node_tokens"].long()
    batch, max_nodes = tokens.shape
    num_nodes = obs["num_nodes"].long().reshape(batch).clamp(1, max_nodes)
    num_edges = obs["num_edges"].long().reshape(batch)
    edge_index = obs["edge_index"].long()
    kinds = obs["edge_kind"].long()
    node_mask = torch.arange(max_nodes, device=tokens.device) < num_nodes[:, None]
    positions = torch.arange(edge_index.shape[-1], device=tokens.device)
    edge_mask = (
        (positions < num_edges[:, None])
        & (edge_index[:, 0, :] < num_nodes[:, None])
        & (edge_index[:, 1, :] < num_nodes[:, None])
    )
    offsets = torch.cumsum(num_nodes, 0) - num_nodes
    source = (edge_index[:, 0, :] + offsets[:, None])[edge_mask]
    target = (edge_index[:, 1, :] + offsets[:, None])[edge_mask]
    edge_type = kinds[edge_mask]
    both = torch.stack([torch.cat([source, target]), torch.cat([target, source])])
    types = torch.cat([edge_type, edge_type + NUM_EDGE_KINDS])
    graph_of_node = torch.arange(batch, device=tokens.device).repeat_interleave(num_nodes)
    return tokens[node_mask], both, types, graph_of_node


class GraphPolicyModule(TorchRLModule, ValueFunctionAPI):
    """Token embeddings, relational graph convolutions, mean pooling; policy and value heads."""

    def setup(self) -> None:
        width = int(self.model_config.get("width", 64))
        layers = int(self.model_config.get("layers", 2))
        self.embed = nn.Embedding(VOCABULARY, width, padding_idx=TOKEN_PAD)
        self.convs = nn.ModuleList(
            RGCNConv(width, width, num_relations=2 * NUM_EDGE_KINDS) for _ in range(layers)
        )
        self.policy_head = nn.Sequential(
            nn.Linear(width, width), nn.Tanh(), nn.Linear(width, self.action_space.n)
        )
        self.value_head = nn.Sequential(nn.Linear(width, width), nn.Tanh(), nn.Linear(width, 1))

    def _encode(self, batch: dict[str, Any]) -> torch.Tensor:
        tokens, edge_index, edge_type, graph_of_node = batch_graphs(batch[Columns.OBS])
        x = self.embed(tokens)
        for conv in self.convs:
            x = torch.relu(conv(x, edge_index, edge_type)) + x
        size = batch[Columns.OBS]["node_tokens"].shape[0]
        return global_mean_pool(x, graph_of_node, size=size)

    def _forward(self, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {Columns.ACTION_DIST_INPUTS: self.policy_head(self._encode(batch))}

    def _forward_train(self, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        embeddings = self._encode(batch)
        return {
            Columns.ACTION_DIST_INPUTS: self.policy_head(embeddings),
            Columns.EMBEDDINGS: embeddings,
        }

    def compute_values(self, batch: dict[str, Any], embeddings: Any = None) -> torch.Tensor:
        if embeddings is None:
            embeddings = self._encode(batch)
        return self.value_head(embeddings).squeeze(-1)
