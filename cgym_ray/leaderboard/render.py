"""The leaderboard page: a README.md and a static index.html.

`cgym-ray leaderboard render` writes them into `leaderboard-page/` by default;
the maintainers' `--in-place` writes the committed results/leaderboard/ ones.

Built from the submissions whose validation.json says they passed and still
matches their results.csv and metadata.json (an edit after validation drops
the entry until it is validated again). The HTML is self-contained: inline CSS
and one inline SVG chart per entry, no scripts. Every text from a submission
is escaped.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.leaderboard.errors import LeaderboardError, SubmissionError
from cgym_ray.leaderboard.submission import (
    METADATA_JSON,
    RESULTS_CSV,
    VALIDATION_JSON,
    file_sha256,
    read_json,
    read_metadata,
)


@dataclass
class Entry:
    directory: Path
    metadata: dict[str, Any]
    validation: dict[str, Any]

    @property
    def scores(self) -> dict[str, Any]:
        return self.validation.get("scores") or {}

    @property
    def geomean_reward(self) -> float:
        return _number(self.scores.get("geomean_reward"))

    @property
    def rewards(self) -> dict[str, float]:
        """Mean replayed reward of each benchmark."""
        rewards = {}
        for uri, entry in (self.validation.get("benchmarks") or {}).items():
            values = [_number(v) for v in entry.get("rewards") or []]
            rewards[str(uri)] = sum(values) / len(values) if values else math.nan
        return rewards

    @property
    def label(self) -> str:
        params = self.metadata.get("params") or {}
        shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(params.items()))
        budget = self.metadata.get("budget") or {}
        limits = ", ".join(
            f"{v:g} {'s' if k == 'seconds' else k}"
            for k, v in budget.items()
            if isinstance(v, int | float)
        )
        return (
            f"{self.metadata['agent']}"
            + (f" ({shown})" if shown else "")
            + (f", {limits}" if limits else "")
        )


@dataclass
class Page:
    readme: Path
    html: Path
    entries: int
    notes: list[str] = field(default_factory=list)


def _number(value: Any) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


def _format(value: Any, spec: str, suffix: str = "") -> str:
    number = _number(value)
    return "n/a" if math.isnan(number) else f"{number:{spec}}{suffix}"


def load_entries(submissions: Path) -> tuple[list[Entry], list[str]]:
    """Validated, unchanged submissions; notes say why the others were left out."""
    entries, notes = [], []
    if not submissions.is_dir():
        return entries, [f"{submissions}: no submissions directory"]
    for directory in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.is_symlink()):
        try:
            metadata = read_metadata(directory)
            validation = read_json(directory, VALIDATION_JSON)
        except SubmissionError as error:
            notes.append(f"skipped {directory.name}: {error}")
            continue
        files = validation.get("files") or {}
        changed = [
            n for n in (RESULTS_CSV, METADATA_JSON) if files.get(n) != file_sha256(directory / n)
        ]
        if not validation.get("ok"):
            notes.append(f"skipped {directory.name}: its validation failed")
        elif changed:
            notes.append(
                f"skipped {directory.name}: {', '.join(changed)} changed since validation; "
                "validate again"
            )
        elif validation.get("task") != metadata["task"]:
            notes.append(f"skipped {directory.name}: validated against another task")
        else:
            entries.append(Entry(directory, metadata, validation))
    return entries, notes


def _by_task(entries: list[Entry]) -> dict[str, list[Entry]]:
    tasks: dict[str, list[Entry]] = {}
    for entry in entries:
        tasks.setdefault(entry.metadata["task"], []).append(entry)
    for ranked in tasks.values():
        ranked.sort(
            key=lambda e: -e.geomean_reward if not math.isnan(e.geomean_reward) else math.inf
        )
    return dict(sorted(tasks.items()))


def _task_descriptions() -> dict[str, str]:
    from cgym_ray.leaderboard.tasks import list_tasks

    try:
        return {task.name: task.description for task in list_tasks()}
    except Exception:  # a broken task file must not stop the page
        return {}


COLUMNS = (
    "rank",
    "agent",
    "geomean reward",
    "Oz/final",
    "vs -Oz",
    "mean walltime",
    "date",
    "validated",
)


def _row(rank: int, entry: Entry) -> list[str]:
    s, v = entry.scores, entry.validation.get("validator") or {}
    behaviour = " + behaviour" if v.get("behaviour_checked") else ""
    return [
        str(rank),
        entry.label,
        _format(s.get("geomean_reward"), ".4f"),
        _format(s.get("geomean_oz_over_final"), ".4f", "×"),
        _format(s.get("mean_pct_removed_vs_oz"), "+.2f", "%"),
        _format(s.get("mean_walltime_s"), ".1f", " s"),
        str(entry.metadata.get("date", ""))[:10],
        f"✓ {str(v.get('date', ''))[:10]} (LLVM {v.get('llvm_version', '?')}{behaviour})",
    ]


def render_markdown(tasks: dict[str, list[Entry]], descriptions: dict[str, str]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# cgym-ray leaderboard",
        "",
        "Generated by `cgym-ray leaderboard render` from the validated submissions in",
        "`submissions/`; `cgym-ray leaderboard validate <dir>` replays any of them.",
        "Ranked by the geomean over benchmarks of the IrInstructionCountOz reward,",
        "(O0 − final) / (O0 − Oz): 1.0 matches -Oz, more beats it. Oz/final is the geomean",
        "of -Oz's instruction count over the agent's; vs -Oz the mean % of instructions",
        "removed relative to -Oz.",
        "",
    ]
    for task, entries in tasks.items():
        lines += [f"## {task}", ""]
        if descriptions.get(task):
            lines += [descriptions[task].strip(), ""]
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append(
            "|" + "|".join(["---:", "---", "---:", "---:", "---:", "---:", "---", "---"]) + "|"
        )
        for rank, entry in enumerate(entries, start=1):
            cells = _row(rank, entry)
            cells[1] = f"[{cell(cells[1])}](submissions/{entry.directory.name}/SUBMISSION.md)"
            lines.append(
                "| " + " | ".join(cell(c) if i != 1 else c for i, c in enumerate(cells)) + " |"
            )
        lines.append("")
    if not tasks:
        lines += ["No validated submissions yet.", ""]
    return "\n".join(lines)


def bar_chart(rewards: dict[str, float], title: str) -> str:
    """A horizontal bar per benchmark, its reward, and a dashed line at 1.0 (-Oz)."""
    names = list(rewards)
    values = [v if math.isfinite(v) else 0.0 for v in rewards.values()]
    label_w, bar_w, row_h, top = 150, 360, 18, 22
    # Rewards cluster near 1.0: the axis starts a little below the lowest, not at zero.
    low = min([0.9, *values]) - 0.02
    high = max([1.05, *values]) + 0.02
    span = high - low

    def x(value: float) -> float:
        return label_w + bar_w * (value - low) / span

    height = top + row_h * len(names) + 8
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
        f'height="{height}" role="img" aria-label="{html.escape(title)}">',
        f"<title>{html.escape(title)}</title>",
    ]
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        y = top + index * row_h
        short = html.escape(name.rsplit("/", 1)[-1][:24])
        color = "#2e7d32" if value >= 1.0 else "#c62828" if value < 0.95 else "#f9a825"
        start, end = x(low), x(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{short}</text>')
        parts.append(
            f'<rect class="bar" x="{start:.1f}" y="{y + 3}" width="{max(end - start, 0.5):.1f}" '
            f'height="{row_h - 6}" fill="{color}"><title>{short}: {value:.4f}</title></rect>'
        )
        parts.append(f'<text x="{max(end, x(1.0)) + 4:.1f}" y="{y + 13}">{value:.3f}</text>')
    parts.append(
        f'<line x1="{x(1.0):.1f}" y1="{top - 4}" x2="{x(1.0):.1f}" y2="{height - 4}" '
        'stroke="#333" stroke-dasharray="4 3"/>'
    )
    parts.append(f'<text x="{x(1.0):.1f}" y="{top - 8}" text-anchor="middle">-Oz = 1.0</text>')
    parts.append(f'<text x="{label_w}" y="{top - 8}" text-anchor="start">{low:.2f}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# No scripts, no fetches: the page shows text and inline SVG only.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { font-size: 11px; }
figure { display: inline-block; margin: 0.5em 1em 1em 0; vertical-align: top; }
figcaption { font-weight: 600; margin-bottom: 4px; }
"""


def render_html(tasks: dict[str, list[Entry]], descriptions: dict[str, str]) -> str:
    esc = html.escape
    body = [
        "<h1>cgym-ray leaderboard</h1>",
        "<p>Validated submissions, ranked by the geomean of the IrInstructionCountOz reward "
        "((O0 − final) / (O0 − Oz); 1.0 matches -Oz). Every entry was replayed by "
        "<code>cgym-ray leaderboard validate</code>.</p>",
    ]
    for task, entries in tasks.items():
        body.append(f'<section class="task" id="{esc(task)}"><h2>{esc(task)}</h2>')
        if descriptions.get(task):
            body.append(f"<p>{esc(descriptions[task].strip())}</p>")
        body.append(
            "<table><thead><tr>"
            + "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
            + "</tr></thead><tbody>"
        )
        for rank, entry in enumerate(entries, start=1):
            cells = _row(rank, entry)
            body.append(
                "<tr>"
                + "".join(
                    f'<td class="{"num" if i in (0, 2, 3, 4, 5) else "text"}">{esc(c)}</td>'
                    for i, c in enumerate(cells)
                )
                + "</tr>"
            )
        body.append("</tbody></table>")
        for rank, entry in enumerate(entries, start=1):
            title = f"#{rank} {entry.label}: reward per benchmark"
            body.append(
                f"<figure><figcaption>{esc(title)}</figcaption>"
                f"{bar_chart(entry.rewards, title)}</figure>"
            )
        body.append("</section>")
    if not tasks:
        body.append("<p>No validated submissions yet.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>cgym-ray leaderboard</title>"
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


class NoSubmissions(LeaderboardError):
    """No submission is validated and unchanged: there is no page to render."""


def render_leaderboard(submissions: Path, output: Path) -> Page:
    """Write README.md and index.html into `output` from the submissions under `submissions`.

    Raises `NoSubmissions` (and writes nothing) when no submission can be shown.
    """
    entries, notes = load_entries(submissions)
    if not entries:
        reasons = "".join(f"\n  {note}" for note in notes)
        raise NoSubmissions(
            f"no validated submissions in {submissions}, so no page was written; validate one "
            f"with `cgym-ray leaderboard validate DIR --in-place`{reasons}"
        )
    tasks = _by_task(entries)
    descriptions = _task_descriptions()
    output.mkdir(parents=True, exist_ok=True)
    readme, page = output / "README.md", output / "index.html"
    readme.write_text(render_markdown(tasks, descriptions))
    page.write_text(render_html(tasks, descriptions))
    return Page(readme, page, len(entries), notes)
