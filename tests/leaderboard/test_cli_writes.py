"""The README's leaderboard commands leave tracked files alone unless told to write them."""

from __future__ import annotations

import json
import shutil

import pytest

from cgym_ray.cli.main import main


def _tree(root) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _validate(submission, tiny_task, *options: str) -> int:
    return main(
        [
            "leaderboard",
            "validate",
            str(submission),
            "--task",
            str(tiny_task),
            "--no-behaviour",
            "--num-cpus",
            "2",
            *options,
        ]
    )


@pytest.mark.slow  # Ray: a leaderboard evaluation
def test_validate_writes_nothing_into_the_submission_by_default(
    submission, tiny_task, ray_session, capsys
):
    before = _tree(submission)
    assert _validate(submission, tiny_task) == 0
    assert _tree(submission) == before
    assert "wrote nothing" in capsys.readouterr().out


@pytest.mark.slow  # Ray: a leaderboard evaluation
def test_validate_writes_where_it_is_told(submission, tiny_task, ray_session, tmp_path):
    report = tmp_path / "reports" / "greedy.json"
    assert _validate(submission, tiny_task, "--output", str(report)) == 0
    assert json.loads(report.read_text())["ok"]
    assert not (submission / "validation.json").exists()
    assert _validate(submission, tiny_task, "--in-place") == 0
    assert json.loads((submission / "validation.json").read_text())["ok"]


@pytest.mark.slow  # Ray: a leaderboard evaluation
def test_render_writes_into_its_own_directory_by_default(
    submission, tiny_task, ray_session, tmp_path, monkeypatch
):
    leaderboard = tmp_path / "results" / "leaderboard"
    shutil.copytree(submission, leaderboard / "submissions" / "random-test")
    assert _validate(leaderboard / "submissions" / "random-test", tiny_task, "--in-place") == 0
    before = _tree(leaderboard)
    monkeypatch.chdir(tmp_path)
    assert main(["leaderboard", "render", "--submissions", str(leaderboard / "submissions")]) == 0
    assert _tree(leaderboard) == before
    assert "random" in (tmp_path / "leaderboard-page" / "README.md").read_text()
    assert (tmp_path / "leaderboard-page" / "index.html").exists()
    assert (
        main(
            [
                "leaderboard",
                "render",
                "--submissions",
                "results/leaderboard/submissions",
                "--in-place",
            ]
        )
        == 0
    )
    assert (leaderboard / "README.md").exists() and (leaderboard / "index.html").exists()


def test_render_with_no_submissions_exits_1_and_says_why(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    (submissions / "unvalidated").mkdir(parents=True)
    (submissions / "unvalidated" / "metadata.json").write_text("{}")
    page = tmp_path / "page"
    assert (
        main(["leaderboard", "render", "--submissions", str(submissions), "--output", str(page)])
        == 1
    )
    err = capsys.readouterr().err
    assert f"no validated submissions in {submissions}" in err and "unvalidated" in err
    assert not page.exists()
    assert main(["leaderboard", "render", "--submissions", str(tmp_path / "none")]) == 1
