"""Where cgym-ray writes: one scratch directory per process, and a per-user cache.

CompilerGym users lost terabytes to leaked scratch directories. Here every
process has at most one, named after its pid; it is removed at exit, and a
process that was killed before it could clean up has its directory removed by
the next process that creates one.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "cgym-ray-"


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_scratch_dirs(root: str | None = None) -> list[Path]:
    """Delete scratch directories whose process no longer exists; return them."""
    removed = []
    for path in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid_text = path.name[len(PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and not pid_alive(int(pid_text)) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@functools.cache
def _scratch_for(pid: int) -> Path:
    remove_stale_scratch_dirs()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-"))

    def cleanup() -> None:
        if os.getpid() == pid:  # not in a forked child
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(cleanup)
    return path


def scratch_dir() -> Path:
    """This process's scratch directory (created on first use)."""
    path = _scratch_for(os.getpid())
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """The per-user cache (built native code, generated benchmarks, baselines).

    `CGYM_CACHE_DIR` overrides; else `$XDG_CACHE_HOME/cgym-ray` or `~/.cache/cgym-ray`.
    """
    root = os.environ.get("CGYM_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "cgym-ray"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see either nothing or all of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
