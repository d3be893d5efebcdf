"""`cgym-ray search` (a one-line search job) and `cgym-ray validate` (a CSV of states), as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import gymnasium as gym
import pyarrow.dataset as ds
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.envs import CompilerEnvState, write_csv

CRC32 = "benchmark://cgym-suite-v0/crc32"


def cgym(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cgym_ray", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


@pytest.mark.slow  # Ray: a search job
def test_search_one_liner_records_its_run_in_the_store(tmp_path):
    (tmp_path / "prog.c").write_text(
        "#include <stdio.h>\nint main(void){int s=0;for(int i=0;i<9;i++)s+=i*i;"
        'printf("%d\\n",s);return 0;}\n'
    )
    result = cgym(
        "search",
        "random",
        "--benchmark",
        CRC32,
        "--benchmark",
        "prog.c",
        "--steps",
        "40",
        "--num-cpus",
        "1",
        "--summary-json",
        str(tmp_path / "summary.json"),
        "--quiet",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        "crc32" in result.stdout and "prog" in result.stdout and "geomean reward" in result.stdout
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["store"] == "store" and summary["tasks"] == 2 and summary["errors"] == 0
    steps = ds.dataset(tmp_path / "store" / "steps", partitioning="hive").to_table()
    assert steps.num_rows == summary["steps"] > 0
    assert (tmp_path / "runs" / "search-random").is_dir()


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_search_refuses_bad_options_in_one_line(tmp_path):
    for args, complaint in [
        (["randon", "--benchmark", CRC32, "--seconds", "3"], "unknown agent 'randon'"),
        (["random", "--benchmark", CRC32], "--seconds, --steps or both"),
        (["random", "--benchmark", CRC32, "--seconds", "inf"], "finite"),
        (["random", "--seconds", "3"], "--benchmark"),
        (
            ["random", "--benchmark", str(tmp_path / "absent.c"), "--seconds", "3"],
            "absent.c: no such file",
        ),
    ]:
        result = cgym("search", *args, cwd=tmp_path)
        assert result.returncode == 2 and complaint in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "store").exists()


def test_validate_prints_a_table_and_fails_on_a_forged_reward(tmp_path):
    env = gym.make("llvm-ic-v0", benchmark=CRC32).unwrapped
    env.reset()
    env.step("sroa")
    env.step("gvn")
    honest = env.state
    env.close()
    forged = CompilerEnvState(CRC32, honest.commandline, reward=5.0, walltime=1.0)
    path = tmp_path / "states.csv"
    write_csv([honest, forged], path)  # CompilerGym's four columns
    result = cgym("validate", str(path), "--env", "llvm-ic-v0", "--no-behaviour")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "claimed" in lines[0] and "replayed" in lines[0]
    assert lines[1].split()[-1] == "ok" and "FAILED reward" in lines[2]
    assert "2 states: 1 ok, 1 failed" in result.stdout
    write_csv([honest], path)
    result = cgym("validate", str(path), "--env", "llvm-ic-v0", "--json")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert (
        entry["ok"] and entry["behaviour_checked"] and abs(entry["reward"] - honest.reward) < 1e-9
    )


def test_validate_names_an_unreadable_csv(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text(
        "benchmark,reward,walltime,commandline\nbenchmark://cgym-suite-v0/crc32,lots,1,sroa\n"
    )
    result = cgym("validate", str(path))
    assert (
        result.returncode == 1
        and f"{path}, line 2" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_datasets_show_takes_a_split():
    result = cgym("datasets", "show", "cgym-suite-v0:test", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["split"] == "test" and len(shown["benchmarks"]) == 12
    result = cgym("datasets", "show", "cgym-suite-v0:tset")
    assert result.returncode == 1 and "unknown split 'tset'" in result.stderr
