"""A dataset declared in a file (a leaderboard task's remote_datasets): download, hash, install."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgym_ray.datasets import DownloadError, get_dataset
from cgym_ray.datasets.remote import RemoteDatasetSection, register_remote_dataset

from .conftest import make_archive


@pytest.fixture
def archive(tmp_path, suite_bitcode) -> tuple[Path, str]:
    """A tar.bz2 like CompilerGym's: bitcode under one folder, and a file not to extract."""
    path = tmp_path / "llvm_bitcodes-test-cBench-v1.tar.bz2"
    files = {f"cBench-v1/{name}.bc": suite_bitcode[name] for name in ("crc32", "dijkstra")}
    files["cBench-v1/README.txt"] = b"hi"
    return path, make_archive(path, files)


def _spec(path: Path, sha256: str, name: str = "cbench-test-v1") -> RemoteDatasetSection:
    return RemoteDatasetSection(
        name=name, url=path.as_uri(), sha256=sha256, names=["crc32", "dijkstra"]
    )


def test_downloads_checks_hash_and_caches(archive, datasets_root, suite_bitcode, capsys):
    path, sha256 = archive
    dataset = register_remote_dataset(_spec(path, sha256))
    assert not dataset.installed
    assert dataset.benchmark("crc32").bitcode() == suite_bitcode["crc32"]
    assert "downloading cbench-test-v1 [" in capsys.readouterr().err  # the progress bar
    assert sorted(p.name for p in dataset.directory.iterdir()) == ["bitcode", "manifest.json"]
    assert sorted(p.name for p in (dataset.directory / "bitcode").iterdir()) == [
        "crc32.bc",
        "dijkstra.bc",
    ]
    path.unlink()  # installed: the archive is not needed any more
    assert (
        get_dataset("cbench-test-v1").benchmark("dijkstra").bitcode() == suite_bitcode["dijkstra"]
    )


def test_hash_mismatch_is_refused_and_nothing_is_extracted(archive, datasets_root):
    path, _ = archive
    dataset = register_remote_dataset(_spec(path, "0" * 64, name="cbench-bad-hash-v1"))
    with pytest.raises(DownloadError, match=r"has sha256 [0-9a-f]{64}, expected 0{64}"):
        dataset.benchmark("crc32").bitcode()
    assert not dataset.installed and not list(datasets_root.rglob("*.bc"))


def test_unreachable_url_says_what_to_do(tmp_path, datasets_root):
    dataset = register_remote_dataset(
        _spec(tmp_path / "missing.tar.bz2", "0" * 64, name="cbench-gone-v1")
    )
    with pytest.raises(DownloadError, match="cgym-ray datasets install cbench-gone-v1 --from"):
        dataset.require(progress=False)


def test_registered_dataset_runs_in_an_environment(archive, datasets_root):
    import gymnasium as gym

    path, sha256 = archive
    register_remote_dataset(_spec(path, sha256, name="cbench-env-test-v1"))
    env = gym.make("llvm-ic-v0").unwrapped
    try:
        env.reset(options={"benchmark": "benchmark://cbench-env-test-v1/crc32"})
        _, reward, terminated, _, _ = env.step(env.action_space.names.index("mem2reg"))
        assert not terminated and reward > 0
    finally:
        env.close()
