"""Installing, finding and removing datasets: safe with many processes, never half done.

Layout (under `CGYM_DATASETS_DIR`, else `<cache>/datasets`):

    <name>/manifest.json          present iff the dataset is installed (written before the rename)
    <name>/bitcode/<benchmark>.bc
    <name>/sources/...            sources compiled on first use (source archives)
    .locks/<name>.lock            flock: one install or removal of a name at a time
    .staging/<name>.<pid>.<rand>/ an install in progress
    .trash/                       a removal in progress

An install fills a fresh staging directory, writes the manifest last, then
renames the directory to `<name>` (one `rename(2)` on one file system). A
process killed in the middle, a hash mismatch, a refused archive or a full
disk leaves only a staging directory, which is deleted by the failing process
or, after a `kill -9`, by the next install of that name. Concurrent installs
of one name (processes, Ray actors) queue on the lock; the ones that get it
after the first find the dataset installed and return.

    >>> from cgym_ray.datasets import require
    >>> npb = require("npb-v0")            # downloads once, then returns at once  # doctest: +SKIP
    >>> npb.benchmark_names("test")[:2]     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.datasets.archives import (
    DatasetError,
    DownloadError,
    disk_full,
    download,
    extract,
    sha256_of,
)
from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset
from cgym_ray.datasets.catalogue import CatalogueEntry, find_entry
from cgym_ray.datasets.splits import SPLITS, assign_splits
from cgym_ray.scratch import cache_dir, pid_alive

DATASETS_DIR_VARIABLE = "CGYM_DATASETS_DIR"
MANIFEST = "manifest.json"
METADATA = "benchmarks.json"


def datasets_dir() -> Path:
    """Where datasets are installed: `$CGYM_DATASETS_DIR`, else `<cache>/datasets`."""
    explicit = os.environ.get(DATASETS_DIR_VARIABLE)
    return Path(explicit) if explicit else cache_dir() / "datasets"


@contextlib.contextmanager
def _locked(root: Path, name: str) -> Iterator[None]:
    locks = root / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _private_dir(root: Path, kind: str, name: str) -> Path:
    parent = root / kind
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}.{os.getpid()}.", dir=parent))


def _remove_stale(root: Path, name: str) -> None:
    """Staging and trash directories of `name` whose process is gone (a kill -9)."""
    for kind in (".staging", ".trash"):
        for path in (root / kind).glob(f"{name}.*"):
            pid = path.name[len(name) + 1 :].split(".", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


@dataclass
class InstallContext:
    """What an entry's install function gets: a staging directory to fill, and helpers."""

    entry: CatalogueEntry
    staging: Path
    source: Path | None = None  # `install --from PATH`
    progress: bool = True
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def bitcode_dir(self) -> Path:
        return self.staging / "bitcode"

    @property
    def sources_dir(self) -> Path:
        return self.staging / "sources"

    def fetch(self, url: str | None = None, sha256: str | None = None) -> Path:
        """The entry's file (or another one by URL), checked against its sha256.

        With `install --from PATH` the entry's own file is read from PATH
        instead of the network; the hash is checked all the same.
        """
        url = url or self.entry.url
        sha256 = self.entry.sha256 if sha256 is None else sha256
        if self.source is not None and url == self.entry.url:
            if not self.source.is_file():
                raise DatasetError(f"{self.name}: --from {self.source}: no such file")
            path, where, digest = self.source, str(self.source), sha256_of(self.source)
        else:
            if not url:
                raise DatasetError(f"{self.name}: the catalogue gives no URL to download")
            downloads = self.staging / ".downloads"
            downloads.mkdir(exist_ok=True)
            path = downloads / (url.rstrip("/").rsplit("/", 1)[-1] or "download")
            where, digest = url, download(url, path, self.name, self.progress)
        if sha256 and digest != sha256:
            raise DownloadError(
                f"{self.name}: {where} has sha256 {digest}, expected {sha256}; it was refused "
                "and nothing was installed (a changed or corrupted file: fetch it again from "
                f"{self.entry.url or 'its source'})"
            )
        return path

    def add_bitcode(self, benchmark: str, bitcode: bytes) -> None:
        path = self.bitcode_dir / f"{benchmark}.bc"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bitcode)

    def add_metadata(self, benchmark: str, metadata: dict[str, Any]) -> None:
        """Facts about one benchmark (run command, inputs, split...) kept in the manifest."""
        self.metadata.setdefault(benchmark, {}).update(metadata)


def install_bitcode_archive(context: InstallContext) -> None:
    """Kind `bitcode-archive`: unpack the `.bc` files of the entry's archive."""
    archive = context.fetch()
    count = extract(
        archive,
        context.bitcode_dir,
        context.name,
        (".bc",),
        context.entry.options.get("strip_prefix"),  # type: ignore[arg-type]
    )
    if count == 0:
        raise DatasetError(f"{context.name}: the archive {archive.name} holds no .bc files")


def _benchmarks_in(staging: Path, metadata: dict[str, dict[str, Any]]) -> list[str]:
    """Every `bitcode/**.bc` file, and every benchmark the install described (sources)."""
    bitcode = staging / "bitcode"
    names = {str(p.relative_to(bitcode))[: -len(".bc")] for p in bitcode.rglob("*.bc")}
    return sorted(names | set(metadata))


def write_manifest(
    staging: Path,
    name: str,
    kind: str,
    description: dict[str, Any],
    metadata: dict[str, dict[str, Any]],
    origin: str,
) -> dict[str, Any]:
    """Write `manifest.json` (benchmarks, splits, where it came from) into a staging directory."""
    benchmarks = _benchmarks_in(staging, metadata)
    if not benchmarks:
        raise DatasetError(f"{name}: the install produced no benchmarks; nothing was installed")
    splits = assign_splits(name, benchmarks)
    manifest = {
        "name": name,
        "kind": kind,
        "dataset": description,
        "origin": origin,
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "installed_bytes": sum(p.stat().st_size for p in staging.rglob("*") if p.is_file()),
        "benchmarks": {
            benchmark: {"split": splits[benchmark], **metadata.get(benchmark, {})}
            for benchmark in benchmarks
        },
    }
    path = staging / MANIFEST
    with open(path, "w") as handle:
        json.dump(manifest, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return manifest


def publish(staging: Path, target: Path) -> None:
    """Rename a complete staging directory into place (the one step others can see)."""
    if target.exists():  # not installed (no manifest): the remains of an older layout
        shutil.rmtree(target)
    os.rename(staging, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unknown_dataset(name: str) -> DatasetError:
    """The error for a name that is neither built in, catalogued nor installed."""
    from cgym_ray.datasets import _datasets

    known = ", ".join(sorted({*_datasets(), *installed_names()}))
    return DatasetError(
        f"unknown dataset {name!r}; known: {known} (`cgym-ray datasets list` describes them)"
    )


def is_installed(name: str) -> bool:
    return (datasets_dir() / name / MANIFEST).is_file()


def install(name: str, source: str | Path | None = None, progress: bool = True) -> InstalledDataset:
    """Install a catalogued dataset (from the network, or from `source`); return it.

    Returns at once if it is installed. Safe to call from many processes at once.
    """
    entry = find_entry(name)
    if entry is None:
        raise unknown_dataset(name)
    root = datasets_dir()
    target = root / name
    if (target / MANIFEST).is_file():
        return InstalledDataset(name, entry)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root, name):
            if (target / MANIFEST).is_file():  # another process finished it while we waited
                return InstalledDataset(name, entry)
            _remove_stale(root, name)
            staging = _private_dir(root, ".staging", name)
            try:
                context = InstallContext(entry, staging, Path(source) if source else None, progress)
                entry.install(context)
                shutil.rmtree(staging / ".downloads", ignore_errors=True)
                origin = str(context.source) if context.source else entry.url
                write_manifest(
                    staging, name, entry.kind, entry.describe(), context.metadata, origin
                )
                publish(staging, target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    except OSError as error:
        full = disk_full(error, name, root)
        if full is not None:
            raise full from None
        raise DatasetError(f"{name}: could not install into {root}: {error}") from None
    return InstalledDataset(name, entry)


def remove(name: str) -> None:
    """Uninstall a dataset (it stays in the catalogue). DatasetError if it is not installed."""
    root = datasets_dir()
    target = root / name
    if not target.is_dir():
        if find_entry(name) is None:
            raise unknown_dataset(name)
        raise DatasetError(f"{name} is not installed (in {root}); nothing to remove")
    with _locked(root, name):
        if not target.is_dir():
            return
        trash = _private_dir(root, ".trash", name)
        os.rename(target, trash / name)
        shutil.rmtree(trash, ignore_errors=True)


class InstalledDataset(Dataset):
    """A dataset that lives in `datasets_dir()`: catalogued (installed on first use) or imported."""

    scheme = "benchmark"

    def __init__(self, name: str, entry: CatalogueEntry | None = None) -> None:
        self.name = name
        self.entry = entry
        self.description = entry.description if entry else ""
        self.runnable = bool(entry and entry.runnable)
        self._manifest: dict[str, Any] | None = None

    @property
    def directory(self) -> Path:
        return datasets_dir() / self.name

    @property
    def installed(self) -> bool:
        return (self.directory / MANIFEST).is_file()

    @property
    def manifest(self) -> dict[str, Any]:
        """The installed manifest (installing the dataset first if need be)."""
        self.require()
        path = self.directory / MANIFEST
        stamp = f"{path}@{path.stat().st_mtime_ns}"  # reinstalled, or another CGYM_DATASETS_DIR
        if self._manifest is None or self._manifest.get("_stamp") != stamp:
            manifest = json.loads(path.read_text())
            manifest["_stamp"] = stamp
            self._manifest = manifest
            if not self.description:
                self.description = str(manifest.get("dataset", {}).get("description", ""))
        return self._manifest

    def require(self, progress: bool = True) -> InstalledDataset:
        """Install if needed (with a progress bar), then return self."""
        if not self.installed:
            if self.entry is None:
                raise DatasetError(f"{self.name} is not installed any more (in {datasets_dir()})")
            install(self.name, progress=progress)
        return self

    def check_selection(self, split: str | None) -> None:
        if split is not None and split not in SPLITS:
            raise BenchmarkError(f"unknown split {split!r} of {self.name}; use one of {SPLITS}")

    def benchmark_names(self, split: str | None = None) -> list[str]:
        self.check_selection(split)
        if not self.installed and self.entry is not None and self.entry.names:
            splits = assign_splits(self.name, self.entry.names)  # as the install will assign them
            return [name for name in sorted(self.entry.names) if split in (None, splits[name])]
        benchmarks = self.manifest["benchmarks"]
        return [name for name, facts in benchmarks.items() if split in (None, facts.get("split"))]

    def metadata(self, benchmark: str) -> dict[str, Any]:
        facts = self.manifest["benchmarks"].get(benchmark)
        if facts is None:
            raise BenchmarkError(
                f"no benchmark {benchmark!r} in {self.name}; `cgym-ray datasets show {self.name}` "
                "lists them"
            )
        return facts

    @property
    def size(self) -> int | None:
        if self.installed:
            return len(self.manifest["benchmarks"])
        return self.entry.benchmark_count if self.entry else None  # as published

    def benchmark(self, name: str) -> Benchmark:
        if not self.installed and self.entry is not None and self.entry.make_benchmark is not None:
            self.require()  # its benchmarks are made from what the install wrote
        if not self.installed:
            # Installed on first use: when the bitcode is asked for, not when the URI is checked.
            def load_after_install() -> bytes:
                self.require()
                return self.benchmark(name).bitcode()

            return Benchmark(uri=self.uri(name), load_bitcode=load_after_install, runnable=False)
        facts = self.metadata(name)
        if self.entry is not None and self.entry.make_benchmark is not None:
            return self.entry.make_benchmark(self, name)
        path = self.directory / "bitcode" / f"{name}.bc"
        return Benchmark(
            uri=self.uri(name),
            load_bitcode=path.read_bytes,
            runnable=False,
            metadata={"dataset": self.name, **facts},
        )

    def describe(self) -> dict[str, object]:
        description = super().describe()
        description.update(self.entry.describe() if self.entry else {"kind": "compile-commands"})
        description["installed"] = self.installed
        if self.installed:
            manifest = self.manifest
            description["installed_bytes"] = manifest.get("installed_bytes")
            description["origin"] = manifest.get("origin")
            description["description"] = self.description
            counts = {split: 0 for split in SPLITS}
            for facts in manifest["benchmarks"].values():
                counts[facts.get("split", "train")] = counts.get(facts.get("split", "train"), 0) + 1
            description["splits"] = counts
        return description


def installed_names() -> list[str]:
    root = datasets_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{MANIFEST}"))
