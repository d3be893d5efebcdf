"""Leaderboard tasks: the shipped ones load and say what they fix."""

from __future__ import annotations

import pytest

from cgym_ray.leaderboard.errors import TaskError
from cgym_ray.leaderboard.tasks import list_tasks, load_task


def test_suite_task_is_the_test_split_with_fixed_runs_and_limit():
    task = load_task("llvm-ic-suite-v0")
    assert task.reward_space == "IrInstructionCountOz"
    assert len(task.benchmark_uris()) == 12
    assert all(uri.startswith("benchmark://cgym-suite-v0/") for uri in task.benchmark_uris())
    assert "benchmark://cgym-suite-v0/sha256" in task.benchmark_uris()
    assert task.runs_per_benchmark >= 1 and task.walltime_limit_s > 0


def test_shipped_tasks_include_csmith_seeds_and_cbench():
    tasks = {task.name: task for task in list_tasks()}
    assert {"llvm-ic-suite-v0", "llvm-ic-csmith-v0", "llvm-ic-cbench-v1"} <= set(tasks)
    assert tasks["llvm-ic-csmith-v0"].benchmark_uris()[0] == "generator://csmith-v0/0"
    cbench = tasks["llvm-ic-cbench-v1"]
    assert len(cbench.benchmark_uris()) == 23  # named without downloading anything
    assert cbench.remote_datasets[0].sha256.startswith("601fff39")


@pytest.mark.parametrize(
    "task, programs, example",
    [
        ("llvm-ic-cbench-src-v1", 20, "benchmark://cbench-src-v1/qsort"),
        ("llvm-ic-chstone-src-v0", 12, "benchmark://chstone-src-v0/dfadd"),
    ],
)
def test_the_source_built_tasks_name_their_programs_without_installing(
    tmp_path, monkeypatch, task, programs, example
):
    monkeypatch.setenv("CGYM_DATASETS_DIR", str(tmp_path))
    uris = load_task(task).benchmark_uris()
    assert len(uris) == programs and example in uris
    assert not any(tmp_path.iterdir())


def test_unknown_task_lists_the_known_ones():
    with pytest.raises(TaskError, match="llvm-ic-suite-v0"):
        load_task("no-such-task")


def test_task_file_errors_name_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\nbenchmarks: {uris: [benchmark://cgym-suite-v0/crc32]}\nwalltime_limit_s: -1\n"
    )
    with pytest.raises(TaskError, match="walltime_limit_s"):
        load_task(str(path))
