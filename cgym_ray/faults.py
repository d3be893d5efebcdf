"""Fault injection and test hooks: every switch the tests turn, in one place.

Production code calls two hooks here and nothing else of it:
- `inject_if_asked(pipeline)` in the compiler worker before a pass runs: the
  pipelines `cgym-inject-abort`, `-hang` and `-segfault` make the worker fail
  as LLVM would, and `-silent-out-of-memory` makes it die at its memory limit
  with no word of why (as an allocation failure with no memory left to print
  does), when `CGYM_FAULT_INJECTION=1` is set in its environment
  (tests/conftest.py sets it; `init_ray` passes it on to Ray's workers);
- `store_pause_point(stage, batch)` in the trajectory writer: with
  `CGYM_STORE_PAUSE_AT=<stage>:<batch>` ("before_write:N", "before_commit:N",
  "after_commit:N") the writer stops there so that a test can kill it.

(`cgym_ray.rl.envs.FaultInjection`, for `fault_injection:` in a train job,
makes every N-th step such a pipeline.)
"""

from __future__ import annotations

import os
import sys
import time

from cgym_ray.errors import CompilerError

INJECT_PREFIX = "cgym-inject-"
FAULT_INJECTION_VARIABLE = "CGYM_FAULT_INJECTION"
STORE_PAUSE_VARIABLE = "CGYM_STORE_PAUSE_AT"


def inject_if_asked(pipeline: str) -> None:
    """Fail as `pipeline` says when it is an injected fault (abort, hang, segfault); else nothing."""
    if not pipeline.startswith(INJECT_PREFIX):
        return
    if os.environ.get(FAULT_INJECTION_VARIABLE) != "1":
        raise CompilerError(
            f"{pipeline!r}: fault injection is off (set {FAULT_INJECTION_VARIABLE}=1)"
        )
    import ctypes

    kind = pipeline[len(INJECT_PREFIX) :]
    libc = ctypes.CDLL(None)
    if kind == "abort":
        sys.stderr.write("LLVM ERROR: injected fatal error (cgym fault injection)\n")
        sys.stderr.flush()
        libc.abort()
    elif kind == "hang":
        libc.pause()  # blocks inside C, like a pass that never returns
    elif kind == "segfault":
        ctypes.string_at(0)
    elif kind == "silent-out-of-memory":
        _mapped = _map_until_the_limit()  # kept alive, so mapped, until the abort
        time.sleep(0.2)  # the step watch records the mapped size every 50 ms
        libc.abort()
    else:
        raise CompilerError(f"unknown fault injection {kind!r}")


def _map_until_the_limit(chunk: int = 16 << 20) -> list[object]:
    """Map untouched memory until the address-space limit refuses more (none: 64 GiB)."""
    import mmap

    kept: list[object] = []
    while len(kept) * chunk < 64 << 30:
        try:
            kept.append(mmap.mmap(-1, chunk))
        except (OSError, MemoryError):
            break
    return kept


def store_pause_point(stage: str, batch: int) -> None:
    """Sleep for an hour here when `CGYM_STORE_PAUSE_AT` names this stage and batch."""
    if os.environ.get(STORE_PAUSE_VARIABLE) == f"{stage}:{batch}":
        sys.stderr.write(f"cgym-store: paused at {stage}\n")
        sys.stderr.flush()
        time.sleep(3600)
