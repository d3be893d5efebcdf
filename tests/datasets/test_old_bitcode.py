"""LLVM 23 reads bitcode written by an older LLVM (Debian's LLVM 14, typed pointers).

CompilerGym's archives hold LLVM 10 bitcode; scripts/setup-env installs
llvm-14, the oldest LLVM Debian still ships here, to write such a module.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cgym_ray.datasets.toolchain import c_compiler, link_executable, run_program
from cgym_ray.llvm.session import CompilerSession

SOURCE = Path(__file__).with_name("llvm14_typed_pointers.ll")


@pytest.fixture(scope="module")
def llvm14_bitcode(tmp_path_factory) -> Path:
    assembler = shutil.which("llvm-as-14")
    if assembler is None:
        pytest.fail("llvm-as-14 not found: scripts/setup-env installs Debian's llvm-14")
    output = tmp_path_factory.mktemp("llvm14") / "old.bc"
    subprocess.run([assembler, str(SOURCE), "-o", str(output)], check=True)
    assert b"14.0.6" in output.read_bytes()  # the producer version, in the string table
    return output


def test_llvm23_loads_optimizes_and_runs_llvm14_bitcode(llvm14_bitcode, tmp_path):
    session = CompilerSession(llvm14_bitcode.read_bytes(), f"file://{llvm14_bitcode}")
    try:
        before = session.instruction_count
        assert before == 32  # the instructions of the .ll file
        session.apply("mem2reg")
        assert 0 < session.instruction_count < before  # the allocas are gone
        session.apply("O3")
        assert "ptr" in session.measure("ir_text")["ir_text"]  # upgraded to opaque pointers on load
        executable = link_executable(
            session.measure("object_file")["object_file"], tmp_path / "program"
        )
    finally:
        session.close()
    assert c_compiler()
    run = run_program(executable)
    assert (run.returncode, run.stdout) == (0, b"10\n")


def test_an_env_steps_on_llvm14_bitcode(llvm14_bitcode):
    import gymnasium as gym

    env = gym.make("llvm-ic-v0", benchmark=f"file://{llvm14_bitcode}")
    try:
        env.reset()
        _, reward, terminated, _, _ = env.step(env.unwrapped.action_space.names.index("mem2reg"))
        assert not terminated and reward > 0
    finally:
        env.close()
