"""A user's own program: `file:///path/to/program.c`, `.bc` or `.ll`.

C files are compiled the same way as the suite (clang is needed then).
A program with a `main` is treated as runnable: it is run with no input and
no arguments, and its output compared across optimizations.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset
from cgym_ray.datasets.toolchain import compile_c_to_bitcode
from cgym_ray.scratch import atomic_write_bytes, cache_dir

SUFFIXES = (".c", ".bc", ".ll")
# Raw bitcode, and the wrapper Apple's tools put around it.
BITCODE_MAGICS = (b"BC\xc0\xde", b"\xde\xc0\x17\x0b")
_MAIN = re.compile(rb"\bint\s+main\s*\(")


class FileDataset(Dataset):
    name = "file"
    scheme = "file"
    description = "A program of your own: file:///abs/path/x.c, x.bc or x.ll"

    def uri(self, name: str) -> str:
        return f"file://{name}"

    def benchmark(self, name: str) -> Benchmark:
        path = Path(name)
        if path.suffix not in SUFFIXES:
            raise BenchmarkError(f"{path}: file benchmarks must end in {', '.join(SUFFIXES)}")
        if not path.is_file():
            raise BenchmarkError(f"{path}: no such file")
        _check_contents(path)

        def load() -> bytes:
            if path.suffix != ".c":
                return path.read_bytes()
            source = path.read_bytes()
            digest = hashlib.sha256(source).hexdigest()[:20]
            cached = cache_dir() / "files" / f"{path.stem}-{digest}.bc"
            if not cached.exists():
                with tempfile.TemporaryDirectory(prefix="cgym-file-") as scratch:
                    built = compile_c_to_bitcode([path], Path(scratch) / "program.bc")
                    atomic_write_bytes(cached, built.read_bytes())
            return cached.read_bytes()

        benchmark = Benchmark(uri=self.uri(name), load_bitcode=load, source=path)
        benchmark.runnable = path.suffix == ".c" and bool(_MAIN.search(path.read_bytes()))
        return benchmark


def _check_contents(path: Path) -> None:
    """Refuse what would load as an empty module, or fail later with LLVM's raw bytes.

    An empty program would "optimize" for ever at 0 instructions; a `.bc`
    that is not bitcode would make LLVM quote binary bytes back.
    """
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise BenchmarkError(f"{path}: the file is empty: a benchmark needs at least one function")
    if path.suffix == ".bc" and not head.startswith(BITCODE_MAGICS):
        raise BenchmarkError(
            f"{path}: not LLVM bitcode (it starts with {head[:4].hex(' ')}, bitcode with 42 43 c0 de); "
            "IR text goes in a .ll file"
        )
