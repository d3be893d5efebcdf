"""Command-line option parsing shared by the sub-commands."""

from __future__ import annotations

import argparse


def add_agent_param_option(parser: argparse.ArgumentParser) -> None:
    """`--param NAME=VALUE`, repeatable: the agent parameters `parse_agent_params` reads."""
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an agent parameter (repeatable)",
    )


def parse_agent_params(items: list[str]) -> dict[str, object]:
    """`--param NAME=VALUE` options as an agent's parameters, each value read as YAML.

    >>> parse_agent_params(["patience=50", "actions=[sroa, gvn]"])
    {'patience': 50, 'actions': ['sroa', 'gvn']}
    """
    import yaml

    from cgym_ray.jobs.loading import JobConfigError

    params: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise JobConfigError(f"--param {item!r}: expected NAME=VALUE, e.g. --param patience=50")
        try:
            params[key] = yaml.safe_load(raw)
        except yaml.YAMLError:
            raise JobConfigError(f"--param {item!r}: the value is not valid YAML") from None
    return params
