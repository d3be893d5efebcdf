"""Whether a run finished: one small JSON file per run (`_runs/<run_id>.json`).

A job's driver writes `running` when it starts, renews it every
`RENEW_S` seconds with how many of its tasks are done, and writes `finished`
(or `interrupted`, with why) when it ends. A run whose file still says
`running` but whose driver stopped renewing it (its process is gone, or, on
another host, `STALE_AFTER_S` passed) was cut off without a word: it reads as
`interrupted`. So a run never looks complete when it is not. Runs recorded
without a driver that tracks them (a plain script with `store.writer`) have no
file and no status.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cgym_ray.scratch import atomic_write_bytes, pid_alive
from cgym_ray.store.leases import host_id

RUNS_DIR = "_runs"
RENEW_S = 5.0
STALE_AFTER_S = 30.0

RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"


@dataclass
class RunStatus:
    run_id: str
    state: str = RUNNING
    tasks: int = 0
    tasks_done: int = 0  # finished, errored ones included
    tasks_failed: int = 0
    reason: str = ""  # why it was interrupted
    host: str = field(default_factory=host_id)
    pid: int = 0
    renewed_at: float = field(default_factory=time.time)

    def effective_state(self, now: float | None = None) -> str:
        """`running` only while its driver lives; a silent driver's run is `interrupted`."""
        if self.state != RUNNING:
            return self.state
        fresh = (now or time.time()) - self.renewed_at < STALE_AFTER_S
        if self.host == host_id() and not pid_alive(self.pid):
            fresh = False
        return RUNNING if fresh else INTERRUPTED

    def describe(self) -> str:
        """e.g. `interrupted: 7 of 24 tasks done (the Ray head at ... was lost)`."""
        state = self.effective_state()
        text = f"{state}: {self.tasks_done} of {self.tasks} tasks done"
        if self.tasks_failed:
            text += f", {self.tasks_failed} failed"
        reason = self.reason or (
            "its driver stopped without saying why" if state == INTERRUPTED else ""
        )
        return f"{text} ({reason})" if reason and state == INTERRUPTED else text


def _path(root: Path, run_id: str) -> Path:
    return Path(root) / RUNS_DIR / f"{run_id}.json"


def write_run_status(root: Path, status: RunStatus) -> None:
    status.renewed_at = time.time()
    atomic_write_bytes(_path(root, status.run_id), json.dumps(asdict(status)).encode())


def read_run_status(root: Path, run_id: str) -> RunStatus | None:
    try:
        return RunStatus(**json.loads(_path(root, run_id).read_bytes()))
    except (OSError, ValueError, TypeError):
        return None


def mark_interrupted(root: Path, run_id: str, reason: str) -> RunStatus | None:
    """Mark a run that has not finished as interrupted (from outside its driver, e.g. `submit`)."""
    status = read_run_status(root, run_id) or RunStatus(run_id)
    if status.state == FINISHED:
        return status
    status.state, status.reason = INTERRUPTED, reason
    write_run_status(root, status)
    return status


class RunTracker:
    """The driver's side: `running` with a heartbeat, then `finished` or `interrupted`.

    >>> with RunTracker(store.root, run_id, tasks=24) as tracker:  # doctest: +SKIP
    ...     pool.run(tasks, on_result=tracker.update)
    """

    def __init__(self, root: Path, run_id: str, tasks: int) -> None:
        import os

        self.root = Path(root)
        self.status = RunStatus(run_id, tasks=tasks, pid=os.getpid())
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="cgym-run-status", daemon=True)

    def __enter__(self) -> RunTracker:
        self._write()
        self._thread.start()
        return self

    def update(self, result) -> None:
        """Count one finished task (a `TaskResult`: errored ones count as failed)."""
        with self._lock:
            self.status.tasks_done += 1
            self.status.tasks_failed += getattr(result, "status", "ok") != "ok"
        self._write()

    def interrupt(self, reason: str) -> None:
        """Mark the run interrupted now (its driver is about to exit)."""
        self._stop.set()
        with self._lock:
            self.status.state, self.status.reason = INTERRUPTED, reason
        self._write()

    def _write(self) -> None:
        with self._lock:
            try:
                write_run_status(self.root, self.status)
            except OSError:
                pass  # informational; the next renewal tries again

    def _renew(self) -> None:
        while not self._stop.wait(RENEW_S):
            self._write()

    def __exit__(self, kind, error, _traceback) -> None:
        self._stop.set()
        self._thread.join()
        if self.status.state == INTERRUPTED:
            return
        if error is None and self.status.tasks_done >= self.status.tasks:
            self.status.state = FINISHED
        else:
            self.status.state = INTERRUPTED
            self.status.reason = (
                f"{kind.__name__}: {error}"
                if error is not None
                else "it stopped before every task ran"
            )[:300]
        self._write()
