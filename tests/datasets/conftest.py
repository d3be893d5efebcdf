"""Datasets for the tests: archives they build, served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import tarfile
import threading
from pathlib import Path

import pytest

from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
from cgym_ray.datasets.install import install_bitcode_archive


def make_archive(path: Path, files: dict[str, bytes], mode: str = "w:bz2") -> str:
    """A tar archive of `files` (member name -> bytes), like CompilerGym's; returns its sha256."""
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def datasets_root(tmp_path, monkeypatch) -> Path:
    """A private install directory for one test."""
    root = tmp_path / "datasets"
    monkeypatch.setenv("CGYM_DATASETS_DIR", str(root))
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def http_root(tmp_path):
    """(directory, base URL): files put in the directory are served over HTTP on 127.0.0.1."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served_bitcode_dataset(http_root, suite_bitcode):
    """A catalogue entry `served-test-v0` whose archive (crc32, dijkstra, sha256) is on HTTP."""
    served, base = http_root
    files = {
        f"served-test-v0/{name}.bc": suite_bitcode[name] for name in ("crc32", "dijkstra", "sha256")
    }
    files["served-test-v0/README"] = b"not bitcode"
    sha256 = make_archive(served / "served-test-v0.tar.bz2", files)
    entry = CatalogueEntry(
        name="served-test-v0",
        kind="bitcode-archive",
        install=install_bitcode_archive,
        description="three suite programs, served by the test",
        licence="MIT",
        url=f"{base}/served-test-v0.tar.bz2",
        sha256=sha256,
        benchmark_count=3,
        options={"strip_prefix": "served-test-v0"},
    )
    add_entry(entry)
    from cgym_ray.datasets import InstalledDataset, register_dataset

    register_dataset(InstalledDataset(entry.name, entry))
    return entry
