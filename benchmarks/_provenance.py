"""The line every report in results/ carries (the command, the commit, the date), and where a report goes."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

from cgym_ray.store.provenance import git_revision


def provenance_line() -> str:
    """`Measured with `scripts/bench NAME ARGS` at commit abc1234 on 2026-12-03 (...)`, for this run."""
    command = shlex.join(["scripts/bench", Path(sys.argv[0]).stem, *sys.argv[1:]])
    revision, dirty = git_revision()
    commit = "an unknown commit" if revision is None else f"commit {revision[:10]}"
    if dirty:
        commit += " with uncommitted changes"
    load = os.getloadavg()[0]
    return (
        f"Measured with `{command}` at {commit} on {time.strftime('%Y-%m-%d', time.gmtime())}, "
        f"on {os.cpu_count()} CPUs (1-minute load average {load:.1f} at the start)."
    )


def print_and_append(text: str, out: Path | None) -> None:
    """Print a report, and append it to `out` if one was given (a results file gathering runs)."""
    print(text)
    if out:
        with out.open("a") as handle:
            handle.write(text)
