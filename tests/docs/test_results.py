"""Every report in results/ says where its figures came from: the command, the commit and the date."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "results"
COMMAND = re.compile(r"`(scripts/\w+|cgym-ray) [^`]*`")
COMMIT = re.compile(r"\bcommits? [0-9a-f]{7,40}\b")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_every_report_names_its_command_commit_and_date():
    reports = sorted(RESULTS.glob("*.md"))
    assert reports
    for report in reports:
        head = report.read_text()[:1500]
        for what, pattern in (("command", COMMAND), ("commit", COMMIT), ("date", DATE)):
            assert pattern.search(head), f"{report.name}: no {what} near the top"
