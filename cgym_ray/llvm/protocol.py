"""Message framing between a compiler session and its worker process.

A message is an 8-byte little-endian length and a pickle. Both ends are our
own code on the same machine, so pickle is safe here; nothing from a
submission or a user file is ever unpickled (they arrive as raw bytes inside
a message). A message may carry file descriptors (SCM_RIGHTS), used to hand a
forked worker its own channel.
"""

from __future__ import annotations

import pickle
import select
import socket
import struct
import time

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
