"""Generated programs: `generator://csmith-v0/<seed>` and `generator://llvm-stress-v0/<seed>`.

A seed always gives the same program for a given generator version. Built
bitcode is cached per user, keyed by generator, its version and the seed.
Csmith programs are runnable (they print a checksum of their globals);
llvm-stress modules are a single function with no `main`.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset
from cgym_ray.datasets.toolchain import _find, compile_c_to_bitcode, llvm_tool
from cgym_ray.errors import ToolchainError
from cgym_ray.scratch import atomic_write_bytes, cache_dir

MAX_SEED = 2**32 - 1
CSMITH_INCLUDE_DIRS = ("/usr/include/csmith", "/usr/local/include/csmith")


def _seed(dataset: str, name: str) -> int:
    if not re.fullmatch(r"\d{1,10}", name) or int(name) > MAX_SEED:
        raise BenchmarkError(
            f"{dataset} benchmarks are named by a seed 0..{MAX_SEED}, not {name!r}"
        )
    return int(name)


def _tool_version(executable: str) -> str:
    result = subprocess.run([executable, "--version"], capture_output=True, text=True)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return re.sub(r"[^A-Za-z0-9.]+", "_", lines[0] if lines else "unknown")[:60]


class CsmithDataset(Dataset):
    name = "csmith-v0"
    scheme = "generator"
    runnable = True
    description = "Random C programs from Csmith (free of undefined behaviour by construction)."

    def benchmark(self, name: str) -> Benchmark:
        seed = _seed(self.name, name)
        return Benchmark(uri=self.uri(name), load_bitcode=lambda: self._build(seed), runnable=True)

    def _build(self, seed: int) -> bytes:
        csmith = _find(
            "CGYM_CSMITH", ["csmith"], "csmith", "Install it: apt-get install csmith libcsmith-dev"
        )
        include_dirs = tuple(d for d in CSMITH_INCLUDE_DIRS if Path(d, "csmith.h").exists())
        if not include_dirs:
            raise ToolchainError("csmith.h not found; install it: apt-get install libcsmith-dev")
        cached = cache_dir() / "generators" / self.name / _tool_version(csmith) / f"{seed}.bc"
        if cached.exists():
            return cached.read_bytes()
        with tempfile.TemporaryDirectory(prefix="cgym-csmith-") as scratch:
            source = Path(scratch) / f"csmith_{seed}.c"
            result = subprocess.run(
                [csmith, "--seed", str(seed), "--output", str(source)],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=scratch,  # it writes platform.info to cwd
            )
            if result.returncode != 0:
                raise ToolchainError(f"csmith --seed {seed} failed: {result.stderr.strip()}")
            bitcode = Path(scratch) / f"csmith_{seed}.bc"
            compile_c_to_bitcode([source], bitcode, include_dirs=include_dirs, extra_flags=("-w",))
            data = bitcode.read_bytes()
        atomic_write_bytes(cached, data)
        return data


class LlvmStressDataset(Dataset):
    name = "llvm-stress-v0"
    scheme = "generator"
    runnable = False
    description = "Random IR functions from llvm-stress (not runnable: no main)."

    def benchmark(self, name: str) -> Benchmark:
        seed = _seed(self.name, name)
        return Benchmark(uri=self.uri(name), load_bitcode=lambda: self._build(seed), runnable=False)

    def _build(self, seed: int) -> bytes:
        stress = llvm_tool("llvm-stress")
        cached = cache_dir() / "generators" / self.name / _tool_version(stress) / f"{seed}.bc"
        if cached.exists():
            return cached.read_bytes()
        with tempfile.TemporaryDirectory(prefix="cgym-stress-") as scratch:
            text = Path(scratch) / "stress.ll"
            bitcode = Path(scratch) / "stress.bc"
            for command in (
                [stress, f"--seed={seed}", "-o", str(text)],
                [llvm_tool("llvm-as"), str(text), "-o", str(bitcode)],  # bitcode reads forward
            ):
                result = subprocess.run(command, capture_output=True, text=True, timeout=120)
                if result.returncode != 0:
                    raise ToolchainError(f"{' '.join(command)} failed: {result.stderr.strip()}")
            data = bitcode.read_bytes()
        atomic_write_bytes(cached, data)
        return data
