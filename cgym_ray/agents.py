"""Every agent a job can name, as `"module:function"`, and the check of its parameters.

    >>> from cgym_ray.agents import load_agent, parameter_problems
    >>> parameter_problems("random", {"patiense": 25})
    [('patiense', "unknown parameter for agent 'random' (allowed: patience, max_episode_length, actions)")]
    >>> result = load_agent("greedy")(make_env, benchmark, Budget(seconds=10), seed=0)  # doctest: +SKIP

Like `JOB_KINDS`, the table names modules instead of importing them: a job
file is validated without loading the layers that run it (the policy agent
lives with RLlib, and validating a config never imports Ray or torch).

Every agent has the signature
`agent(make_env, benchmark, budget, seed, *, report=None, **params) -> SearchResult`;
its keyword-only parameters after `report` are what `params:` may set.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable
from typing import Any

AGENTS: dict[str, str] = {
    "random": "cgym_ray.search.random_search:random_search",
    "greedy": "cgym_ray.search.greedy:greedy",
    "beam": "cgym_ray.search.beam:beam",
    "epsilon_greedy": "cgym_ray.search.epsilon_greedy:epsilon_greedy",
    "annealing": "cgym_ray.search.annealing:annealing",
    "genetic": "cgym_ray.search.genetic:genetic",
    "guided_random": "cgym_ray.search.guided_random:guided_random",
    "coreset": "cgym_ray.search.coreset:coreset",
    "coreset_guided": "cgym_ray.search.coreset_guided:coreset_guided",
    "portfolio": "cgym_ray.search.portfolio:portfolio",
    # Searches over whole pass pipelines (llvm-pipeline-*-v0; their states are pipeline texts).
    "pipeline_climb": "cgym_ray.search.pipeline_climb:pipeline_climb",
    "pipeline_evolve": "cgym_ray.search.pipeline_evolve:pipeline_evolve",
    "pipeline_coreset": "cgym_ray.search.pipeline_coreset:pipeline_coreset",
    "pipeline_hybrid": "cgym_ray.search.pipeline_hybrid:pipeline_hybrid",
    "pipeline_marks": "cgym_ray.search.pipeline_marks:pipeline_marks",
    "pipeline_portfolio": "cgym_ray.search.pipeline_portfolio:pipeline_portfolio",
    # A trained policy (param `checkpoint`, default the released one), optionally guiding a search.
    "policy": "cgym_ray.rl.agents:policy_agent",
    # From the -O0 module's features, one teacher list and its length (param `model`, a JSON file);
    # with `guided`, its lists lead a search (`search`: portfolio or coreset_guided).
    "list_chooser": "cgym_ray.rl.list_chooser:list_chooser_agent",
    "chooser_portfolio": "cgym_ray.rl.chooser_portfolio:chooser_portfolio",
    # On the pipeline env: -Oz's pipeline, then learned edits, each kept only if it paid
    # (param `model`, a JSON file).
    "edit_policy": "cgym_ray.rl.edit_policy:edit_policy_agent",
    # On the pipeline env from an empty pipeline: a learned marks rule, then a learned pass
    # list appended one per step, open loop (param `model`, a JSON file).
    "list_policy": "cgym_ray.rl.list_policy:list_policy_agent",
}

# The agents whose states are pipeline texts (`actions_version` pipeline-edits-v1), not pass lists.
PIPELINE_AGENTS = frozenset(
    {
        "pipeline_climb",
        "pipeline_evolve",
        "pipeline_coreset",
        "pipeline_hybrid",
        "pipeline_marks",
        "pipeline_portfolio",
        "chooser_portfolio",
        "edit_policy",
        "list_policy",
    }
)

# Parameters every agent takes from the runner, never from `params:`.
_RUNNER_PARAMETERS = ("make_env", "benchmark", "budget", "seed", "report")


class UnknownAgentError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def load_agent(name: str) -> Callable[..., Any]:
    """The agent function called `name` (its module is imported now)."""
    if name not in AGENTS:
        raise UnknownAgentError(f"unknown agent {name!r}; known: {', '.join(sorted(AGENTS))}")
    module, _, function = AGENTS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def parameter_problems(name: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with `params` for agent `name`, as (parameter, message) pairs; [] if nothing.

    Unknown names, missing required parameters, and values of the wrong type
    (for parameters whose annotation pydantic can check).
    """
    agent = load_agent(name)
    parameters = {
        p.name: p
        for p in inspect.signature(agent).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in _RUNNER_PARAMETERS
    }
    problems = []
    for key in params:
        if key not in parameters:
            allowed = ", ".join(parameters) or "none"
            problems.append((key, f"unknown parameter for agent {name!r} (allowed: {allowed})"))
    for key, parameter in parameters.items():
        if parameter.default is inspect.Parameter.empty and key not in params:
            problems.append((key, f"agent {name!r} needs this parameter"))
    hints = _type_hints(agent)
    for key, value in params.items():
        if key in parameters and key in hints:
            problem = _type_problem(hints[key], value)
            if problem:
                problems.append((key, problem))
    return problems


def _type_hints(agent: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(agent)
    except Exception:  # an annotation that names something only type checkers import
        return {}


def _type_problem(hint: Any, value: Any) -> str | None:
    from pydantic import TypeAdapter, ValidationError

    try:
        adapter = TypeAdapter(hint)
    except Exception:  # a type pydantic cannot check (a callable, a generator): not a YAML value
        return None
    try:
        adapter.validate_python(value)
    except ValidationError as error:
        return f"{value!r} is not a valid {_type_name(hint)} ({error.errors()[0]['msg']})"
    return None


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "").replace(
        "collections.abc.", ""
    )
