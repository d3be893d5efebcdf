"""Benchmarks and datasets: what a URI names and where its bitcode comes from.

URIs (docs/design.md):
- `benchmark://<dataset>/<name>`: a program of a finite dataset (the built-in suite);
- `generator://csmith-v0/<seed>`, `generator://llvm-stress-v0/<seed>`: generated programs;
- `file:///path/to/program.{c,bc,ll}`: a user's own file.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cgym_ray.datasets.toolchain import SUITE_RUN, RunSpec
from cgym_ray.errors import CompilerError

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$")
SCHEMES = ("benchmark", "generator", "file")


class BenchmarkError(CompilerError):
    """A benchmark URI is malformed, or names a dataset or program that does not exist."""


@dataclass(frozen=True)
class BenchmarkUri:
    scheme: str
    dataset: str
    name: str

    def __str__(self) -> str:
        if self.scheme == "file":
            return f"file://{self.name}"
        return f"{self.scheme}://{self.dataset}/{self.name}"

    @classmethod
    def parse(cls, uri: str) -> BenchmarkUri:
        """Parse and check a URI; names with path tricks (`..`, `/`) are refused.

        >>> str(BenchmarkUri.parse("benchmark://cgym-suite-v0/crc32"))
        'benchmark://cgym-suite-v0/crc32'
        """
        if not isinstance(uri, str) or "://" not in uri:
            raise BenchmarkError(
                f"not a benchmark URI: {uri!r} (expected benchmark://<dataset>/<name>, "
                "generator://<generator>/<seed> or file:///path)"
            )
        scheme, rest = uri.split("://", 1)
        if scheme not in SCHEMES:
            raise BenchmarkError(f"unknown URI scheme {scheme!r} in {uri!r}; use one of {SCHEMES}")
        if scheme == "file":
            if not rest.startswith("/"):
                raise BenchmarkError(f"file URIs need an absolute path: {uri!r}")
            return cls("file", "file", rest)
        # Names may have folders (CompilerGym's `linux-v0/drivers/...`), never `..` or empty parts.
        parts = rest.split("/")
        limit = 2 if scheme == "generator" else 64
        if not 2 <= len(parts) <= limit or not all(_NAME.match(part) for part in parts):
            raise BenchmarkError(
                f"malformed benchmark URI {uri!r}: expected {scheme}://<dataset>/<name> with "
                "letters, digits and _.+- only"
            )
        return cls(scheme, parts[0], "/".join(parts[1:]))


@dataclass
class Benchmark:
    """One program: its URI, how to get its bitcode, and whether it can be run.

    A runnable benchmark has a `main`, run as `run_spec` says (by default with
    no input, its exit status and stdout compared), so an optimized build can
    be checked against the unoptimized one.
    """

    uri: str
    load_bitcode: Callable[[], bytes] = field(repr=False)
    runnable: bool = False
    link_flags: tuple[str, ...] = ("-lm",)
    run_spec: RunSpec = SUITE_RUN
    source: Path | None = None
    metadata: dict[str, object] = field(default_factory=dict)
    _bitcode: bytes | None = field(default=None, repr=False)

    def bitcode(self) -> bytes:
        if self._bitcode is None:
            self._bitcode = self.load_bitcode()
        return self._bitcode


class Dataset(abc.ABC):
    """A named collection of benchmarks (finite) or a generator (unbounded)."""

    name: str
    scheme: str = "benchmark"
    description: str = ""
    runnable: bool = False

    @abc.abstractmethod
    def benchmark(self, name: str) -> Benchmark:
        """The benchmark called `name`; `BenchmarkError` if there is none."""

    def benchmark_names(self, split: str | None = None) -> list[str]:
        """All names (finite datasets only)."""
        raise BenchmarkError(f"{self.name} is a generator: name benchmarks by seed")

    def check_selection(self, split: str | None) -> None:
        """Raise if `<dataset>:<split>` names nothing; without installing anything."""
        self.benchmark_names(split)

    @property
    def size(self) -> int | None:
        """Number of benchmarks, or None for a generator."""
        return None

    def uri(self, name: str) -> str:
        return f"{self.scheme}://{self.name}/{name}"

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "scheme": self.scheme,
            "size": self.size,
            "runnable": self.runnable,
            "description": self.description,
        }
