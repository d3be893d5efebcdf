"""An installed source-built dataset: bitcode, input files and how to run and check each program.

Layout of `<datasets root>/<name>/`:

    dataset.json           recipe facts (sources, commits, licences), clang version,
                           and per program: bitcode hash, run command, what is compared,
                           the reference run's exit status and output hashes
    bitcode/<program>.bc   linked, unoptimized bitcode
    inputs/<program>/      files copied into the program's working directory for each run
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset
from cgym_ray.datasets.toolchain import RunSpec
from cgym_ray.scratch import cache_dir

INSTALL_MANIFEST = "dataset.json"


def datasets_root() -> Path:
    """Where datasets are installed: `<cache>/datasets` (`CGYM_CACHE_DIR` moves it)."""
    return cache_dir() / "datasets"


class SourceBuiltDataset(Dataset):
    """A dataset built here from pinned sources; every program is runnable and behaviour-checked."""

    scheme = "benchmark"
    runnable = True

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name
        self.description = self.manifest.get("description", "")

    @functools.cached_property
    def manifest(self) -> dict:
        path = self.folder / INSTALL_MANIFEST
        try:
            return json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise BenchmarkError(f"{self.folder} is not an installed dataset ({error})") from None

    @functools.cached_property
    def entries(self) -> dict[str, dict]:
        return {entry["name"]: entry for entry in self.manifest["benchmarks"]}

    def run_spec(self, name: str) -> RunSpec:
        run = self.entries[name]["run"]
        inputs = self.folder / "inputs" / name
        return RunSpec(
            args=tuple(run["args"]),
            stdin=run["stdin"],
            input_dir=inputs if run["inputs"] else None,
            output_files=tuple(run["output_files"]),
            compare_exit_status=run["compare_exit_status"],
            compare_stdout=run["compare_stdout"],
            compare_stderr=run["compare_stderr"],
        )

    def benchmark(self, name: str) -> Benchmark:
        entry = self.entries.get(name)
        if entry is None:
            raise BenchmarkError(f"no benchmark {name!r} in {self.name}; it has {', '.join(self.entries)}")
        path = self.folder / "bitcode" / f"{name}.bc"
        return Benchmark(
            uri=self.uri(name),
            load_bitcode=path.read_bytes,
            runnable=True,
            link_flags=tuple(entry["link_flags"]),
            run_spec=self.run_spec(name),
            metadata=dict(entry),
        )

    def benchmark_names(self, split: str | None = None) -> list[str]:
        if split is not None:
            raise BenchmarkError(f"{self.name} has no splits yet; name its benchmarks without one")
        return list(self.entries)

    @property
    def size(self) -> int:
        return len(self.entries)

    def describe(self) -> dict[str, object]:
        description = super().describe()
        description["clang_version"] = self.manifest.get("clang_version")
        description["sources"] = self.manifest.get("sources")
        return description


def installed_datasets(root: Path | None = None) -> list[SourceBuiltDataset]:
    root = root or datasets_root()
    if not root.is_dir():
        return []
    return [SourceBuiltDataset(d) for d in sorted(root.iterdir()) if (d / INSTALL_MANIFEST).is_file()]
