"""Environments close what they open, even when the user forgets."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def worker_pids(owner: int | None = None) -> set[int]:
    """Compiler workers running now (of the process `owner` only, if given).

    Forked workers keep their template's command line, which ends with the owner's pid.
    """
    out = subprocess.run(
        ["pgrep", "-af", "cgym_ray.llvm.worker"], capture_output=True, text=True
    ).stdout
    pids = set()
    for line in out.splitlines():
        pid, *command = line.split()
        if owner is None or command[-1] == str(owner):
            pids.add(int(pid))
    return pids


def gone_eventually(check, limit_s: float = 120.0) -> bool:
    """Poll `check` until it holds. Workers notice their owner is gone within a second or two on a
    quiet machine; the limit only stops a test that would otherwise wait forever on a loaded one."""
    import time

    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_forgotten_envs_leave_no_processes_or_temp_dirs():
    result = run_python(
        """
        import os, gymnasium as gym, cgym_ray
        from cgym_ray.scratch import scratch_dir
        envs = [gym.make("llvm-ic-v0", benchmark="benchmark://cgym-suite-v0/crc32") for _ in range(3)]
        for env in envs:
            env.reset()
            env.unwrapped.fork()
        print(os.getpid(), scratch_dir(), len(envs))
        """
    )
    pid, scratch, count = result.stdout.split()
    assert count == "3", result.stderr
    assert gone_eventually(lambda: not worker_pids(owner=int(pid))), worker_pids(owner=int(pid))
    assert gone_eventually(lambda: not Path(scratch).exists())


def test_killed_process_leaves_nothing_behind_for_long():
    result = run_python(
        """
        import os, signal, gymnasium as gym, cgym_ray
        from cgym_ray.scratch import scratch_dir
        env = gym.make("llvm-ic-v0", benchmark="benchmark://cgym-suite-v0/crc32")
        env.reset()
        print(scratch_dir(), env.unwrapped._session.worker_pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    scratch_text, worker_pid = result.stdout.split()
    scratch = Path(scratch_text)
    assert scratch.exists()  # no chance to clean up: the next process does it
    assert gone_eventually(lambda: int(worker_pid) not in worker_pids())
    run_python("from cgym_ray.scratch import scratch_dir; scratch_dir()")
    assert not scratch.exists()
