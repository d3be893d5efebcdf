"""The caller's side of compiler workers: spawn, fork, call with a timeout, detect death.

Starting a Python process that loads libLLVM takes a few hundred
milliseconds, so each process keeps one idle *template* worker per backend
and makes every new worker by forking it (a few milliseconds). A forked worker
is an independent process: killing it, or its parent, leaves the others alone.
A worker can hold several sessions' modules (`CompilerSession.fork` copies a
module inside its worker); it counts them, and the sessions replace it when
it dies (see `session.py`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from cgym_ray import errors
from cgym_ray.llvm import host
from cgym_ray.llvm.protocol import (
    PROTOCOL_VERSION,
    ChannelClosed,
    ChannelTimeout,
    Request,
    pack_request,
    receive_message,
    send_message,
    unpack_reply,
)
from cgym_ray.llvm.worker import OUT_OF_MEMORY_MARKER, STEP_TIMEOUT_MARKER, StepProgress
from cgym_ray.scratch import scratch_dir

# Words LLVM prints when it ends the process on purpose (fatal error, assertion).
_ABORT_MARKERS = ("LLVM ERROR", "Assertion", "UNREACHABLE", "PLEASE submit a bug report", "Aborted")
_STARTUP_TIMEOUT_S = 120.0
# A worker moves to the CPU its caller last ran on (see `current_cpu`).
PIN_WORKERS = os.environ.get("CGYM_PIN_WORKERS", "1") != "0"
_FORK_TIMEOUT_S = 30.0
# How much memory a worker may map beyond what it starts with (0: no limit).
DEFAULT_MEMORY_LIMIT_MB = 4096
_STEP_TIMEOUT_LINE = re.compile(
    re.escape(STEP_TIMEOUT_MARKER) + r" after (?P<seconds>\S+) s: (?P<pipeline>.*)"
)
# What the worker, LLVM, libc++, glibc or Python print when an allocation fails
# past the limit; matched without case against all of stderr, not just its tail.
_OUT_OF_MEMORY_MARKERS = (
    OUT_OF_MEMORY_MARKER,
    "out of memory",
    "bad_alloc",
    "allocation failed",
    "cannot allocate memory",
    "memoryerror",
)


# A worker last seen mapping within this fraction of its address-space limit died of memory.
MEMORY_LIMIT_MARGIN = 0.1


def _stderr_path(kind: str) -> Path:
    """A stderr file no other worker ever gets.

    Named once for good (not by `id()` of a socket, which Python reuses once the
    socket is freed): a worker still exiting when its handle is dropped keeps
    writing into its file, and a new worker given the same name would truncate
    and share it, mixing one's last words into the other's (an out-of-memory
    death was once read as a bare abort that way).
    """
    return scratch_dir() / f"worker-{os.getpid()}-{kind}-{uuid.uuid4().hex[:16]}.stderr"


def memory_limit_mb() -> int:
    """The per-worker memory limit: `CGYM_WORKER_MEMORY_MB`, else 4 GiB."""
    text = os.environ.get("CGYM_WORKER_MEMORY_MB", str(DEFAULT_MEMORY_LIMIT_MB))
    try:
        return int(text)
    except ValueError:
        raise errors.CompilerError(
            f"CGYM_WORKER_MEMORY_MB={text!r}: expected a whole number of MiB (0 for no limit)"
        ) from None


def current_cpu() -> int:
    """The CPU this thread runs on, or -1 when workers are not to be pinned.

    A worker serves one caller at a time and the caller waits for each reply,
    so the two never need to run at once. On the same CPU, the hand-over is a
    context switch (a round trip of about 20 µs measured on this 2-core VM);
    across CPUs, each request and each reply wakes an idle CPU, which took
    70–150 µs. Each request therefore names the caller's CPU and the worker
    pins itself there. Set CGYM_PIN_WORKERS=0 when one thread keeps several
    workers busy at once. (-1 too where the system cannot say: see `host`.)
    """
    return host.current_cpu_number() if PIN_WORKERS else -1


def _pid_gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.005)
    return False


class WorkerProcess:
    """A handle on one worker process; calls from several threads take turns."""

    def __init__(
        self,
        sock: socket.socket,
        pid: int,
        stderr_path: Path,
        backend: str,
        popen: subprocess.Popen | None = None,
    ) -> None:
        self.sock = sock
        self.pid = pid
        self.stderr_path = stderr_path
        self.backend = backend
        self._popen = popen
        self._lock = threading.Lock()  # one request and its reply at a time
        self.owner_pid = os.getpid()  # a process forked from the caller must not use this channel
        self.sessions = 0  # sessions with a module in this worker
        self.loads = 0  # benchmarks loaded here (see `session.RELOADS_PER_WORKER`)
        self.successor: WorkerProcess | None = None  # where its sessions went after it died
        self.alive = True
        self.progress: StepProgress | None = None  # shared with a forked worker
        self.info: Any = None  # what a spawned worker reports at start-up

    @classmethod
    def spawn(cls, backend: str) -> WorkerProcess:
        """Start a new worker process from scratch (slow: prefer `new_worker`)."""
        host.require_workers()
        parent_sock, child_sock = socket.socketpair()
        stderr_path = _stderr_path(f"template-{backend}")
        with open(stderr_path, "wb") as stderr:
            popen = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cgym_ray.llvm.worker",
                    str(child_sock.fileno()),
                    backend,
                    str(os.getpid()),
                ],
                pass_fds=[child_sock.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # the terminal's Ctrl-C goes to the caller only
            )
        child_sock.close()
        worker = cls(parent_sock, popen.pid, stderr_path, backend, popen)
        reply = worker._receive(_STARTUP_TIMEOUT_S, "(start)", f"{backend} worker start-up")
        worker.info = reply
        return worker

    def fork(self) -> WorkerProcess:
        """A new, independent worker holding copies of all this worker's modules."""
        with self._lock:
            return self._fork()

    def _fork(self) -> WorkerProcess:
        parent_sock, child_sock = socket.socketpair()
        stderr_path = _stderr_path("fork")
        progress, progress_fd = StepProgress.create()
        try:
            request = Request(
                "fork",
                {"stderr_path": str(stderr_path), "memory_limit_mb": memory_limit_mb()},
                current_cpu(),
            )
            send_message(self.sock, pack_request(request), fds=[child_sock.fileno(), progress_fd])
        except ChannelClosed:
            progress.close()
            self._died("(fork)", "fork")
        finally:
            child_sock.close()
            os.close(progress_fd)
        child = WorkerProcess(parent_sock, -1, stderr_path, self.backend)
        child.progress = progress
        child.pid = child._receive(_FORK_TIMEOUT_S, "(fork)", "fork")
        return child

    def call(
        self,
        command: str,
        args: dict[str, object],
        *,
        timeout_s: float | None = None,
        benchmark: str = "",
        action: str = "",
    ) -> Any:
        """Send the request `command` with `args` (see `protocol.Request`) and wait for its reply.

        A worker that dies raises `CompilerAbort` or `StepFailed`; one that
        overruns `timeout_s` is killed and raises `CompilerTimeout`. Either way
        this handle is dead afterwards. Errors the worker survives (a bad
        pipeline, say) are raised as the same exception class here.
        """
        with self._lock:
            if not self.alive:
                raise errors.CompilerError(
                    f"the compiler worker for {benchmark or 'this session'} has already died"
                )
            try:
                send_message(self.sock, pack_request(Request(command, args, current_cpu())))
            except ChannelClosed:
                self._died(benchmark, action or command)
            return self._receive(timeout_s, benchmark, action or command)

    def _receive(self, timeout_s: float | None, benchmark: str, action: str) -> Any:
        try:
            message, _ = receive_message(self.sock, timeout_s)
        except ChannelTimeout:
            step_index = self._step_index()
            self.kill()
            error = errors.CompilerTimeout(benchmark, action, timeout_s or 0.0)
            error.step_index = step_index
            raise error from None
        except ChannelClosed:
            self._died(benchmark, action)
        reply = unpack_reply(message)
        if reply.version != PROTOCOL_VERSION:
            self.kill()
            raise errors.CompilerError(
                f"the compiler worker answered in another protocol (expected version {PROTOCOL_VERSION}): "
                "caller and worker come from different cgym-ray versions"
            )
        if reply.error is not None:
            raise reply.error.to_exception()
        return reply.value

    def _died(self, benchmark: str, action: str) -> None:
        self.alive = False
        exit_signal = None
        if self._popen is not None:
            try:
                code = self._popen.wait(timeout=5)
                exit_signal = -code if code < 0 else None
            except subprocess.TimeoutExpired:
                pass
        else:
            _pid_gone(self.pid, 5)
        detail = self.stderr_tail()
        out_of_memory = self._said_out_of_memory()
        at_limit = self._at_memory_limit()
        if at_limit and not out_of_memory:
            detail = f"{detail}\n{at_limit}".strip()
            out_of_memory = True
        step_index = self._step_index()
        self.close()
        raise self._death_cause(
            benchmark, action, detail, exit_signal, step_index, out_of_memory=out_of_memory
        )

    @staticmethod
    def _death_cause(
        benchmark: str,
        action: str,
        detail: str,
        exit_signal: int | None,
        step_index: int | None,
        out_of_memory: bool = False,
    ) -> errors.StepFailed:
        """What killed a worker, from its last words; `step_index` is the step of a sequence it was in."""
        timeouts = [m for m in map(_STEP_TIMEOUT_LINE.match, detail.splitlines()) if m]
        error: errors.StepFailed
        if timeouts:
            error = errors.CompilerTimeout(
                benchmark, timeouts[0]["pipeline"], float(timeouts[0]["seconds"])
            )
        elif out_of_memory or any(m in detail.lower() for m in _OUT_OF_MEMORY_MARKERS):
            error = errors.CompilerOutOfMemory(benchmark, action, detail)
        elif exit_signal == signal.SIGABRT or any(m in detail for m in _ABORT_MARKERS):
            error = errors.CompilerAbort(benchmark, action, detail)
        else:
            if exit_signal and not detail:
                detail = f"killed by {signal.Signals(exit_signal).name}"
            error = errors.StepFailed(benchmark, action, "crash", detail or "worker process exited")
        error.step_index = step_index
        return error

    def _step_index(self) -> int | None:
        """The step of a sequence the worker is in (or died in); None outside one."""
        return self.progress.get() if self.progress is not None else None

    def _at_memory_limit(self) -> str:
        """Why memory ended the worker by evidence, when its last words cannot say: '' if not.

        Near its address-space limit a dying worker may have had no memory left
        to print its allocation failure (stderr then holds only Python's bare
        "Aborted"). The worker records the bytes it maps while passes run
        (`StepProgress`); a record within `MEMORY_LIMIT_MARGIN` of the limit is
        that evidence.
        """
        if self.progress is None:
            return ""
        mapped, limit = self.progress.memory()
        if limit <= 0 or mapped < limit * (1 - MEMORY_LIMIT_MARGIN):
            return ""
        return (
            f"cgym: the worker had mapped {mapped / 2**20:.0f} MiB of its "
            f"{limit / 2**20:.0f} MiB address-space limit when it died"
        )

    def _said_out_of_memory(self, limit: int = 1 << 20) -> bool:
        """Whether anything on the worker's stderr (its first MiB) reports a failed allocation."""
        try:
            with self.stderr_path.open("rb") as handle:
                text = handle.read(limit).decode("utf-8", "replace").lower()
        except OSError:
            return False
        return any(marker in text for marker in _OUT_OF_MEMORY_MARKERS)

    def stderr_tail(self, limit: int = 2000) -> str:
        """What the worker said before dying: LLVM's message, without Python's thread dump."""
        try:
            data = self.stderr_path.read_bytes()
        except OSError:
            return ""
        text = data[-limit * 4 :].decode("utf-8", "replace")
        kept = []
        for line in text.splitlines():
            if line.startswith(("Thread 0x", "Current thread 0x", "Extension modules:")):
                break
            if line.strip():
                kept.append(line.strip())
        return "\n".join(kept)[-limit:]

    def kill(self) -> None:
        """Kill the process now (SIGKILL) and release the handle."""
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self._popen is not None:
                self._popen.wait()
            else:
                _pid_gone(self.pid, 2.0)  # reaped by the template that forked it
        self.alive = False
        self.close()

    def close(self) -> None:
        """Close the channel; the worker sees end-of-file and exits."""
        if self.sock.fileno() >= 0:
            self.sock.close()
        self.alive = False
        try:
            self.stderr_path.unlink(missing_ok=True)
        except OSError:
            pass
        if self.progress is not None:
            self.progress.close()
        if self._popen is not None and self._popen.poll() is None:
            # A template exits on EOF at once; don't leave a zombie behind.
            try:
                self._popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()


_templates: dict[tuple[int, str], WorkerProcess] = {}
_templates_lock = threading.Lock()


def new_worker(backend: str) -> WorkerProcess:
    """A fresh worker for `backend`, forked from this process's template worker."""
    key = (os.getpid(), backend)
    with _templates_lock:
        template = _templates.get(key)
        if template is None or not template.alive:
            template = _templates[key] = WorkerProcess.spawn(backend)
        try:
            return template.fork()
        except errors.CompilerError:
            # The template died (killed from outside?): start another once.
            template = _templates[key] = WorkerProcess.spawn(backend)
            return template.fork()


def shutdown_templates() -> None:
    """Stop this process's template workers (they also exit with the process)."""
    with _templates_lock:
        for key, template in list(_templates.items()):
            if key[0] == os.getpid():
                template.close()
                del _templates[key]
