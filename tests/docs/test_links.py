"""The README, the docs and the docstrings point only at files inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
DOCS_PATH = re.compile(r"\bdocs/[\w./-]+\.md\b")


def texts() -> dict[Path, str]:
    paths = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")]
    paths += [*(ROOT / "cgym_ray").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    return {p: p.read_text() for p in paths if p != Path(__file__).resolve()}


def test_nothing_refers_to_notes_outside_the_repository():
    for path, text in texts().items():
        assert "../shared" not in text and "DESIGN.md" not in text, path


def test_relative_links_and_docs_paths_exist():
    for path, text in texts().items():
        for target in MARKDOWN_LINK.findall(text) if path.suffix == ".md" else []:
            if "://" not in target:
                assert (path.parent / target).exists(), f"{path}: {target}"
        for target in DOCS_PATH.findall(text):
            assert (ROOT / target).exists(), f"{path}: {target}"
