"""The compiler worker: a process that holds LLVM modules and runs passes on them.

LLVM ends the process on a fatal error and a pass can loop forever, and
neither can be stopped from Python inside the same process. So every module
lives in a worker process; the session in the caller's process talks to it
over a socket and kills it when a step overruns its timeout. A worker exits
on its own when its channel closes or its owner process disappears, so
nothing outlives the program that started it.

Run as `python -m cgym_ray.llvm.worker FD BACKEND OWNER_PID`.
"""

from __future__ import annotations

import faulthandler
import hashlib
import math
import mmap
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence

from cgym_ray.errors import CompilerError
from cgym_ray.faults import inject_if_asked
from cgym_ray.llvm import host
from cgym_ray.llvm.backend import Module, get_backend
from cgym_ray.llvm.patience import PatienceRule
from cgym_ray.llvm.protocol import (
    PROTOCOL_VERSION,
    ChannelClosed,
    Reply,
    Request,
    StepResult,
    WorkerError,
    pack_reply,
    receive_message,
    send_message,
    unpack_request,
)

# What a worker writes on stderr before it ends itself for a step that overran.
STEP_TIMEOUT_MARKER = "cgym: step timeout"
STEP_WATCH_INTERVAL_S = 0.05
# What a worker writes on stderr before it ends itself for want of memory.
OUT_OF_MEMORY_MARKER = "cgym: out of memory"

MEASUREMENTS: dict[str, Callable[[Module], object]] = {
    "instruction_count": lambda m: m.instruction_count(),
    "inst_count": lambda m: m.inst_count(),
    "autophase": lambda m: m.autophase(),
    "ir_text": lambda m: m.ir_text(),
    "lexed_ir": lambda m: m.lexed_ir(),
    "inst2vec_statements": lambda m: m.inst2vec_statements(),
    "inst2vec_indices": lambda m: m.inst2vec_indices(),
    "ir_sha1": lambda m: hashlib.sha1(m.ir_text().encode()).hexdigest(),
    "bitcode": lambda m: m.bitcode(),
    "object_file": lambda m: m.object_file(),
    "object_text_size_bytes": lambda m: m.object_text_size_bytes(),
    "verify": lambda m: m.verify(),
    "ir2vec_symbolic": lambda m: m.ir2vec("symbolic"),
    "ir2vec_flow_aware": lambda m: m.ir2vec("flow-aware"),
    "fingerprint": lambda m: m.fingerprint(),
    "programl": lambda m: m.programl(),
    "programl_arrays": lambda m: m.programl(with_text=False),
}


def _watch_owner(owner_pid: int) -> None:
    """Exit when the owner process is gone, even while a pass is running."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner_pid, 0)
            except ProcessLookupError:
                os._exit(3)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


class StepProgress:
    """Which step of a sequence a worker is running, and how much memory it maps, shared.

    A worker that dies (an abort, a segfault, out of memory) cannot say where.
    The caller makes a small memory file (a memfd; see `host`) and hands it to
    the worker with the fork request; both map it. The worker stores the step's
    index before each step of a sequence (and each action of `try_actions`) and
    -1 after, and the caller's mapping outlives the worker, so the caller knows
    which step failed without running the sequence again.

    While passes run, the worker also stores the bytes it maps, next to its
    address-space limit: a worker that dies at the limit may have had no memory
    left to say so (a bare abort on stderr), and the caller then knows by that
    evidence that memory ended it.
    """

    SIZE = 24  # the step index, then the mapped bytes, then the limit in bytes (0: none)

    def __init__(self, fd: int) -> None:
        self._map = mmap.mmap(fd, self.SIZE)

    @classmethod
    def create(cls) -> tuple[StepProgress, int]:
        """A new shared progress record, and its descriptor to send to the worker."""
        fd = host.shared_memory_fd("cgym-step-progress", cls.SIZE)
        progress = cls(fd)
        progress.set(-1)
        return progress, fd

    def _write(self, slot: int, value: int) -> None:
        self._map[8 * slot : 8 * slot + 8] = value.to_bytes(8, "little", signed=True)

    def _read(self, slot: int) -> int:
        return int.from_bytes(self._map[8 * slot : 8 * slot + 8], "little", signed=True)

    def set(self, index: int) -> None:
        self._write(0, index)

    def get(self) -> int | None:
        """The step running now (or when the worker died), None between sequences."""
        if self._map.closed:
            return None
        index = self._read(0)
        return index if index >= 0 else None

    def set_memory(self, mapped_bytes: int, limit_bytes: int | None = None) -> None:
        """Record the bytes mapped now (and, once, the address-space limit)."""
        self._write(1, mapped_bytes)
        if limit_bytes is not None:
            self._write(2, limit_bytes)

    def memory(self) -> tuple[int, int]:
        """The last mapped bytes recorded and the limit (0, 0 when none was)."""
        if self._map.closed:
            return 0, 0
        return self._read(1), self._read(2)

    def close(self) -> None:
        self._map.close()


class WorkerServer:
    """Owns the modules of one worker process and answers requests."""

    def __init__(self, sock: socket.socket, backend_name: str, owner_pid: int) -> None:
        self.sock = sock
        self.backend = get_backend(backend_name)
        self.owner_pid = owner_pid
        self.modules: dict[int, Module] = {}
        self.fingerprints: dict[int, int] = {}  # valid only while nothing else changed the module
        self.next_id = 0
        self.cpu = -1  # the CPU this worker is pinned to, -1 for none
        self._step_deadline: float | None = None  # while a step of a sequence runs
        self._step_timeout_s = 0.0
        self._step_pipeline = ""
        self._progress: StepProgress | None = None  # set in forked workers
        self._mapped: host.MappedBytes | None = None  # set in forked workers (their /proc/self)
        self._passes_running = threading.Event()

    def start_step_watch(self) -> None:
        """Start the thread that ends this process when a step of a sequence overruns.

        Passes run in C with the GIL released, so the thread runs meanwhile.
        It polls only while passes run: a sequence, `try_actions` or a single
        `apply` (which the caller times and kills itself). Each poll also
        records the bytes mapped in `StepProgress`. Threads do
        not survive fork: each worker starts its own (a template only forks,
        so it runs none).
        """
        self._passes_running = threading.Event()

        def watch() -> None:
            while True:
                self._passes_running.wait()
                time.sleep(STEP_WATCH_INTERVAL_S)
                if self._progress is not None and self._mapped is not None:
                    try:
                        self._progress.set_memory(self._mapped.read())
                    except (MemoryError, OSError):  # at the limit: the last record stands
                        pass
                deadline, timeout_s, pipeline = (
                    self._step_deadline,
                    self._step_timeout_s,
                    self._step_pipeline,
                )
                if deadline is not None and time.monotonic() > deadline:
                    os.write(
                        2, f"{STEP_TIMEOUT_MARKER} after {timeout_s:.3g} s: {pipeline}\n".encode()
                    )
                    os._exit(124)

        threading.Thread(target=watch, name="step-watch", daemon=True).start()

    def follow(self, cpu: int) -> None:
        """Pin this worker to its caller's CPU (see `workers.current_cpu`)."""
        if cpu == self.cpu or cpu < 0:
            return
        if host.pin_to_cpu(
            cpu
        ):  # else (a cpuset, no affinity API) stay where the scheduler puts us
            self.cpu = cpu

    def serve(self) -> None:
        while True:
            try:
                message, fds = receive_message(self.sock, with_fds=True)
            except ChannelClosed:
                return
            request = unpack_request(message)
            if request.version != PROTOCOL_VERSION:
                text = (
                    f"the worker speaks protocol version {PROTOCOL_VERSION}, the request "
                    f"{request.version}: caller and worker come from different cgym-ray versions"
                )
                error = WorkerError("ProtocolError", text)
                send_message(self.sock, pack_reply(Reply(error=error)))
                continue
            self.follow(request.cpu)
            if request.command == "fork":
                self._fork(fds, **request.args)  # the child goes on serving its own channel
                continue
            reply = self.answer(request)
            try:
                send_message(self.sock, pack_reply(reply))
            except ChannelClosed:
                return
            if request.command == "shutdown":
                return

    def answer(self, request: Request) -> Reply:
        """Run one request; an exception becomes the reply's `WorkerError`."""
        try:
            return Reply(getattr(self, f"do_{request.command}")(**request.args))
        except MemoryError:  # past the memory limit: half-built state, so end here
            os.write(2, f"{OUT_OF_MEMORY_MARKER} in {request.command}\n".encode())
            os._exit(137)
        except Exception as error:  # reported to the caller, the worker lives on
            return Reply(error=WorkerError.of(error, traceback.format_exc(limit=3)))

    def _add(self, module: Module) -> int:
        self.next_id += 1
        self.modules[self.next_id] = module
        return self.next_id

    def _fork(self, fds: list[int], stderr_path: str, memory_limit_mb: int) -> None:
        """Fork this worker; the child answers, with its pid, on the descriptor it was sent.

        The second descriptor is the caller's `StepProgress` memory.
        """
        child_fd, progress_fd = fds
        pid = os.fork()
        if pid == 0:
            os.close(self.sock.detach())  # drop our copy only; the parent keeps its channel
            self.sock = socket.socket(fileno=child_fd)
            stderr = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(stderr, 2)
            os.close(stderr)
            self._progress = StepProgress(progress_fd)
            if self._mapped is not None:  # a worker forking a worker: the parent's /proc entry
                self._mapped.close()
            self._mapped = host.MappedBytes()
            os.close(progress_fd)
            _watch_owner(self.owner_pid)
            self.start_step_watch()
            host.limit_address_space(memory_limit_mb)  # where the system has no such limit: none
            self._progress.set_memory(self._mapped.read(), host.address_space_limit())
            send_message(self.sock, pack_reply(Reply(os.getpid())))
            return
        os.close(child_fd)
        os.close(progress_fd)

    # Requests. Each returns a picklable value.

    def do_ping(self) -> dict[str, object]:
        return {
            "pid": os.getpid(),
            "backend": self.backend.name,
            "llvm_version": self.backend.llvm_version,
        }

    def do_load(self, data: bytes, name: str, attributes: Sequence[str]) -> int:
        module = self.backend.load(data, name)
        if attributes:
            module.add_function_attributes(attributes)
        return self._add(module)

    def do_reload(
        self, module_id: int, data: bytes, name: str, attributes: Sequence[str]
    ) -> tuple[int, int]:
        """Replace a module by a newly loaded one (a warm reset); its id and instruction count."""
        new_id = self.do_load(data, name, attributes)
        self.do_dispose(module_id)
        return new_id, self.modules[new_id].instruction_count()

    def do_clone(self, module_id: int) -> int:
        return self._add(self.modules[module_id].clone())

    def do_copy(self, module_id: int) -> int:
        """A copy the passes treat exactly as the original (an in-worker fork; see `Module.copy`)."""
        return self._add(self.modules[module_id].copy())

    def do_dispose(self, module_id: int) -> None:
        self.fingerprints.pop(module_id, None)
        module = self.modules.pop(module_id, None)
        if module is not None:
            module.dispose()

    def do_measure(self, module_id: int, names: Sequence[str]) -> dict[str, object]:
        module = self.modules[module_id]
        return {name: MEASUREMENTS[name](module) for name in names}

    def do_apply(
        self,
        module_id: int,
        pipeline: str,
        attributes: Sequence[str],
        names: Sequence[str],
    ) -> StepResult:
        """Run one action; whether it changed the module, and the measurements `names`."""
        if self._passes_running.is_set():  # an action of `try_actions`: already watched
            return self._apply(module_id, pipeline, attributes, names, changes=True)
        self._passes_running.set()  # so the watch records the memory mapped
        try:
            return self._apply(module_id, pipeline, attributes, names, changes=True)
        finally:
            self._end_steps()

    def _apply(
        self,
        module_id: int,
        pipeline: str,
        attributes: Sequence[str],
        names: Sequence[str],
        changes: bool,
    ) -> StepResult:
        module = self.modules[module_id]
        # The fingerprint after one step is the one before the next: walk once a step.
        before = self.fingerprints.pop(module_id, None)
        if changes and before is None:
            before, _ = module.fingerprint()
        started = time.perf_counter()
        inject_if_asked(pipeline)
        if attributes:
            module.add_function_attributes(attributes)
        if pipeline:  # an attributes-only action (`size-attributes`) runs no pass
            module.run_pipeline(pipeline)
        pass_time_s = time.perf_counter() - started
        changed = True
        if changes:
            after, instruction_count = module.fingerprint()
            changed = after != before
            self.fingerprints[module_id] = after
        else:
            instruction_count = module.instruction_count()
        observations = {
            name: instruction_count if name == "instruction_count" else MEASUREMENTS[name](module)
            for name in names
        }
        return StepResult(
            pipeline, changed, instruction_count, pass_time_s, pass_time_s, observations
        )

    def do_apply_sequence(
        self,
        module_id: int,
        actions: Sequence[tuple[str, Sequence[str]]],
        names: Sequence[str],
        changes: bool,
        step_timeout_s: float,
        stop: PatienceRule | None,
        time_limit_s: float | None,
        overrun_s: float | None = None,
    ) -> list[StepResult]:
        """Run actions one after another in one request; a result for each step taken.

        Stops early at the first action that fails (its result holds the `error`),
        when `time_limit_s` has passed, or by the patience rule `stop`. Each step
        has `step_timeout_s`, and with `overrun_s` must also end by
        `time_limit_s + overrun_s`; a step that overruns ends this process
        with `STEP_TIMEOUT_MARKER` on stderr, which the caller reports as a
        timeout (the step's index is in `StepProgress`).
        """
        self._passes_running.set()
        try:
            started = time.monotonic()
            watch = stop.watch() if stop is not None else None
            results: list[StepResult] = []
            last_end = None
            if time_limit_s is not None and overrun_s is not None:
                last_end = started + time_limit_s + overrun_s
            for index, (pipeline, attributes) in enumerate(actions):
                self._watch_step(index, pipeline, step_timeout_s, last_end)
                step_started = time.perf_counter()
                try:
                    result = self._apply(module_id, pipeline, attributes, names, changes)
                except CompilerError as error:
                    results.append(_failed(pipeline, error))
                    break
                finally:
                    self._step_deadline = None
                result.walltime_s = time.perf_counter() - step_started
                results.append(result)
                if watch is not None and watch.should_stop(
                    float(result.measurement(watch.rule.metric))
                ):
                    break
                if time_limit_s is not None and time.monotonic() - started >= time_limit_s:
                    break
            return results
        finally:
            self._end_steps()

    def do_try_actions(
        self,
        module_id: int,
        actions: Sequence[tuple[str, Sequence[str]]],
        names: Sequence[str],
        step_timeout_s: float = math.inf,
    ) -> list[StepResult]:
        """Apply each action to a fresh clone of the module and measure it (greedy search).

        Each action is timed, and its index kept, as a step of a sequence is.
        """
        results = []
        self._passes_running.set()
        try:
            for index, (pipeline, attributes) in enumerate(actions):
                clone_id = self.do_clone(module_id)
                self._watch_step(index, pipeline, step_timeout_s, None)
                try:
                    results.append(self.do_apply(clone_id, pipeline, attributes, names))
                except CompilerError as error:
                    results.append(_failed(pipeline, error))
                finally:
                    self._step_deadline = None
                    self.do_dispose(clone_id)
            return results
        finally:
            self._end_steps()

    def _watch_step(
        self, index: int, pipeline: str, timeout_s: float, last_end: float | None
    ) -> None:
        """Arm the step watch for the step that starts now (see `start_step_watch`)."""
        now = time.monotonic()
        deadline = now + timeout_s if last_end is None else min(now + timeout_s, last_end)
        self._step_pipeline = pipeline
        self._step_timeout_s = deadline - now
        self._step_deadline = deadline
        if self._progress is not None:
            self._progress.set(index)

    def _end_steps(self) -> None:
        """After a sequence or an apply: no step is running, none is watched."""
        self._step_deadline = None
        self._passes_running.clear()
        if self._progress is not None:
            self._progress.set(-1)

    def do_shutdown(self) -> None:
        for module in self.modules.values():
            module.dispose()
        self.modules.clear()


def _failed(pipeline: str, error: CompilerError) -> StepResult:
    """The result of an action that failed in a sequence, the worker living on."""
    return StepResult(pipeline, False, -1, 0.0, 0.0, error=WorkerError.of(error))


_WARM_UP_IR = b"""
define i32 @f(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %t, %loop ]
  %t = add i32 %s, %i
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %t
}
"""


def _warm_up(server: WorkerServer) -> None:
    """Run LLVM once in the template, so that forked workers inherit its lazy start-up.

    LLVM builds much on first use (pass registries, the target machine, cost
    models); done here, every fork starts warm instead of paying it again.
    """
    try:
        module_id = server.do_load(_WARM_UP_IR, "warm-up", ("minsize", "optsize"))
        server.do_measure(module_id, ("autophase", "inst_count", "object_text_size_bytes"))
        server.do_apply(module_id, "default<O2>", (), ())
        server.do_dispose(module_id)
    except Exception:  # a backend that cannot run this still works; it just starts cold
        pass


def main(argv: list[str]) -> None:
    fd, backend_name, owner_pid = int(argv[0]), argv[1], int(argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    faulthandler.enable()  # a crash leaves its cause on stderr for the caller to report
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked workers reap themselves
    _watch_owner(owner_pid)
    sock = socket.socket(fileno=fd)
    try:
        server = WorkerServer(sock, backend_name, owner_pid)
    except Exception as error:
        send_message(sock, pack_reply(Reply(error=WorkerError.of(error, traceback.format_exc()))))
        return
    _warm_up(server)
    send_message(sock, pack_reply(Reply(server.do_ping())))
    server.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
