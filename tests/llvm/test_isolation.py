"""A compiler abort or hang never takes the caller down (docs/design.md)."""

from __future__ import annotations

import os

import pytest

from cgym_ray.errors import (
    CompilerAbort,
    CompilerError,
    CompilerOutOfMemory,
    CompilerTimeout,
    StepFailed,
)
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.session import CompilerSession
from cgym_ray.llvm.workers import WorkerProcess

PLAIN_INSTCOMBINE = Action("instcombine-verify-fixpoint", "function(instcombine)")


def test_real_llvm_abort_is_reported_and_caller_survives(suite_bitcode):
    # Plain instcombine verifies its fixpoint and aborts on this program (LLVM 23).
    session = CompilerSession(suite_bitcode["crc32"], "benchmark://cgym-suite-v0/crc32")
    with pytest.raises(CompilerAbort) as caught:
        session.apply(PLAIN_INSTCOMBINE)
    error = caught.value
    assert error.cause == "abort"
    assert error.benchmark == "benchmark://cgym-suite-v0/crc32"
    assert error.action == PLAIN_INSTCOMBINE.name
    assert "did not reach a fixpoint" in error.detail
    assert not session.alive
    fresh = CompilerSession(suite_bitcode["crc32"], "benchmark://cgym-suite-v0/crc32")
    assert fresh.apply("instcombine").instruction_count > 0


def test_injected_abort(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(CompilerAbort, match="injected fatal error"):
        session.apply(Action("boom", "cgym-inject-abort"))
    assert CompilerSession(crc32_bitcode, "crc32").instruction_count > 0


def test_a_silent_death_at_the_memory_limit_is_out_of_memory(crc32_bitcode, monkeypatch):
    """A worker that dies at its limit with no word of why (only Python's "Aborted") is out of memory.

    The worker records what it maps while passes run; its caller reads that
    record when the worker dies (`WorkerProcess._at_memory_limit`).
    """
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "256")
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(CompilerOutOfMemory) as caught:
        session.apply(Action("silent", "cgym-inject-silent-out-of-memory"))
    assert caught.value.cause == "memory" and caught.value.action == "silent"
    assert "MiB address-space limit when it died" in caught.value.detail
    assert "bad_alloc" not in caught.value.detail  # nothing but the evidence said so
    assert CompilerSession(crc32_bitcode, "crc32").instruction_count > 0


def test_injected_hang_times_out_and_worker_is_killed(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32", timeout_s=1.0)
    pid = session.worker_pid
    with pytest.raises(CompilerTimeout) as caught:
        session.apply(Action("stuck", "cgym-inject-hang"))
    assert caught.value.cause == "timeout" and caught.value.action == "stuck"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert CompilerSession(crc32_bitcode, "crc32").instruction_count > 0


def test_segfault_is_a_crash_not_an_abort(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(StepFailed) as caught:
        session.apply(Action("segv", "cgym-inject-segfault"))
    assert caught.value.cause == "crash"
    assert "Segmentation fault" in caught.value.detail


def test_a_worker_past_its_memory_limit_ends_with_cause_memory(suite_bitcode, monkeypatch):
    # linalg_kit (12,000 instructions) loads within 2 MiB but O3 needs over 8 MiB.
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "4")
    session = CompilerSession(suite_bitcode["linalg_kit"], "linalg_kit")
    with pytest.raises(CompilerOutOfMemory) as caught:
        session.apply("O3")
    assert caught.value.cause == "memory" and caught.value.action == "O3"
    assert "out of memory" in str(caught.value) and not session.alive
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "0")
    fresh = CompilerSession(suite_bitcode["linalg_kit"], "linalg_kit")
    assert fresh.apply("O3").instruction_count > 0


def test_a_bad_memory_limit_is_named(crc32_bitcode, monkeypatch):
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "4G")
    with pytest.raises(CompilerError, match="CGYM_WORKER_MEMORY_MB='4G'"):
        CompilerSession(crc32_bitcode, "crc32")


def test_fork_survives_its_parent_dying(crc32_bitcode):
    parent = CompilerSession(crc32_bitcode, "crc32")
    parent.apply("sroa")
    child = parent.fork()
    with pytest.raises(CompilerAbort):
        parent.apply(Action("boom", "cgym-inject-abort"))
    assert child.apply("instcombine").instruction_count > 0


def test_fault_injection_needs_opt_in(crc32_bitcode, monkeypatch):
    from cgym_ray.llvm.worker import WorkerServer

    monkeypatch.delenv("CGYM_FAULT_INJECTION")
    server = WorkerServer(None, "libllvm", os.getpid())
    module_id = server.do_load(crc32_bitcode, "crc32", ())
    with pytest.raises(Exception, match="fault injection is off"):
        server.do_apply(module_id, "cgym-inject-abort", (), ())


@pytest.mark.parametrize(
    "last_words",
    [
        "libc++abi: terminating due to uncaught exception of type std::bad_alloc: std::bad_alloc",
        "terminate called after throwing an instance of 'std::bad_alloc'",
        "LLVM ERROR: out of memory\nAllocation failed",
        "Fatal Python error: _PyObject_New: Cannot allocate memory",
    ],
)
def test_a_worker_dying_of_a_failed_allocation_is_out_of_memory_not_an_abort(last_words):
    error = WorkerProcess._death_cause(
        "benchmark://x/y", "newgvn", last_words + "\nFatal Python error: Aborted", 6, 2
    )
    assert isinstance(error, CompilerOutOfMemory) and error.step_index == 2


def test_an_abort_without_words_of_memory_stays_an_abort():
    error = WorkerProcess._death_cause(
        "benchmark://x/y", "gvn", "LLVM ERROR: Broken module found", 6, None
    )
    assert isinstance(error, CompilerAbort)
    assert WorkerProcess._death_cause("b", "gvn", "", 6, None, out_of_memory=True).cause == "memory"


def test_every_worker_gets_a_stderr_file_of_its_own():
    """A worker's last words are read from its stderr file, so no two workers may share one,
    even when an earlier worker's handle (and its socket) is gone."""
    import gc

    from cgym_ray.llvm.workers import new_worker

    paths = []
    for _ in range(5):
        worker = new_worker("libllvm")
        paths.append(worker.stderr_path)
        worker.close()
        del worker
        gc.collect()  # the handle's socket is freed: Python may give its id() to the next one
    assert len(set(paths)) == len(paths)
