"""Who is writing: one lease file per open writer, and the compaction lock.

A writer's lease (`_writers/<writer_id>.json`) names its host and pid and is
rewritten by the writer's background thread with what it has added and
committed. When a writer closes, its lease goes. A lease whose process is gone
(same host, pid not running) or that has not been renewed for `STALE_AFTER_S`
(another host) belongs to a writer that died: the next open reports it.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cgym_ray.scratch import atomic_write_bytes, pid_alive

WRITERS_DIR = "_writers"
COMPACT_LOCK = "_compact.lock"
STALE_AFTER_S = 300.0  # a live writer renews its lease at least every LIVENESS_RENEW_S
LIVENESS_RENEW_S = 30.0


@functools.cache
def host_id() -> str:
    """This machine: its hostname plus the kernel boot id (two containers may share a name)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        boot = ""
    return f"{socket.gethostname()}:{boot}" if boot else socket.gethostname()


@dataclass
class Lease:
    """What a writer says about itself. Counts are rows: `*_added` >= `*_committed`."""

    writer_id: str
    run_id: str
    host: str = field(default_factory=host_id)
    pid: int = field(default_factory=os.getpid)
    started_at: float = field(default_factory=time.time)
    renewed_at: float = field(default_factory=time.time)
    steps_added: int = 0
    episodes_added: int = 0
    steps_committed: int = 0
    episodes_committed: int = 0

    def is_alive(self, now: float | None = None) -> bool:
        age = (now or time.time()) - self.renewed_at
        if self.host == host_id():
            return pid_alive(self.pid) and age < 10 * STALE_AFTER_S  # pid reuse after a long time
        return age < STALE_AFTER_S

    def describe(self) -> str:
        return f"writer {self.writer_id} (run {self.run_id}, pid {self.pid} on {self.host})"


def lease_path(root: Path, writer_id: str) -> Path:
    return root / WRITERS_DIR / f"{writer_id}.json"


def write_lease(root: Path, lease: Lease) -> None:
    lease.renewed_at = time.time()
    atomic_write_bytes(lease_path(root, lease.writer_id), json.dumps(asdict(lease)).encode())


def read_lease(path: Path) -> Lease | None:
    """The lease at `path`, or None if it is gone or unreadable (it is rewritten often)."""
    try:
        return Lease(**json.loads(path.read_bytes()))
    except (OSError, ValueError, TypeError):
        return None


def open_leases(root: Path) -> list[tuple[Path, Lease]]:
    directory = root / WRITERS_DIR
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.json")):
        lease = read_lease(path)
        if lease is not None:
            found.append((path, lease))
    return found


class CompactionLock:
    """An exclusive lock file (O_EXCL create); taken over when its holder died.

    >>> with CompactionLock(root):  # doctest: +SKIP
    ...     ...  # rewrite files
    """

    def __init__(self, root: Path) -> None:
        self.path = root / COMPACT_LOCK

    def __enter__(self) -> CompactionLock:
        from cgym_ray.store.errors import StoreError

        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = read_lease(self.path)
                if holder is None:  # being written right now, or left empty by a crash
                    try:
                        half_written = time.time() - self.path.stat().st_mtime < 10
                    except FileNotFoundError:
                        continue
                    holder = Lease("compaction", "", pid=0) if half_written else None
                if holder is None or not (holder.pid == 0 or holder.is_alive()):
                    self.path.unlink(missing_ok=True)  # its holder died; take it over
                    continue
                raise StoreError(
                    f"{self.path} is held by pid {holder.pid} on {holder.host}: another "
                    "compaction or repair is running; wait for it to finish"
                ) from None
            with os.fdopen(fd, "w") as handle:
                json.dump(asdict(Lease(writer_id="compaction", run_id="")), handle)
            return self
        raise StoreError(f"could not take {self.path}; remove it if no compaction is running")

    def __exit__(self, *_: object) -> None:
        self.path.unlink(missing_ok=True)
