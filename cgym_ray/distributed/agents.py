"""Every agent a job can name: the search baselines, and a trained RLlib policy.

The policy agent lives in the RLlib layer and is imported only when a job uses
it, so search jobs never load torch or RLlib.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _policy_agent(*args: Any, **kwargs: Any) -> Any:
    """A trained policy (param `checkpoint`), optionally followed by guided search."""
    from cgym_ray.rl.agents import policy_agent

    return policy_agent(*args, **kwargs)


def all_agents() -> dict[str, Callable[..., Any]]:
    from cgym_ray.search import AGENTS

    return {**AGENTS, "policy": _policy_agent}


def get_agent(name: str) -> Callable[..., Any]:
    agents = all_agents()
    if name not in agents:
        raise KeyError(f"unknown agent {name!r}; known: {', '.join(sorted(agents))}")
    return agents[name]
