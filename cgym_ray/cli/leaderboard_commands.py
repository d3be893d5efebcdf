"""`cgym-ray leaderboard ...`: evaluate an agent on a task, validate a submission, render."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cgym_ray.cli.options import add_agent_param_option, parse_agent_params

EVAL_EPILOG = """examples:
  cgym-ray leaderboard eval --task llvm-ic-suite-v0 --agent random --budget-seconds 10
  cgym-ray leaderboard eval --task llvm-ic-suite-v0 --agent annealing --param temperature=0.5 \\
      --budget-seconds 60 --output results/leaderboard/submissions/annealing-60s
The same as a job file: `cgym-ray run job.yaml` with `kind: leaderboard` (configs/leaderboard/).
"""

VALIDATE_EPILOG = """examples:
  cgym-ray leaderboard validate results/leaderboard/submissions/random-10s
  cgym-ray leaderboard validate results/leaderboard/submissions/random-10s --in-place
Replays every commandline of results.csv on fresh environments (on Ray), checks rewards
(relative tolerance 1e-5), program behaviour, the LLVM version and that every benchmark of
the task is there the required number of times. Exit status 1 on any failure.
Writes no file unless asked: --output FILE writes the report (JSON) there; --in-place writes
it as validation.json into the submission, which is what `leaderboard render` reads.
"""

RENDER_EPILOG = """examples:
  cgym-ray leaderboard render                  # into leaderboard-page/
  cgym-ray leaderboard render --in-place       # the committed results/leaderboard/ page
Builds README.md and index.html from the validated submissions in
results/leaderboard/submissions/. Exit status 1 if there is none.
"""
DEFAULT_PAGE_DIR = "leaderboard-page"


def evaluate(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from cgym_ray.jobs.loading import JobConfigError
    from cgym_ray.leaderboard.config import LeaderboardJob
    from cgym_ray.leaderboard.runner import run_leaderboard_job

    data: dict[str, object] = {
        "name": args.name or f"{args.agent}",
        "task": args.task,
        "agent": {"name": args.agent, "params": parse_agent_params(args.param)},
        "seed": args.seed,
        "description": args.description,
        "ray": {"num_cpus": args.num_cpus, "address": args.address},
        "store": {"path": args.store},
        "output": {"dir": args.output},
    }
    if args.budget_seconds is not None or args.budget_steps is not None:
        data["budget"] = {"seconds": args.budget_seconds, "steps": args.budget_steps}
    try:
        config = LeaderboardJob.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise JobConfigError(problems) from None
    summary = run_leaderboard_job(config, progress=not args.quiet)
    print(summary.table())
    return 0 if summary.errors == 0 else 1


def validate(args: argparse.Namespace) -> int:
    from cgym_ray.leaderboard.submission import VALIDATION_JSON
    from cgym_ray.leaderboard.validation import validate_submission

    output = Path(args.directory) / VALIDATION_JSON if args.in_place else args.output

    report = validate_submission(
        Path(args.directory),
        task=args.task,
        check_behaviour=not args.no_behaviour,
        num_cpus=args.num_cpus,
        address=args.address,
        output=output,
    )
    for line in report.lines():
        print(line)
    print(report.verdict(), file=sys.stderr if not report.ok else sys.stdout)
    if output is not None:
        print(f"wrote {output}")
    else:
        print(f"wrote nothing; --in-place records {VALIDATION_JSON} in the submission for `render`")
    return 0 if report.ok else 1


def render(args: argparse.Namespace) -> int:
    from cgym_ray.leaderboard.render import render_leaderboard

    submissions = Path(args.submissions)
    output = submissions.parent if args.in_place else Path(args.output or DEFAULT_PAGE_DIR)
    page = render_leaderboard(submissions, output)
    for line in page.notes:
        print(line, file=sys.stderr)
    print(f"wrote {page.readme} and {page.html} ({page.entries} validated entries)")
    return 0


def register(commands) -> None:
    group = commands.add_parser(
        "leaderboard",
        help="evaluate, validate and rank techniques on fixed tasks",
        description="The leaderboard: fixed tasks, replayable submissions, a static page.",
        epilog="examples:\n"
        "  cgym-ray leaderboard eval --task llvm-ic-suite-v0 --agent greedy --budget-seconds 60\n"
        "  cgym-ray leaderboard validate results/leaderboard/submissions/greedy\n"
        "  cgym-ray leaderboard render",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = group.add_subparsers(dest="leaderboard_command", metavar="COMMAND", required=True)

    p = _command(
        sub,
        "eval",
        EVAL_EPILOG,
        evaluate,
        "run an agent on every benchmark of a task; write a submission",
        "Evaluate an agent on a leaderboard task.",
    )
    p.add_argument(
        "--task", required=True, help="a task name (configs/leaderboard/<name>.yaml) or a task file"
    )
    p.add_argument("--agent", required=True, help="a search agent: random, greedy, annealing, ...")
    add_agent_param_option(p)
    p.add_argument(
        "--budget-seconds", type=float, help="seconds per run (default: half the task's limit)"
    )
    p.add_argument("--budget-steps", type=int, help="steps per run")
    p.add_argument(
        "--seed", type=int, default=0, help="run r of a benchmark uses seed + r (default 0)"
    )
    p.add_argument("--name", help="the submission's name (default: the agent's)")
    p.add_argument("--description", default="", help="one line about the technique")
    p.add_argument(
        "--output",
        help="the submission directory (default: results/leaderboard/submissions/<task>-<name>)",
    )
    p.add_argument(
        "--store", default="store", help="the trajectory store to record into (default: store)"
    )
    _ray_options(p)
    p.add_argument("--quiet", action="store_true", help="no live progress")

    p = _command(
        sub,
        "validate",
        VALIDATE_EPILOG,
        validate,
        "replay a submission and check every number",
        "Validate a submission directory.",
    )
    p.add_argument("directory", help="the submission directory (results.csv, metadata.json)")
    p.add_argument(
        "--task",
        help="check against this task (name or file) instead of the one metadata.json names",
    )
    p.add_argument(
        "--no-behaviour", action="store_true", help="skip running the optimized programs"
    )
    written = p.add_mutually_exclusive_group()
    written.add_argument("--output", type=Path, metavar="FILE", help="write the report (JSON) here")
    written.add_argument(
        "--in-place",
        action="store_true",
        help="write validation.json into the submission directory (what `render` reads)",
    )
    _ray_options(p)

    p = _command(
        sub,
        "render",
        RENDER_EPILOG,
        render,
        "build the leaderboard page from validated submissions",
        "Render README.md and index.html.",
    )
    p.add_argument(
        "--submissions", default="results/leaderboard/submissions", help="the submissions directory"
    )
    written = p.add_mutually_exclusive_group()
    written.add_argument(
        "--output", help=f"where README.md and index.html go (default: {DEFAULT_PAGE_DIR}/)"
    )
    written.add_argument(
        "--in-place",
        action="store_true",
        help="write them beside the submissions directory (results/leaderboard/)",
    )


def _command(
    sub, name: str, epilog: str, handler, help_text: str, description: str
) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def _ray_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--num-cpus", type=int, default=None, help="CPUs of embedded Ray (default: all)"
    )
    parser.add_argument(
        "--address", default=None, help="a Ray cluster to join (default: embedded Ray)"
    )
