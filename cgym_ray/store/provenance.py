"""Where a run came from: package version, git revision, host, user, command line."""

from __future__ import annotations

import functools
import getpass
import importlib.metadata
import json
import platform
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cgym_ray.store.records import RunRecord


@functools.cache
def package_version() -> str:
    try:
        return importlib.metadata.version("cgym-ray")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def git_revision(directory: Path | None = None) -> tuple[str | None, bool | None]:
    """(commit hash, whether the work tree has uncommitted changes) of the cgym-ray checkout.

    (None, None) when the package is not installed from a git checkout.
    """
    directory = directory or Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(directory), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return head or None, bool(status.strip())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def describe_run(run_id: str, name: str, config: Mapping[str, Any] | None) -> RunRecord:
    revision, dirty = git_revision()
    return RunRecord(
        run_id=run_id,
        name=name,
        config=json.dumps(dict(config or {}), sort_keys=True, default=str),
        git_revision=revision,
        git_dirty=dirty,
        host=socket.gethostname(),
        user=_user(),
        package_version=package_version(),
        python_version=platform.python_version(),
        platform=platform.platform(),
        argv=" ".join(sys.argv),
    )
