"""Datasets fetched on first use: an archive of bitcode at a URL, checked by sha256 and cached.

CompilerGym's cBench (LLVM 10 bitcode) is the example:

    >>> from cgym_ray.leaderboard.remote_dataset import cbench_v1_spec, register_remote_dataset
    >>> register_remote_dataset(cbench_v1_spec())  # doctest: +SKIP
    >>> get_benchmark("benchmark://cbench-v1/crc32").bitcode()  # downloads once  # doctest: +SKIP

The archive is streamed to the cache with a progress bar on stderr, its hash
checked before anything is extracted, and then only plain `.bc` files are
taken from it, by base name (no paths, links or devices). Newer LLVMs read
older bitcode, so LLVM 10 programs load in today's LLVM.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cgym_ray.datasets import register_dataset
from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError, Dataset
from cgym_ray.leaderboard.errors import DownloadError
from cgym_ray.scratch import atomic_write_bytes, cache_dir

if TYPE_CHECKING:
    from cgym_ray.leaderboard.tasks import RemoteDatasetSection

ENVIRONMENT_VARIABLE = "CGYM_REMOTE_DATASETS"
MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_MEMBER_BYTES = 512 * 1024**2
CHUNK_BYTES = 1024 * 1024
_MEMBER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}\.bc$")

CBENCH_V1_NAMES = [
    "adpcm",
    "bitcount",
    "blowfish",
    "bzip2",
    "crc32",
    "dijkstra",
    "ghostscript",
    "gsm",
    "ispell",
    "jpeg-c",
    "jpeg-d",
    "lame",
    "patricia",
    "qsort",
    "rijndael",
    "sha",
    "stringsearch",
    "stringsearch2",
    "susan",
    "tiff2bw",
    "tiff2rgba",
    "tiffdither",
    "tiffmedian",
]


def cbench_v1_spec() -> RemoteDatasetSection:
    from cgym_ray.leaderboard.tasks import RemoteDatasetSection

    return RemoteDatasetSection(
        name="cbench-v1",
        url="https://dl.fbaipublicfiles.com/compiler_gym/"
        "llvm_bitcodes-10.0.0-cBench-v1-linux.tar.bz2",
        sha256="601fff3944c866f6617e653b6eb5c1521382c935f56ca1f36a9f5cf1a49f3de5",
        llvm_version="10.0.0",
        description="CompilerGym's cBench-v1: 23 programs of cBench as LLVM 10 bitcode",
        names=CBENCH_V1_NAMES,
    )


class RemoteDataset(Dataset):
    """A finite dataset whose bitcode comes from one archive at `url` (http(s) or file)."""

    scheme = "benchmark"
    runnable = False  # the archive holds bitcode only, not the programs' inputs

    def __init__(self, spec: RemoteDatasetSection, root: Path | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.description = spec.description or f"bitcode from {spec.url}"
        self._root = root

    @property
    def directory(self) -> Path:
        """Where the extracted bitcode lives; the hash in the name keeps versions apart."""
        root = self._root or cache_dir() / "remote-datasets"
        return root / f"{self.name}-{self.spec.sha256[:16]}"

    @property
    def installed(self) -> bool:
        return (self.directory / ".complete").is_file()

    def benchmark_names(self, split: str | None = None) -> list[str]:
        if split is not None:
            raise BenchmarkError(f"{self.name} has no splits")
        if self.spec.names:
            return list(self.spec.names)
        self.install()
        return sorted(p.stem for p in self.directory.glob("*.bc"))

    @property
    def size(self) -> int:
        return len(self.benchmark_names())

    def benchmark(self, name: str) -> Benchmark:
        if self.spec.names and name not in self.spec.names:
            raise BenchmarkError(
                f"no benchmark {name!r} in {self.name}; it has {', '.join(self.spec.names)}"
            )

        def load() -> bytes:
            self.install()
            path = self.directory / f"{name}.bc"
            if not path.is_file():
                raise BenchmarkError(f"the {self.name} archive holds no {name}.bc")
            return path.read_bytes()

        return Benchmark(
            uri=self.uri(name),
            load_bitcode=load,
            runnable=False,
            metadata={"llvm_version": self.spec.llvm_version},
        )

    def install(self, progress: bool = True) -> Path:
        """Download, check and extract the archive once; later calls return at once."""
        if self.installed:
            return self.directory
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.directory.parent / f".{self.directory.name}.lock"):
            if self.installed:  # another process finished it while we waited
                return self.directory
            archive = self.directory.parent / f".{self.directory.name}.download"
            try:
                digest = _download(self.spec.url, archive, self.name, progress)
                if digest != self.spec.sha256:
                    raise DownloadError(
                        f"{self.name}: the archive at {self.spec.url} has sha256 {digest}, "
                        "expected "
                        f"{self.spec.sha256}; it was discarded (a changed or corrupted file: "
                        "check the URL, or update the task's sha256 if the change is intended)"
                    )
                count = _extract_bitcode(archive, self.directory)
            finally:
                archive.unlink(missing_ok=True)
            if count == 0:
                raise DownloadError(
                    f"{self.name}: the archive at {self.spec.url} holds no .bc files"
                )
            (self.directory / ".complete").write_text(
                json.dumps({"url": self.spec.url, "files": count})
            )
        return self.directory


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _download(url: str, target: Path, name: str, progress: bool) -> str:
    """Stream `url` to `target`; return its sha256. A bar on stderr shows the progress."""
    if not url.startswith(("https://", "http://", "file://")):
        raise DownloadError(
            f"{name}: only https://, http:// and file:// URLs are fetched, not {url!r}"
        )
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            last_shown = 0.0
            while chunk := response.read(CHUNK_BYTES):
                received += len(chunk)
                if received > MAX_ARCHIVE_BYTES:
                    raise DownloadError(f"{name}: {url} is larger than {MAX_ARCHIVE_BYTES} bytes")
                digest.update(chunk)
                out.write(chunk)
                if progress and time.monotonic() - last_shown > 0.2:
                    _show_progress(name, received, total)
                    last_shown = time.monotonic()
    except (urllib.error.URLError, OSError) as error:
        raise DownloadError(
            f"{name}: could not download {url}: {getattr(error, 'reason', error)} "
            f"(no network? copy the archive here and point the task's url at file:///path)"
        ) from None
    if progress:
        _show_progress(name, received, total or received)
        print(file=sys.stderr)
    return digest.hexdigest()


def _show_progress(name: str, received: int, total: int) -> None:
    mib = received / 1024**2
    if total:
        filled = int(30 * received / total)
        bar = "#" * filled + "." * (30 - filled)
        print(
            f"\rdownloading {name} [{bar}] {mib:.1f}/{total / 1024**2:.1f} MiB",
            end="",
            file=sys.stderr,
        )
    else:
        print(f"\rdownloading {name} {mib:.1f} MiB", end="", file=sys.stderr)
    sys.stderr.flush()


def _extract_bitcode(archive: Path, directory: Path) -> int:
    """Copy the plain `.bc` members of a tar archive into `directory`, by base name only."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if not member.isfile() or not _MEMBER_NAME.match(base):
                    continue  # directories, links, devices and other files are never extracted
                if member.size > MAX_MEMBER_BYTES:
                    raise DownloadError(
                        f"{archive.name}: {member.name} is larger than {MAX_MEMBER_BYTES} bytes"
                    )
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                atomic_write_bytes(directory / base, handle.read())
                count += 1
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DownloadError(f"{archive.name}: not a readable tar archive: {error}") from None
    return count


def register_remote_dataset(spec: RemoteDatasetSection) -> RemoteDataset:
    """Register a remote dataset here and, through the environment, in Ray workers started later."""
    dataset = RemoteDataset(spec)
    register_dataset(dataset)
    known = json.loads(os.environ.get(ENVIRONMENT_VARIABLE) or "{}")
    known[spec.name] = spec.model_dump(mode="json")
    os.environ[ENVIRONMENT_VARIABLE] = json.dumps(known, sort_keys=True)
    return dataset


def register_from_environment() -> None:
    """Ray's `worker_process_setup_hook`: register the datasets the driver registered."""
    from cgym_ray.leaderboard.tasks import RemoteDatasetSection

    for entry in json.loads(os.environ.get(ENVIRONMENT_VARIABLE) or "{}").values():
        register_dataset(RemoteDataset(RemoteDatasetSection.model_validate(entry)))


def ray_runtime_env() -> dict[str, object]:
    """The runtime_env that gives Ray workers this process's remote datasets."""
    if not os.environ.get(ENVIRONMENT_VARIABLE):
        return {}
    return {
        "env_vars": {ENVIRONMENT_VARIABLE: os.environ[ENVIRONMENT_VARIABLE]},
        "worker_process_setup_hook": f"{__name__}.register_from_environment",
    }
