"""The worker protocol: what a compiler session and its worker process say to each other.

    caller                                   worker
    Request("apply", {module_id, ...}, cpu)  ->  WorkerServer.do_apply(module_id=..., ...)
                                             <-  Reply(value=StepResult(...))  or  Reply(error=WorkerError(...))

A `Request` names its command and its arguments; a `Reply` holds a value or a
`WorkerError`, the one shape of an error the worker survived (a bad pipeline,
an unknown measurement); a step that fails inside a sequence carries the same
`WorkerError` in its `StepResult`. Both carry `PROTOCOL_VERSION`, and a worker
refuses a request of another version. A worker that dies says nothing: the
caller diagnoses it (see `workers.py`).

On the wire a message is an 8-byte little-endian length and a pickle. Both
ends are our own code on the same machine, so pickle is safe here; nothing
from a submission or a user file is ever unpickled (they arrive as raw bytes
inside a message). A message may carry file descriptors (SCM_RIGHTS), used
to hand a forked worker its own channel and its step-progress memory.
"""

from __future__ import annotations

import pickle
import select
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from cgym_ray import errors

PROTOCOL_VERSION = 1


@dataclass
class Request:
    """Run `WorkerServer.do_<command>(**args)`; `cpu` is the caller's, for the worker to follow."""

    command: str
    args: dict[str, Any] = field(default_factory=dict)
    cpu: int = -1  # -1: do not move
    version: int = PROTOCOL_VERSION


@dataclass
class WorkerError:
    """An exception the worker raised and survived: its class name, message and traceback."""

    type: str
    message: str
    traceback: str = ""

    def to_exception(self, prefix: str = "") -> errors.CompilerError:
        """The same exception class here when it is one of `cgym_ray.errors`; else a `CompilerError`."""
        error_class = getattr(errors, self.type, None)
        if isinstance(error_class, type) and issubclass(error_class, errors.CompilerError):
            try:
                return error_class(prefix + self.message)
            except TypeError:  # a class built from several fields (StepFailed): keep the message
                pass
        return errors.CompilerError(f"{prefix}{self.type}: {self.message}")

    @classmethod
    def of(cls, error: BaseException, traceback: str = "") -> WorkerError:
        return cls(type(error).__name__, str(error), traceback)


@dataclass
class Reply:
    """A request's result: `value`, or the `error` that stopped it."""

    value: Any = None
    error: WorkerError | None = None
    version: int = PROTOCOL_VERSION


@dataclass
class StepResult:
    """What one action did to a module, as the worker measured it.

    The session sets `action` to the action's name and `walltime_s` to the
    time the caller saw (the worker's own step time plus the round trip).
    """

    action: str  # the action's name (in the worker: its pipeline)
    changed: bool  # True also when not checked (`changes=False`)
    instruction_count: int
    pass_time_s: float
    walltime_s: float
    observations: dict[str, Any] = field(default_factory=dict)  # the measurements asked for
    error: WorkerError | None = None  # set when the action failed and the worker lived on

    def measurement(self, name: str) -> Any:
        """A measurement after the step: `instruction_count` always, the others when asked for."""
        return self.instruction_count if name == "instruction_count" else self.observations[name]


# On the wire, requests, replies and step results travel as plain tuples: pickling
# a class reference costs more than all the rest of a step's messages (measured:
# 5 µs of CPU a step as tuples against 23 µs with the dataclasses pickled as such).
_STEP = "cgym-step"  # marks a packed StepResult inside a reply's value


def pack_request(request: Request) -> tuple[Any, ...]:
    return (request.version, request.command, request.args, request.cpu)


def unpack_request(message: Any) -> Request:
    """The request in `message`; one of another version (or shape) keeps only its version."""
    if isinstance(message, tuple) and len(message) == 4 and message[0] == PROTOCOL_VERSION:
        _, command, args, cpu = message
        return Request(command, args, cpu)
    version = (
        message[0] if isinstance(message, tuple) and message and isinstance(message[0], int) else -1
    )
    return Request("", {}, -1, version)


def pack_reply(reply: Reply) -> tuple[Any, ...]:
    return (reply.version, _pack(reply.value), _pack_error(reply.error))


def unpack_reply(message: Any) -> Reply:
    """The reply in `message`; one of another version (or shape) has that version and no value."""
    if isinstance(message, tuple) and len(message) == 3 and message[0] == PROTOCOL_VERSION:
        _, value, error = message
        return Reply(_unpack(value), _unpack_error(error))
    version = (
        message[0] if isinstance(message, tuple) and message and isinstance(message[0], int) else -1
    )
    return Reply(version=version)


def _pack_error(error: WorkerError | None) -> tuple[str, str, str] | None:
    return None if error is None else (error.type, error.message, error.traceback)


def _unpack_error(packed: tuple[str, str, str] | None) -> WorkerError | None:
    return None if packed is None else WorkerError(*packed)


def _pack(value: Any) -> Any:
    if type(value) is StepResult:
        return (
            _STEP,
            value.action,
            value.changed,
            value.instruction_count,
            value.pass_time_s,
            value.walltime_s,
            value.observations,
            _pack_error(value.error),
        )
    if type(value) is list and value and type(value[0]) is StepResult:
        return [_pack(step) for step in value]
    return value


def _is_packed_step(value: Any) -> bool:
    return (
        type(value) is tuple and len(value) == 8 and isinstance(value[0], str) and value[0] == _STEP
    )


def _unpack(value: Any) -> Any:
    if _is_packed_step(value):
        _, action, changed, count, pass_time_s, walltime_s, observations, error = value
        return StepResult(
            action, changed, count, pass_time_s, walltime_s, observations, _unpack_error(error)
        )
    if type(value) is list and value and _is_packed_step(value[0]):
        return [_unpack(step) for step in value]
    return value


_HEADER = struct.Struct("<Q")
_MAX_FDS = 4
_CHUNK = 1 << 16


class ChannelClosed(Exception):
    """The other end closed the channel (its process exited or was killed)."""


class ChannelTimeout(Exception):
    """No complete message arrived within the timeout."""


def send_message(sock: socket.socket, message: object, fds: list[int] | None = None) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    data = _HEADER.pack(len(payload)) + payload
    try:
        if fds:
            sent = socket.send_fds(sock, [data], fds)
            data = data[sent:]
        if data:
            sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError) as error:
        raise ChannelClosed(str(error)) from None


def _receive_chunk(
    sock: socket.socket, size: int, deadline: float | None, fds: list[int] | None
) -> bytes:
    """Up to `size` bytes: at once if they are there, else after waiting for them."""
    while True:
        try:
            if fds is not None:
                chunk, new_fds, _, _ = socket.recv_fds(sock, size, _MAX_FDS, socket.MSG_DONTWAIT)
                fds.extend(new_fds)
            else:
                chunk = sock.recv(size, socket.MSG_DONTWAIT)
        except BlockingIOError:
            if deadline is None:
                select.select([sock], [], [])
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
                raise ChannelTimeout() from None
            continue
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ChannelClosed("end of file")
        return chunk


def receive_message(
    sock: socket.socket, timeout_s: float | None = None, with_fds: bool = False
) -> tuple[object, list[int]]:
    """One message and any descriptors that came with it.

    Raises `ChannelTimeout` when `timeout_s` passes first (the channel is then
    out of step and must be discarded) and `ChannelClosed` on end of file.
    Requests and replies alternate, so a read never takes bytes of the next message.
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    fds: list[int] = []
    buffer = bytearray(_receive_chunk(sock, _CHUNK, deadline, fds if with_fds else None))
    while len(buffer) < _HEADER.size:
        buffer += _receive_chunk(sock, _HEADER.size - len(buffer), deadline, None)
    (length,) = _HEADER.unpack_from(buffer)
    needed = _HEADER.size + length
    while len(buffer) < needed:
        buffer += _receive_chunk(sock, needed - len(buffer), deadline, None)
    return pickle.loads(memoryview(buffer)[_HEADER.size : needed]), fds
