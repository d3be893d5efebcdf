"""`cgym-ray run`, `cgym-ray submit` and `cgym-ray envs`."""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import yaml

RUN_EPILOG = """examples:
  cgym-ray run configs/quickstart.yaml
  cgym-ray run configs/quickstart.yaml budget.seconds=30 ray.num_cpus=4 --summary-json out.json
  cgym-ray run configs/quickstart.yaml --dry-run          # print the resolved config
  cgym-ray run quickstart                                 # a built-in job, by name (installed package)
"""

SUBMIT_EPILOG = """example:
  cgym-ray submit configs/quickstart.yaml --address http://127.0.0.1:8265
The job runs on the cluster with ray.address=auto; its store path must be on
storage every node can write (or a path on the head node for a one-node cluster).
"""


def run(args: argparse.Namespace) -> int:
    from cgym_ray.jobs.loading import load_job

    config = load_job(args.config, args.overrides)
    if args.dry_run:
        print(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), end="")
        return 0
    from cgym_ray.jobs.kinds import runner_for

    summary = runner_for(config.kind)(
        config, progress=not args.quiet, summary_json=args.summary_json
    )
    print(summary.table())
    return 0 if summary.errors == 0 else 1


def submit(args: argparse.Namespace) -> int:
    from ray.job_submission import JobSubmissionClient

    from cgym_ray.jobs.loading import load_job

    config = load_job(args.config, [*args.overrides, "ray.address=auto"])
    # The job runs in a temporary working directory on the cluster: make its paths absolute.
    if hasattr(config, "store"):
        config.store.path = str(Path(config.store.path).resolve())
    if hasattr(config, "output"):
        config.output.dir = str(Path(config.output.dir or Path("runs") / config.name).resolve())
    with tempfile.TemporaryDirectory(prefix="cgym-submit-") as scratch:
        job_file = Path(scratch) / "job.yaml"
        job_file.write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
        entrypoint = f"{sys.executable} -m cgym_ray run job.yaml --quiet"
        if args.summary_json:
            entrypoint += f" --summary-json {args.summary_json}"
        try:
            client = JobSubmissionClient(args.address)
            job_id = client.submit_job(entrypoint=entrypoint, runtime_env={"working_dir": scratch})
        except Exception as error:  # Ray raises ConnectionError, RuntimeError or requests' errors
            print(
                f"cgym-ray submit: no Ray cluster answered at {args.address} ({_reason(error)}); "
                "start one with `ray start --head` or give its dashboard address with --address",
                file=sys.stderr,
            )
            return 1
    print(f"submitted {job_id} to {args.address}")
    if args.no_wait:
        return 0
    return _follow(client, job_id, args.address)


# Unanswered polls in a row before `submit` decides the head is gone (one poll a second).
HEAD_LOST_AFTER_POLLS = 10
_RUN_LINE = re.compile(r"cgym-ray: run (\S+) recording into (.+)")


def _follow(client, job_id: str, address: str) -> int:
    """Print the job's output as it comes; say plainly if the cluster's head goes away."""
    from ray.job_submission import JobStatus

    shown, logs, unanswered = 0, "", 0
    while True:
        try:
            status = client.get_job_status(job_id)
            logs = client.get_job_logs(job_id)
            unanswered = 0
        except Exception as error:
            unanswered += 1
            if unanswered < HEAD_LOST_AFTER_POLLS:
                time.sleep(1)
                continue
            print(_head_lost(address, job_id, logs, error), file=sys.stderr, flush=True)
            return 3
        print(logs[shown:], end="", flush=True)  # follow the job's output as it comes
        shown = len(logs)
        if status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.STOPPED):
            break
        time.sleep(1)
    print(f"job {job_id}: {status}")
    return 0 if status == JobStatus.SUCCEEDED else 1


def _head_lost(address: str, job_id: str, logs: str, error: Exception) -> str:
    """One line: what happened, the run, where its partial results are; marks the run interrupted."""
    from cgym_ray.jobs.tracking import head_lost_message
    from cgym_ray.store.run_status import mark_interrupted

    found = _RUN_LINE.findall(logs)
    if not found:
        return (
            f"cgym-ray submit: lost the Ray head ({address}: {_reason(error)}) before job "
            f"{job_id} started a run; nothing was recorded"
        )
    run_id, store = found[-1][0], found[-1][1].strip()
    status = None
    if Path(store).is_dir():  # the store is on storage this machine sees, too
        status = mark_interrupted(Path(store), run_id, f"the Ray head at {address} was lost")
    message = head_lost_message(f"{address}: {_reason(error)}", run_id, store, status)
    if status is None:
        message += "; this machine cannot see the store to mark the run interrupted"
    return message.replace("cgym-ray:", f"cgym-ray submit: job {job_id}:", 1)


def _reason(error: Exception) -> str:
    """The gist of a connection error: its innermost cause, on one line."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    text = " ".join(str(error).split())
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "Failed to resolve" in text:
        return "unknown host"
    return (text[:120] + "...") if len(text) > 120 else text or type(error).__name__


def envs(args: argparse.Namespace) -> int:
    from cgym_ray.envs import ENV_SPECS

    if args.json:
        print(json.dumps({k: {"observation": o, "reward": r} for k, (o, r) in ENV_SPECS.items()}))
        return 0
    print(f"{'id':28s} {'observation':22s} reward")
    for env_id, (observation, reward) in ENV_SPECS.items():
        print(f"{env_id:28s} {observation:22s} {reward or '(none: pass reward_space=...)'}")
    return 0


def register(commands) -> None:
    p = commands.add_parser(
        "run",
        help="run a YAML job (search, eval)",
        description="Run a YAML job.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "config", help="the job file, or a built-in job by name (quickstart, ppo-smoke, ...)"
    )
    p.add_argument("overrides", nargs="*", help="key.sub=value overrides")
    p.add_argument("--dry-run", action="store_true", help="print the resolved config and stop")
    p.add_argument("--summary-json", help="also write the summary as JSON here")
    p.add_argument("--quiet", action="store_true", help="no live progress")
    p.set_defaults(handler=run)

    p = commands.add_parser(
        "submit",
        help="submit a YAML job to a Ray cluster (Ray Jobs API)",
        description="Submit a job to a Ray cluster.",
        epilog=SUBMIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="the job file")
    p.add_argument("overrides", nargs="*", help="key.sub=value overrides")
    p.add_argument(
        "--address",
        required=True,
        help="the cluster's dashboard address, e.g. http://127.0.0.1:8265",
    )
    p.add_argument(
        "--summary-json", help="where the job writes its summary (a path on the cluster)"
    )
    p.add_argument("--no-wait", action="store_true", help="return once submitted")
    p.set_defaults(handler=submit)

    p = commands.add_parser(
        "envs",
        help="the registered environment ids",
        epilog="example:\n  cgym-ray envs --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=envs)
