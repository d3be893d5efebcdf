"""Eval writes a submission that validates; tampering fails validation, naming the benchmark."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from cgym_ray.leaderboard.errors import SubmissionError
from cgym_ray.leaderboard.validation import validate_submission

pytestmark = pytest.mark.slow  # Ray: a leaderboard evaluation (scripts/test --fast skips it)

CRC32 = "benchmark://cgym-suite-v0/crc32"
DIJKSTRA = "benchmark://cgym-suite-v0/dijkstra"


def _rows(directory) -> list[dict[str, str]]:
    with open(directory / "results.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_rows(directory, rows) -> None:
    with open(directory / "results.csv", "w", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["benchmark", "reward", "walltime", "commandline"]
        )
        writer.writeheader()
        writer.writerows(rows)


def _validate(directory, tiny_task, **options):
    return validate_submission(directory, task=str(tiny_task), num_cpus=2, **options)


def test_eval_writes_a_complete_submission(evaluated):
    assert {p.name for p in evaluated.iterdir()} >= {
        "results.csv",
        "results.parquet",
        "metadata.json",
        "SUBMISSION.md",
    }
    rows = _rows(evaluated)
    assert [r["benchmark"] for r in rows] == [CRC32, DIJKSTRA]
    assert all(float(r["walltime"]) > 0 and r["commandline"] for r in rows)
    metadata = json.loads((evaluated / "metadata.json").read_text())
    for key in (
        "task",
        "agent",
        "params",
        "package_version",
        "backend",
        "llvm_version",
        "cpu",
        "host",
        "date",
    ):
        assert key in metadata, key
    assert metadata["task"] == "tiny-test-v0" and metadata["agent"] == "random"
    episodes = pq.read_table(evaluated / "results.parquet")
    assert episodes.num_rows >= 2 and set(episodes["benchmark"].to_pylist()) == {CRC32, DIJKSTRA}
    assert (
        "cgym-ray leaderboard eval --task tiny-test-v0 --agent random"
        in (evaluated / "SUBMISSION.md").read_text()
    )


def test_a_real_submission_validates(submission, tiny_task):
    report = _validate(submission, tiny_task, output=submission / "validation.json")
    assert report.ok, report.lines()
    lines = report.lines()
    assert lines[0].startswith(f"✓ {CRC32}") and "behaviour checked" in lines[0]
    recorded = json.loads((submission / "validation.json").read_text())
    assert recorded["ok"] and recorded["scores"]["geomean_reward"] > 0.5
    assert recorded["benchmarks"][CRC32]["instruction_count_oz"] > 0


def _failure_of(report, benchmark: str) -> str:
    assert not report.ok
    line = next(line for line in report.lines() if benchmark in line)
    assert line.startswith("✗")
    return line


def test_reward_changed_by_one_percent_fails(submission, tiny_task):
    rows = _rows(submission)
    rows[1]["reward"] = repr(float(rows[1]["reward"]) * 1.01)
    _write_rows(submission, rows)
    report = _validate(submission, tiny_task, check_behaviour=False)
    assert "reward: replay gives" in _failure_of(report, DIJKSTRA)
    assert report.benchmarks[CRC32].ok


def test_removed_row_fails(submission, tiny_task):
    _write_rows(submission, _rows(submission)[:1])
    report = _validate(submission, tiny_task, check_behaviour=False)
    assert "present 0 time(s), the task requires 1" in _failure_of(report, DIJKSTRA)


def test_unknown_pass_fails(submission, tiny_task):
    rows = _rows(submission)
    rows[0]["commandline"] += " make-it-fast"
    _write_rows(submission, rows)
    report = _validate(submission, tiny_task, check_behaviour=False)
    assert "unknown_action" in _failure_of(report, CRC32) and "make-it-fast" in _failure_of(
        report, CRC32
    )


def test_other_llvm_version_fails(submission, tiny_task):
    metadata = json.loads((submission / "metadata.json").read_text())
    metadata["llvm_version"] = "10.0.0"
    (submission / "metadata.json").write_text(json.dumps(metadata))
    report = _validate(submission, tiny_task)
    assert "llvm_version: recorded with LLVM '10.0.0'" in _failure_of(report, CRC32)
    assert "llvm_version" in _failure_of(report, DIJKSTRA)


def test_path_tricks_in_benchmark_uris_are_refused(submission, tiny_task):
    rows = _rows(submission)
    rows[0]["benchmark"] = "benchmark://cgym-suite-v0/../../etc/passwd"
    _write_rows(submission, rows)
    with pytest.raises(SubmissionError, match="line 2: malformed benchmark URI"):
        _validate(submission, tiny_task)


def test_benchmarks_outside_the_task_fail(submission, tiny_task):
    rows = _rows(submission)
    rows.append({**rows[0], "benchmark": "file:///etc/passwd.bc"})
    _write_rows(submission, rows)
    report = _validate(submission, tiny_task, check_behaviour=False)
    assert any(
        "'file:///etc/passwd.bc' is not a benchmark of tiny-test-v0" in line
        for line in report.lines()
    )


def test_cli_validate_exits_non_zero_and_names_the_benchmark(submission, tiny_task, capsys):
    from cgym_ray.cli.main import main

    rows = _rows(submission)
    rows[0]["reward"] = repr(float(rows[0]["reward"]) * 0.99)
    _write_rows(submission, rows)
    code = main(
        ["leaderboard", "validate", str(submission), "--task", str(tiny_task), "--no-behaviour"]
    )
    out = capsys.readouterr()
    assert code == 1
    assert f"✗ {CRC32}: reward" in out.out and f"✓ {DIJKSTRA}" in out.out
    assert "INVALID" in out.err


def test_leaderboard_job_file_is_a_kind_of_job(tiny_task, tmp_path):
    from cgym_ray.jobs.loading import JobConfigError, load_job

    job = tmp_path / "job.yaml"
    job.write_text(
        f"kind: leaderboard\ntask: {tiny_task}\nagent: {{name: greedy}}\nbudget: {{seconds: 5}}\n"
    )
    config = load_job(job)
    assert config.kind == "leaderboard" and config.agent.name == "greedy"
    job.write_text("kind: leaderboard\ntask: no-such-task\nagent: {name: greedy}\n")
    with pytest.raises(JobConfigError, match="no leaderboard task 'no-such-task'"):
        load_job(job)
