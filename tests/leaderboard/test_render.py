"""The leaderboard page: built from validated submissions only, and it opens in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from cgym_ray.leaderboard.render import render_leaderboard
from cgym_ray.leaderboard.submission import file_sha256
from cgym_ray.leaderboard.validation import validate_submission

pytestmark = (
    pytest.mark.slow
)  # Ray: renders real evaluated submissions (scripts/test --fast skips it)


@pytest.fixture(scope="module")
def submissions(evaluated, tiny_task, tmp_path_factory):
    """Three submissions: validated, validated then edited, and one with hostile text in it."""
    root = tmp_path_factory.mktemp("submissions")
    good = root / "random-test"
    shutil.copytree(evaluated, good)
    report = validate_submission(
        good,
        task=str(tiny_task),
        num_cpus=2,
        check_behaviour=False,
        output=good / "validation.json",
    )
    assert report.ok
    edited = root / "edited-after-validation"
    shutil.copytree(good, edited)
    (edited / "results.csv").write_text(
        (edited / "results.csv").read_text() + "\n"
    )  # any edit counts
    hostile = root / "hostile"
    shutil.copytree(good, hostile)
    metadata = json.loads((hostile / "metadata.json").read_text())
    metadata["params"] = {"note": "<script>alert(1)</script>"}
    (hostile / "metadata.json").write_text(json.dumps(metadata))
    validation = json.loads((hostile / "validation.json").read_text())
    validation["files"]["metadata.json"] = file_sha256(hostile / "metadata.json")
    (hostile / "validation.json").write_text(json.dumps(validation))
    return root


@pytest.fixture(scope="module")
def page(submissions, tmp_path_factory):
    return render_leaderboard(submissions, tmp_path_factory.mktemp("page"))


def test_table_lists_validated_unchanged_entries_only(page):
    readme = page.readme.read_text()
    assert "## tiny-test-v0" in readme
    assert (
        "| rank | agent | geomean reward | Oz/final | vs -Oz | mean walltime | date | validated |"
        in readme
    )
    assert "[random, 40 steps](submissions/random-test/SUBMISSION.md)" in readme
    assert page.entries == 2
    assert any(
        "edited-after-validation: results.csv changed since validation" in note
        for note in page.notes
    )


def test_html_escapes_submission_text(page):
    html = page.html.read_text()
    assert "<script" not in html and "&lt;script&gt;" in html
    assert html.count("<svg") == 2 and "cdn" not in html.lower()


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.fail("no Chromium: scripts/setup-env installs it (apt-get install -y chromium)")


def _headless(tmp_path, *args: str) -> subprocess.CompletedProcess:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_page_renders_table_and_charts_in_chromium(page, tmp_path):
    url = page.html.resolve().as_uri()
    dom = _headless(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert len(re.findall(r"<tr>", dom.stdout)) == 3  # the header and two entries
    assert len(re.findall(r"<svg class=\"chart\"", dom.stdout)) == 2
    assert len(re.findall(r"<rect class=\"bar\"", dom.stdout)) == 4  # two benchmarks per chart
    shot = tmp_path / "leaderboard.png"
    result = _headless(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", url)
    assert result.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a blank page is far smaller
