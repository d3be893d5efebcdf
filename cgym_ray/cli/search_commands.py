"""`cgym-ray search AGENT --benchmark URI --seconds 10`: a search job in one line.

The same job as a YAML file with one agent would run (`cgym-ray run`): the
same validation, the same Ray fan-out, recorded in the same store.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cgym_ray.cli.options import add_agent_param_option, parse_agent_params

EPILOG = """examples:
  cgym-ray search random --benchmark benchmark://cgym-suite-v0/crc32 --seconds 10
  cgym-ray search greedy --benchmark prog.c --steps 200 --store mystore
  cgym-ray search random --dataset cgym-suite-v0:test --seconds 5 --param patience=50
"""


def _benchmark_uri(value: str) -> str:
    """A URI as given, or a path to a .c/.bc/.ll file as a file:// URI."""
    return value if "://" in value else f"file://{Path(value).resolve()}"


def search(args: argparse.Namespace) -> int:
    from cgym_ray.jobs.kinds import runner_for
    from cgym_ray.jobs.loading import JobConfigError, job_from_options

    if not args.benchmark and not args.dataset:
        raise JobConfigError(
            "cgym-ray search: name what to search with --benchmark URI_OR_FILE or --dataset NAME[:SPLIT]"
        )
    if args.seconds is None and args.steps is None:
        raise JobConfigError("cgym-ray search: give a budget: --seconds, --steps or both")
    budget = {
        key: value
        for key, value in (("seconds", args.seconds), ("steps", args.steps))
        if value is not None
    }
    data = {
        "kind": "search",
        "name": args.name or f"search-{args.agent}",
        "env": {"id": args.env},
        "benchmarks": {
            "uris": [_benchmark_uri(b) for b in args.benchmark],
            "datasets": args.dataset,
        },
        "agents": [{"name": args.agent, "params": parse_agent_params(args.param)}],
        "budget": budget,
        "seeds": args.seed or [0],
        "ray": {"address": args.address, "num_cpus": args.num_cpus},
        "store": {"path": args.store},
        "output": {"dir": args.output},
    }
    config = job_from_options(data, "cgym-ray search")
    summary = runner_for("search")(config, progress=not args.quiet, summary_json=args.summary_json)
    print(summary.table())
    return 0 if summary.errors == 0 else 1


def register(commands) -> None:
    p = commands.add_parser(
        "search",
        help="run one search agent on benchmarks, recorded in the store (a one-line search job)",
        description="Run one search agent on some benchmarks: the job `cgym-ray run` would run "
        "from a YAML file with these fields.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("agent", help="a search agent: random, greedy, beam, genetic, annealing, ...")
    p.add_argument(
        "--benchmark",
        action="append",
        default=[],
        metavar="URI_OR_FILE",
        help="a benchmark URI or a .c/.bc/.ll file (repeat for several)",
    )
    p.add_argument(
        "--dataset",
        action="append",
        default=[],
        metavar="NAME[:SPLIT]",
        help="every benchmark of a dataset (split), e.g. cgym-suite-v0:test",
    )
    p.add_argument("--seconds", type=float, help="time budget per benchmark and seed")
    p.add_argument("--steps", type=int, help="step budget per benchmark and seed")
    p.add_argument(
        "--env",
        default="llvm-ic-v0",
        help="environment id (its reward is maximised); default llvm-ic-v0",
    )
    add_agent_param_option(p)
    p.add_argument(
        "--seed", action="append", type=int, default=None, help="a seed (repeatable; default 0)"
    )
    p.add_argument("--store", default="store", help="the trajectory store (default: ./store)")
    p.add_argument("--output", default=None, help="run directory (default: runs/<name>)")
    p.add_argument("--name", default=None, help="the run's name (default: search-<agent>)")
    p.add_argument(
        "--num-cpus", type=int, default=None, help="CPUs of the embedded Ray (default: all)"
    )
    p.add_argument(
        "--address", default=None, help="a Ray cluster to join (default: embedded Ray on 127.0.0.1)"
    )
    p.add_argument("--summary-json", help="also write the summary as JSON here")
    p.add_argument("--quiet", action="store_true", help="no live progress")
    p.set_defaults(handler=search)
