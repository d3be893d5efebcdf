"""`cgym-ray validate states.csv --env llvm-ic-v0`: replay and check a CSV of states.

As CompilerGym's `validate` tool: each state (CompilerGym's four columns, or
ours with more) is replayed on a fresh environment; its reward is checked in
its own reward space or, when the CSV names none, the `--env`'s; runnable
programs are also run and compared with their unoptimized build. One line per
state, and exit status 1 if any state fails.
"""

from __future__ import annotations

import argparse
import json
import sys

EPILOG = """examples:
  cgym-ray validate states.csv --env llvm-ic-v0
  cgym-ray validate results.csv --env llvm-ic-v0 --no-behaviour --json
  some-search | cgym-ray validate - --env llvm-codesize-v0
"""


def _reward(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def validate_states(args: argparse.Namespace) -> int:
    from cgym_ray.envs import ENV_SPECS, read_csv, validate
    from cgym_ray.errors import CompilerError

    if args.env not in ENV_SPECS:
        raise CompilerError(
            f"--env: unknown environment {args.env!r}; known: {', '.join(sorted(ENV_SPECS))}"
        )
    _, reward_space = ENV_SPECS[args.env]
    states = read_csv(sys.stdin if args.csv == "-" else args.csv)
    if not states:
        print(f"{args.csv}: no states to validate", file=sys.stderr)
        return 0
    results = []
    if not args.json:
        print(f"{'#':>3s}  {'benchmark':44s} {'claimed':>9s} {'replayed':>9s}  result")
    for number, state in enumerate(states, start=1):
        result = validate(state, check_behaviour=not args.no_behaviour, reward_space=reward_space)
        results.append(result)
        if args.json:
            continue
        verdict = (
            "ok"
            if result.ok
            else "FAILED " + "; ".join(f"{f.kind}: {f.message}" for f in result.failures)
        )
        if result.ok and result.behaviour_checked:
            verdict += " (behaviour checked)"
        print(
            f"{number:>3d}  {state.benchmark:44s} {_reward(state.reward):>9s} {_reward(result.reward):>9s}  {verdict}",
            flush=True,
        )
    failed = sum(not r.ok for r in results)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "benchmark": r.state.benchmark,
                        "commandline": r.state.commandline,
                        "claimed_reward": r.state.reward,
                        "reward": r.reward,
                        "ok": r.ok,
                        "behaviour_checked": r.behaviour_checked,
                        "failures": [{"kind": f.kind, "message": f.message} for f in r.failures],
                    }
                    for r in results
                ]
            )
        )
    else:
        print(f"\n{len(results)} states: {len(results) - failed} ok, {failed} failed")
    return 1 if failed else 0


def register(commands) -> None:
    p = commands.add_parser(
        "validate",
        help="replay a CSV of states (CompilerGym's format) and check their rewards and behaviour",
        description=__doc__.split("\n\n", 1)[1],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "csv", help="the states: benchmark,reward,walltime,commandline[,...] ('-' for stdin)"
    )
    p.add_argument(
        "--env",
        default="llvm-ic-v0",
        help="environment id whose reward space checks states that name none (default llvm-ic-v0)",
    )
    p.add_argument("--no-behaviour", action="store_true", help="skip running the programs")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=validate_states)
