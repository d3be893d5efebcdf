"""Installing catalogued datasets over HTTP on 127.0.0.1: on demand, concurrently, atomically."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import gymnasium as gym
import pytest

import cgym_ray  # noqa: F401  (registers the env ids)
from cgym_ray.datasets import (
    DatasetError,
    InstalledDataset,
    get_benchmark,
    get_dataset,
    install,
    remove,
    require,
)


def test_require_installs_once_and_lists_it_installed(
    served_bitcode_dataset, datasets_root, suite_bitcode, capsys
):
    dataset = require("served-test-v0")
    assert "downloading served-test-v0 [" in capsys.readouterr().err
    assert dataset.installed and dataset.benchmark_names() == ["crc32", "dijkstra", "sha256"]
    assert get_benchmark("benchmark://served-test-v0/sha256").bitcode() == suite_bitcode["sha256"]
    manifest = json.loads((datasets_root / "served-test-v0" / "manifest.json").read_text())
    assert (
        manifest["origin"] == served_bitcode_dataset.url and manifest["dataset"]["licence"] == "MIT"
    )
    require("served-test-v0")
    assert capsys.readouterr().err == ""  # no second download
    assert not list((datasets_root / ".staging").iterdir())


def test_cli_lists_installs_and_removes(served_bitcode_dataset, datasets_root):
    from cgym_ray.cli.main import main

    def listed() -> dict[str, str]:
        return {
            entry["name"]: entry["status"]
            for entry in json.loads(run_cli(main, ["datasets", "list", "--json"]))
        }

    assert listed()["served-test-v0"] == "available" and listed()["npb-v0"] == "available"
    assert main(["datasets", "install", "served-test-v0", "--quiet"]) == 0
    assert listed()["served-test-v0"] == "installed"
    shown = json.loads(run_cli(main, ["datasets", "show", "served-test-v0", "--json"]))
    assert shown["installed"] and shown["licence"] == "MIT" and len(shown["benchmarks"]) == 3
    assert sum(shown["splits"].values()) == 3 and shown["origin"] == served_bitcode_dataset.url
    table = run_cli(main, ["datasets", "show", "served-test-v0"])
    assert "crc32" in table and "sha256" in table
    assert main(["datasets", "remove", "served-test-v0"]) == 0
    assert (
        listed()["served-test-v0"] == "available"
        and not (datasets_root / "served-test-v0").exists()
    )


def run_cli(main, argv: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def test_gym_make_with_a_missing_dataset_installs_it(served_bitcode_dataset, datasets_root):
    env = gym.make("llvm-ic-v0", benchmark="benchmark://served-test-v0/dijkstra")
    try:
        _, info = env.reset()
        assert info["benchmark"] == "benchmark://served-test-v0/dijkstra"
        assert env.unwrapped.datasets["served-test-v0"].installed
        assert "cgym-suite-v0" in env.unwrapped.datasets and "nope-v0" not in env.unwrapped.datasets
    finally:
        env.close()


def test_env_require_dataset(served_bitcode_dataset, datasets_root):
    env = gym.make("llvm-v0").unwrapped
    try:
        env.require_dataset("served-test-v0")
        assert get_dataset("served-test-v0").installed
    finally:
        env.close()


def test_install_from_a_local_file_checks_its_hash(
    served_bitcode_dataset, http_root, datasets_root, tmp_path
):
    served, _ = http_root
    archive = served / "served-test-v0.tar.bz2"
    copy = tmp_path / "copy.tar.bz2"
    copy.write_bytes(archive.read_bytes())
    archive.unlink()  # the network copy is gone: only --from can work
    dataset = install("served-test-v0", source=copy, progress=False)
    assert dataset.size == 3
    assert json.loads((dataset.directory / "manifest.json").read_text())["origin"] == str(copy)


@pytest.fixture
def offline_entry():
    """npb-v0's entry with its URL on a closed port of 127.0.0.1: offline, whatever the machine's network."""
    import dataclasses
    import socket

    from cgym_ray.datasets.catalogue import add_entry, find_entry

    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = dataclasses.replace(
        find_entry("npb-v0"),
        name="offline-npb-v0",
        url=f"http://127.0.0.1:{port}/llvm_bitcodes-10.0.0-npb-v0.tar.bz2",
    )
    add_entry(entry)
    return entry


def test_offline_error_names_dataset_url_and_install_from(offline_entry, datasets_root):
    with pytest.raises(DatasetError) as raised:
        require("offline-npb-v0", progress=False)
    message = str(raised.value)
    assert message.startswith(f"offline-npb-v0: could not download {offline_entry.url}: ")
    assert (
        "cgym-ray datasets install offline-npb-v0 --from /path/to/llvm_bitcodes-10.0.0-npb-v0.tar.bz2"
        in message
    )
    assert not (datasets_root / "offline-npb-v0").exists()


def test_offline_reset_on_a_missing_dataset_says_what_to_do(offline_entry, datasets_root):
    env = gym.make("llvm-ic-v0", benchmark="benchmark://offline-npb-v0/BT")
    try:
        with pytest.raises(
            DatasetError,
            match=r"offline-npb-v0: could not download .*install offline-npb-v0 --from",
        ):
            env.reset()
    finally:
        env.close()
    assert not (datasets_root / "offline-npb-v0").exists()


def test_unknown_dataset_is_refused_by_name(datasets_root):
    with pytest.raises(DatasetError, match="unknown dataset 'nosuch-v0'.*cbench-v1"):
        install("nosuch-v0")
    with pytest.raises(DatasetError, match="unknown dataset 'nosuch-v0'"):
        get_benchmark("benchmark://nosuch-v0/x")
    with pytest.raises(DatasetError, match="unknown dataset 'nosuch-v0'"):
        remove("nosuch-v0")


def _install_in_child(name: str, queue) -> None:
    try:
        dataset = install(name, progress=False)
        queue.put(("ok", dataset.size))
    except Exception as error:  # reported to the test
        queue.put(("error", repr(error)))


def test_concurrent_installs_from_several_processes(served_bitcode_dataset, datasets_root):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [
        context.Process(target=_install_in_child, args=("served-test-v0", queue)) for _ in range(4)
    ]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join()
    assert results == [("ok", 3)] * 4
    assert sorted(p.name for p in datasets_root.iterdir()) == [
        ".locks",
        ".staging",
        "served-test-v0",
    ]
    assert not list((datasets_root / ".staging").iterdir())


INTERRUPTED = """
import sys
from cgym_ray.datasets import install
from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
from cgym_ray.datasets.install import install_bitcode_archive
add_entry(CatalogueEntry(name="slow-test-v0", kind="bitcode-archive", install=install_bitcode_archive,
                         url=sys.argv[1], sha256=sys.argv[2]))
install("slow-test-v0", progress=True)
"""


def test_an_interrupted_download_leaves_nothing_installed(
    http_root, datasets_root, suite_bitcode, tmp_path
):
    """Kill -9 an install mid-download (a 64 MiB archive): no dataset, and the next install cleans up."""
    from .conftest import make_archive

    served, base = http_root
    files = {"slow/crc32.bc": suite_bitcode["crc32"], "slow/padding.bin": os.urandom(64 * 1024**2)}
    sha256 = make_archive(served / "slow.tar", files, mode="w")
    script = tmp_path / "install.py"
    script.write_text(INTERRUPTED)
    child = subprocess.Popen(
        [sys.executable, str(script), f"{base}/slow.tar", sha256],
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    os.set_blocking(child.stderr.fileno(), False)
    seen = b""
    while b"downloading slow-test-v0 [" not in seen and child.poll() is None:
        seen += child.stderr.read() or b""
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (datasets_root / "slow-test-v0").exists()
    leftovers = list((datasets_root / ".staging").iterdir())
    from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
    from cgym_ray.datasets.install import install_bitcode_archive

    add_entry(
        CatalogueEntry(
            name="slow-test-v0",
            kind="bitcode-archive",
            install=install_bitcode_archive,
            url=f"{base}/slow.tar",
            sha256=sha256,
        )
    )
    dataset = InstalledDataset("slow-test-v0", None)
    assert not dataset.installed
    install("slow-test-v0", progress=False)
    assert get_benchmark("benchmark://slow-test-v0/crc32").bitcode() == suite_bitcode["crc32"]
    assert leftovers and not list(
        (datasets_root / ".staging").iterdir()
    )  # the killed one's staging went


@pytest.mark.slow
def test_concurrent_installs_from_ray_actors(served_bitcode_dataset, datasets_root):
    import ray

    from cgym_ray.distributed import init_ray

    entry = served_bitcode_dataset

    @ray.remote(num_cpus=0)
    class Installer:
        def install(self, url: str, sha256: str) -> int:
            from cgym_ray.datasets import install
            from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry
            from cgym_ray.datasets.install import install_bitcode_archive

            add_entry(
                CatalogueEntry(
                    name="served-test-v0",
                    kind="bitcode-archive",
                    install=install_bitcode_archive,
                    url=url,
                    sha256=sha256,
                    options={"strip_prefix": "served-test-v0"},
                )
            )
            return install("served-test-v0", progress=False).size

    init_ray(num_cpus=2, runtime_env={"env_vars": {"CGYM_DATASETS_DIR": str(datasets_root)}})
    try:
        actors = [Installer.remote() for _ in range(3)]
        assert ray.get([a.install.remote(entry.url, entry.sha256) for a in actors]) == [3, 3, 3]
    finally:
        ray.shutdown()
    assert get_dataset("served-test-v0").installed
    assert not list((datasets_root / ".staging").iterdir())


def test_benchmark_names_may_have_folders_but_never_escape():
    from cgym_ray.datasets import BenchmarkError, BenchmarkUri

    parsed = BenchmarkUri.parse("benchmark://linux-v0/drivers/net/loopback.c")
    assert (parsed.dataset, parsed.name) == ("linux-v0", "drivers/net/loopback.c")
    for bad in (
        "benchmark://linux-v0/drivers/../../etc",
        "benchmark://linux-v0//x",
        "benchmark://linux-v0/a/",
        "generator://csmith-v0/1/2",
    ):
        with pytest.raises(BenchmarkError, match="malformed benchmark URI"):
            BenchmarkUri.parse(bad)
