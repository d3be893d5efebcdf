"""A submission is untrusted: malformed, oversized and unsafe files are refused, clearly."""

from __future__ import annotations

import json

import pytest

from cgym_ray.leaderboard import submission
from cgym_ray.leaderboard.errors import SubmissionError
from cgym_ray.leaderboard.submission import parse_results_csv, read_metadata, read_results

HEADER = "benchmark,reward,walltime,commandline\n"
ROW = "benchmark://cgym-suite-v0/crc32,1.01,2.5,sroa mem2reg\n"


def test_compilergym_csv_is_parsed():
    (row,) = parse_results_csv(HEADER + ROW)
    assert (row.benchmark, row.reward, row.walltime_s, row.commandline, row.line) == (
        "benchmark://cgym-suite-v0/crc32",
        1.01,
        2.5,
        "sroa mem2reg",
        2,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n" + ROW, "line 1: the header must be"),
        (
            HEADER + "benchmark://cgym-suite-v0/crc32,lots,2.5,sroa\n",
            "line 2: reward 'lots' is not a number",
        ),
        (HEADER + "benchmark://cgym-suite-v0/crc32,nan,2.5,sroa\n", "reward must be finite"),
        (HEADER + "benchmark://cgym-suite-v0/crc32,1.0,-1,sroa\n", "walltime must not be negative"),
        (HEADER + "benchmark://cgym-suite-v0/crc32,1.0\n", "2 fields, expected 4"),
        (HEADER + 'x,1,1,"unterminated\n', "malformed CSV"),
        (
            HEADER + "benchmark://cgym-suite-v0/crc32,1.0,1," + "sroa " * 20000 + "\n",
            "commandline is longer",
        ),
    ],
)
def test_malformed_csv_is_refused_naming_the_line(text, message):
    with pytest.raises(SubmissionError, match=message):
        parse_results_csv(text)


def test_oversized_and_linked_files_are_refused(tmp_path, monkeypatch):
    (tmp_path / "results.csv").write_text(HEADER + ROW * 100)
    monkeypatch.setattr(submission, "MAX_CSV_BYTES", 1000)
    with pytest.raises(SubmissionError, match="more than the limit of 1000"):
        read_results(tmp_path)
    (tmp_path / "results.csv").unlink()
    (tmp_path / "results.csv").symlink_to("/etc/passwd")
    with pytest.raises(SubmissionError, match="not a regular file"):
        read_results(tmp_path)


def test_missing_results_say_what_a_submission_is(tmp_path):
    with pytest.raises(SubmissionError, match="no results.csv"):
        read_results(tmp_path)


def _nested(depth: int) -> list:
    value: list = [1]
    for _ in range(depth):
        value = [value]
    return value


GOOD_METADATA = {
    "task": "llvm-ic-suite-v0",
    "agent": "random",
    "backend": "libllvm",
    "llvm_version": "23.1.4",
    "actions_version": "libllvm-v2",
    "reward_space": "IrInstructionCountOz",
    "params": {},
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        (json.dumps({**GOOD_METADATA, "reward": float("nan")}), "NaN is not allowed"),
        (
            json.dumps({k: v for k, v in GOOD_METADATA.items() if k != "llvm_version"}),
            "llvm_version must be",
        ),
        (json.dumps({**GOOD_METADATA, "agent": "../../etc"}), "agent must be letters"),
        (json.dumps({**GOOD_METADATA, "params": {"x": _nested(20)}}), "nested deeper"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON|must hold"),
    ],
)
def test_bad_metadata_is_refused(tmp_path, content, message):
    (tmp_path / "metadata.json").write_text(content)
    with pytest.raises(SubmissionError, match=message):
        read_metadata(tmp_path)
