"""`cgym-ray llvm` and `cgym-ray datasets`, run as a user would run them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def cgym(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "cgym_ray", *args], capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"cgym-ray {' '.join(args)} failed:\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def crc32_file(tmp_path_factory, suite_bitcode):
    path = tmp_path_factory.mktemp("cli") / "crc32.bc"
    path.write_bytes(suite_bitcode["crc32"])
    return path


def test_info_names_backend_version_library_and_actions():
    out = cgym("llvm", "info").stdout
    assert "libllvm" in out and "23.1.4" in out and "libLLVM" in out
    described = json.loads(cgym("llvm", "info", "--json").stdout)
    assert described["num_actions"] >= 100


def test_actions_json_is_the_catalogue_in_index_order():
    from cgym_ray.llvm.backend import get_backend

    names = json.loads(cgym("llvm", "actions", "--json").stdout)
    assert names == get_backend("libllvm").actions.names
    llvmlite_names = json.loads(cgym("llvm", "actions", "--json", "--backend", "llvmlite").stdout)
    assert 30 <= len(llvmlite_names) < len(names)


def test_count_prints_one_integer(crc32_file, suite_bitcode):
    from cgym_ray.llvm.backend import get_backend

    loaded = get_backend("libllvm").load(suite_bitcode["crc32"], "crc32").instruction_count()
    assert cgym("llvm", "count", str(crc32_file)).stdout.strip() == str(loaded)
    after = int(cgym("llvm", "count", str(crc32_file), "--pipeline", "default<O3>").stdout)
    assert after < loaded
    llvmlite = int(cgym("llvm", "count", str(crc32_file), "--backend", "llvmlite").stdout)
    assert llvmlite == loaded


def test_count_reports_bad_input_clearly(tmp_path):
    broken = tmp_path / "broken.bc"
    broken.write_bytes(b"BC\xc0\xde garbage")
    result = cgym("llvm", "count", str(broken), check=False)
    assert result.returncode == 1
    assert "broken.bc" in result.stderr and "Traceback" not in result.stderr
    result = cgym("llvm", "count", str(tmp_path / "missing.bc"), check=False)
    assert "no such file" in result.stderr
    result = cgym(
        "llvm", "count", str(broken.with_name("x.bc")), "--pipeline", "bogus", check=False
    )
    assert result.returncode == 1


def test_baselines_json(crc32_file):
    values = json.loads(cgym("llvm", "baselines", str(crc32_file), "--json").stdout)
    assert set(values) >= {"O0", "O3", "Oz", "llvm_version"}
    assert values["O0"] > values["O3"] and values["O0"] > values["Oz"]
    assert values["llvm_version"].startswith("23.")


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_baselines_match_counts_with_the_oz_definition(crc32_file):
    values = json.loads(cgym("llvm", "baselines", str(crc32_file), "--json").stdout)
    assert (
        int(cgym("llvm", "count", str(crc32_file), "--pipeline", "default<O3>").stdout)
        == values["O3"]
    )
    # Oz is default<O2> on a module with minsize+optsize: not the same as plain O2.
    o2 = int(cgym("llvm", "count", str(crc32_file), "--pipeline", "default<O2>").stdout)
    assert values["Oz"] <= o2


def test_datasets_list_and_show():
    listed = {d["name"]: d for d in json.loads(cgym("datasets", "list", "--json").stdout)}
    assert listed["cgym-suite-v0"]["benchmarks"] >= 40
    assert listed["csmith-v0"]["benchmarks"] is None
    shown = cgym("datasets", "show", "cgym-suite-v0").stdout
    assert "crc32" in shown and "test" in shown
    bad = cgym("datasets", "show", "nope-v0", check=False)
    assert bad.returncode == 1 and "unknown dataset" in bad.stderr


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_every_command_has_help_with_an_example():
    for command in (
        ["llvm", "info"],
        ["llvm", "actions"],
        ["llvm", "count"],
        ["llvm", "baselines"],
        ["datasets", "list"],
        ["datasets", "show"],
    ):
        out = cgym(*command, "--help").stdout
        assert "example" in out and "cgym-ray" in out
