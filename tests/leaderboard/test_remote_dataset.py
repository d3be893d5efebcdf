"""A remote dataset from a local file:// archive: download, hash check, cache, safe extraction."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from cgym_ray.leaderboard.errors import DownloadError
from cgym_ray.leaderboard.remote_dataset import RemoteDataset, register_remote_dataset
from cgym_ray.leaderboard.tasks import RemoteDatasetSection


def _archive(path: Path, suite_bitcode: dict[str, bytes]) -> str:
    """A tar.bz2 like CompilerGym's: bitcode under a folder, plus things never to extract."""
    with tarfile.open(path, "w:bz2") as tar:
        for name in ("crc32", "dijkstra"):
            info = tarfile.TarInfo(f"cBench-v1/{name}.bc")
            info.size = len(suite_bitcode[name])
            tar.addfile(info, io.BytesIO(suite_bitcode[name]))
        link = tarfile.TarInfo("cBench-v1/evil.bc")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        readme = tarfile.TarInfo("../README.txt")
        readme.size = 2
        tar.addfile(readme, io.BytesIO(b"hi"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def archive(tmp_path, suite_bitcode) -> tuple[Path, str]:
    path = tmp_path / "llvm_bitcodes-test-cBench-v1.tar.bz2"
    return path, _archive(path, suite_bitcode)


def _spec(path: Path, sha256: str, name: str = "cbench-test-v1") -> RemoteDatasetSection:
    return RemoteDatasetSection(
        name=name, url=path.as_uri(), sha256=sha256, names=["crc32", "dijkstra"]
    )


def test_downloads_checks_hash_and_caches(archive, tmp_path, suite_bitcode, capsys):
    path, sha256 = archive
    dataset = RemoteDataset(_spec(path, sha256), root=tmp_path / "cache")
    assert not dataset.installed
    assert dataset.benchmark("crc32").bitcode() == suite_bitcode["crc32"]
    assert "downloading cbench-test-v1 [" in capsys.readouterr().err  # the progress bar
    assert sorted(p.name for p in dataset.directory.iterdir()) == [
        ".complete",
        "crc32.bc",
        "dijkstra.bc",
    ]
    path.unlink()  # cached: the archive is not needed any more
    assert dataset.benchmark("dijkstra").bitcode() == suite_bitcode["dijkstra"]
    assert not (tmp_path / "README.txt").exists()


def test_hash_mismatch_is_refused_and_nothing_is_extracted(archive, tmp_path):
    path, _ = archive
    dataset = RemoteDataset(_spec(path, "0" * 64), root=tmp_path / "cache")
    with pytest.raises(DownloadError, match=r"has sha256 [0-9a-f]{64}, expected 0{64}"):
        dataset.benchmark("crc32").bitcode()
    assert not dataset.installed and not list((tmp_path / "cache").glob("*/*.bc"))


def test_unreachable_url_says_what_to_do(tmp_path):
    dataset = RemoteDataset(_spec(tmp_path / "missing.tar.bz2", "0" * 64), root=tmp_path / "cache")
    with pytest.raises(DownloadError, match="file:///path"):
        dataset.install(progress=False)


def test_registered_dataset_runs_in_an_environment(archive, tmp_path, monkeypatch):
    import gymnasium as gym

    monkeypatch.setenv("CGYM_CACHE_DIR", str(tmp_path / "cgym-cache"))
    path, sha256 = archive
    register_remote_dataset(_spec(path, sha256, name="cbench-env-test-v1"))
    env = gym.make("llvm-ic-v0").unwrapped
    try:
        env.reset(options={"benchmark": "benchmark://cbench-env-test-v1/crc32"})
        _, reward, terminated, _, _ = env.step(env.action_space.names.index("mem2reg"))
        assert not terminated and reward > 0
    finally:
        env.close()
