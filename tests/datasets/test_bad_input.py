"""Bad archives and a full disk are refused with a clear error, and nothing installed changes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from cgym_ray.datasets import DatasetError, DiskFullError, DownloadError, get_dataset, install
from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
from cgym_ray.datasets.install import install_bitcode_archive

from .conftest import make_archive


def _entry(name: str, url: str, sha256: str) -> CatalogueEntry:
    entry = CatalogueEntry(
        name=name, kind="bitcode-archive", install=install_bitcode_archive, url=url, sha256=sha256
    )
    add_entry(entry)
    return entry


def _snapshot(root: Path) -> dict[str, bytes]:
    """Everything installed (staging and locks aside), to compare before and after."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).parts[0].startswith(".")
    }


@pytest.fixture
def installed_before(served_bitcode_dataset, datasets_root) -> dict[str, bytes]:
    """One dataset already installed, which no failure below may touch."""
    install("served-test-v0", progress=False)
    return _snapshot(datasets_root)


def _evil_archive(path: Path, good: bytes, evil: tarfile.TarInfo) -> str:
    with tarfile.open(path, "w:bz2") as tar:
        info = tarfile.TarInfo("evil-v0/crc32.bc")
        info.size = len(good)
        tar.addfile(info, io.BytesIO(good))
        if evil.isfile():
            tar.addfile(evil, io.BytesIO(b"x" * evil.size))
        else:
            tar.addfile(evil)
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    if kind == tarfile.REGTYPE:
        info.size = 1
    return info


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        (_member("evil-v0/../../escaped.bc"), r"'evil-v0/../../escaped.bc' leaves the archive"),
        (_member("/tmp/absolute.bc"), r"'/tmp/absolute.bc' has an absolute path"),
        (
            _member("evil-v0/link.bc", tarfile.SYMTYPE, "/etc/passwd"),
            r"'evil-v0/link.bc' is a link",
        ),
        (
            _member("evil-v0/hard.bc", tarfile.LNKTYPE, "evil-v0/crc32.bc"),
            r"'evil-v0/hard.bc' is a link",
        ),
        (_member("evil-v0/dev.bc", tarfile.CHRTYPE), r"'evil-v0/dev.bc' is a device"),
        (_member("evil-v0/fifo", tarfile.FIFOTYPE), r"'evil-v0/fifo' is a device or FIFO"),
    ],
)
def test_unsafe_archive_members_are_refused(
    member, expected, installed_before, datasets_root, tmp_path, crc32_bitcode
):
    archive = tmp_path / "evil.tar.bz2"
    _entry("evil-v0", archive.as_uri(), _evil_archive(archive, crc32_bitcode, member))
    with pytest.raises(DatasetError, match=expected + ".*refused"):
        install("evil-v0", progress=False)
    assert _snapshot(datasets_root) == installed_before
    assert not (datasets_root / "evil-v0").exists() and not (tmp_path / "escaped.bc").exists()
    assert not list((datasets_root / ".staging").iterdir())


def test_tampered_archive_is_refused(installed_before, http_root, datasets_root, suite_bitcode):
    served, base = http_root
    sha256 = make_archive(served / "t.tar.bz2", {"t/crc32.bc": suite_bitcode["crc32"]})
    make_archive(
        served / "t.tar.bz2", {"t/crc32.bc": suite_bitcode["dijkstra"]}
    )  # swapped behind our back
    _entry("tampered-v0", f"{base}/t.tar.bz2", sha256)
    with pytest.raises(
        DownloadError,
        match=rf"tampered-v0: {base}/t.tar.bz2 has sha256 [0-9a-f]{{64}}, expected {sha256}",
    ):
        install("tampered-v0", progress=False)
    assert _snapshot(datasets_root) == installed_before


def test_tampered_file_given_with_from_is_refused(
    installed_before, datasets_root, tmp_path, served_bitcode_dataset
):
    copy = tmp_path / "copy.tar.bz2"
    make_archive(copy, {"served-test-v0/crc32.bc": b"BC\xc0\xde not what was published"})
    shutil.rmtree(datasets_root / "served-test-v0")
    before = _snapshot(datasets_root)
    with pytest.raises(
        DownloadError, match=rf"{copy} has sha256 .* expected {served_bitcode_dataset.sha256}"
    ):
        install("served-test-v0", source=copy, progress=False)
    assert _snapshot(datasets_root) == before and not (datasets_root / "served-test-v0").exists()


def test_archive_that_is_not_a_tar_is_refused(installed_before, datasets_root, tmp_path):
    path = tmp_path / "junk.tar.bz2"
    path.write_bytes(b"this is not an archive")
    import hashlib

    _entry("junk-v0", path.as_uri(), hashlib.sha256(path.read_bytes()).hexdigest())
    with pytest.raises(DatasetError, match="junk-v0: .* not a readable tar archive"):
        install("junk-v0", progress=False)
    assert _snapshot(datasets_root) == installed_before


FULL_DISK = textwrap.dedent("""\
    import sys
    from cgym_ray.datasets import install, DiskFullError
    from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
    from cgym_ray.datasets.install import install_bitcode_archive
    add_entry(CatalogueEntry(name="big-v0", kind="bitcode-archive", install=install_bitcode_archive,
                             url=sys.argv[1], sha256=sys.argv[2]))
    try:
        install("big-v0", progress=False)
    except DiskFullError as error:
        print(error)
        sys.exit(3)
    """)


@pytest.mark.parametrize(
    "compressed", [True, False], ids=["full-while-unpacking", "too-big-to-download"]
)
def test_full_disk_is_refused_and_cleaned_up(compressed, tmp_path, suite_bitcode):
    """A 4 MiB tmpfs in a private mount namespace is the datasets directory; the archive unpacks to 6 MiB."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail(
            "this test mounts a tmpfs: it needs root and unshare (util-linux), as scripts/test runs"
        )
    padding = {
        f"big/pad{i}.bc": bytes(1024**2) for i in range(6)
    }  # zeros: compress to almost nothing
    archive = tmp_path / ("big.tar.bz2" if compressed else "big.tar")
    sha256 = make_archive(
        archive, {"big/crc32.bc": suite_bitcode["crc32"], **padding}, "w:bz2" if compressed else "w"
    )
    mount = tmp_path / "small"
    mount.mkdir()
    script = tmp_path / "install.py"
    script.write_text(FULL_DISK)
    shell = (
        f"mount -t tmpfs -o size=4m tmpfs {mount} && mkdir {mount}/datasets && "
        f"CGYM_DATASETS_DIR={mount}/datasets {sys.executable} {script} {archive.as_uri()} {sha256}; "
        f"status=$?; find {mount}/datasets -mindepth 1 -not -path '*/.locks*' -not -path '*/.staging' ; exit $status"
    )
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", shell], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 3, result.stderr
    message, *leftovers = result.stdout.strip().splitlines()
    assert (
        "big-v0: " in message
        and "nothing was installed" in message
        and "CGYM_DATASETS_DIR" in message
    )
    assert leftovers == []  # no staging directory, no dataset
    assert DiskFullError.__mro__[1] is DatasetError


def test_unknown_benchmark_of_an_installed_dataset_names_it(served_bitcode_dataset, datasets_root):
    install("served-test-v0", progress=False)
    with pytest.raises(DatasetError.__mro__[1], match="no benchmark 'qsort' in served-test-v0"):
        get_dataset("served-test-v0").benchmark("qsort")
