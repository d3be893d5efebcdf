"""`import cgym_ray` and an llvmlite env work without the Linux-only facilities workers like."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# Loaded by every Python process started with this directory on PYTHONPATH: the test's
# and each compiler worker's. Each notes its pid, so the test knows both ran without them.
SITECUSTOMIZE = """
import ctypes, os, sys

for name in ("memfd_create", "MFD_CLOEXEC", "sched_setaffinity", "sched_getaffinity"):
    if hasattr(os, name):
        delattr(os, name)
sys.modules["resource"] = None  # `import resource` raises ImportError, as on Windows

_CDLL = ctypes.CDLL


class CDLL(_CDLL):
    def __init__(self, name, *args, **kwargs):
        if name is None:  # the C library's own symbols (sched_getcpu): not on this "system"
            raise OSError("no handle on the C library here")
        super().__init__(name, *args, **kwargs)


ctypes.CDLL = CDLL
with open(os.environ["CGYM_TEST_PIDS"], "a") as pids:
    pids.write(f"{os.getpid()}\\n")
"""

SCRIPT = """
import os, sys
import gymnasium as gym
import cgym_ray
from cgym_ray.llvm import host, workers

assert "resource" not in sys.modules or sys.modules["resource"] is None
assert host.current_cpu_number() == -1 and workers.current_cpu() == -1
assert not host.pin_to_cpu(0) and not host.limit_address_space(64)

env = gym.make(
    "llvm-v0", backend="llvmlite", reward_space="IrInstructionCountO3",
    benchmark="benchmark://cgym-suite-v0/crc32",
)
env.reset()
names = env.unwrapped.action_space.names
total = 0.0
for name in ("sroa", "instcombine", "simplifycfg"):
    _, reward, terminated, _, info = env.step(names.index(name))
    assert not terminated, info
    total += reward
played = env.unwrapped.play([names.index("newgvn"), names.index("dce")])  # one request, step progress shared
assert len(played) == 2 and not played[-1].terminated
child = env.unwrapped.fork()
assert child.state.commandline == env.unwrapped.state.commandline
child.close()
print("ok", round(total, 6), env.unwrapped.observation["IrInstructionCount"])
env.close()
"""


@pytest.mark.skipif(
    sys.platform != "linux", reason="proves the fallbacks where the facilities exist"
)
def test_an_llvmlite_env_runs_without_memfd_sched_getcpu_affinity_or_rlimits(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    pids = tmp_path / "pids"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "CGYM_TEST_PIDS": str(pids),
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok "), result.stdout
    # The test process and at least its template worker both ran without the facilities.
    assert len(set(pids.read_text().split())) >= 2


def test_workers_say_clearly_where_they_cannot_run(monkeypatch):
    from cgym_ray.errors import CompilerError
    from cgym_ray.llvm import host

    monkeypatch.delattr(os, "fork")
    with pytest.raises(CompilerError, match="POSIX system.*WSL"):
        host.require_workers()
