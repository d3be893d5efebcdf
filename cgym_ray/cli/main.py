"""Entry point of `cgym-ray`: one sub-command group per layer."""

from __future__ import annotations

import argparse
import sys

from cgym_ray.cli import (
    datasets_commands,
    jobs_commands,
    leaderboard_commands,
    llvm_commands,
    results_commands,
    search_commands,
    validate_commands,
)
from cgym_ray.errors import CompilerError

EPILOG = """examples:
  cgym-ray run configs/quickstart.yaml
  cgym-ray llvm info
  cgym-ray llvm count program.bc --pipeline 'function(sroa)'
  cgym-ray search random --benchmark benchmark://cgym-suite-v0/crc32 --seconds 10
  cgym-ray validate states.csv --env llvm-ic-v0
  cgym-ray datasets show cgym-suite-v0:test
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cgym-ray",
        description="LLVM phase-ordering environments, search and training on Ray.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    jobs_commands.register(commands)
    search_commands.register(commands)
    validate_commands.register(commands)
    llvm_commands.register(commands)
    datasets_commands.register(commands)
    results_commands.register(commands)
    leaderboard_commands.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # Overrides may also come after options: `run job.yaml --quiet budget.seconds=5`.
    if (
        extra
        and hasattr(args, "overrides")
        and all("=" in e and not e.startswith("-") for e in extra)
    ):
        args.overrides = [*args.overrides, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.handler(args) or 0)
    except CompilerError as error:
        print(f"cgym-ray: error: {error}", file=sys.stderr)
        return getattr(error, "exit_code", 1)
    except BrokenPipeError:
        return 0
