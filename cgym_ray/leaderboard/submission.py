"""A submission directory: what eval writes and what validate and render read.

    results.csv       CompilerGym's format: benchmark,reward,walltime,commandline (one row a run)
    results.parquet   every episode of the evaluation, from the trajectory store
    metadata.json     task, agent, parameters, versions, backend, LLVM, CPU, host, date
    SUBMISSION.md     the write-up
    validation.json   written by `cgym-ray leaderboard validate`: the replayed numbers

A submission is untrusted input. Readers here parse CSV and JSON only, refuse
links and oversized files, and check every field's type; problems raise
`SubmissionError` naming the file and line. Nothing in a submission is executed
or unpickled (results.parquet is not read by validation at all).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cgym_ray.leaderboard.errors import SubmissionError

RESULTS_CSV = "results.csv"
RESULTS_PARQUET = "results.parquet"
METADATA_JSON = "metadata.json"
WRITEUP_MD = "SUBMISSION.md"
VALIDATION_JSON = "validation.json"

CSV_HEADER = ("benchmark", "reward", "walltime", "commandline")
MAX_CSV_BYTES = 16 * 1024**2
MAX_JSON_BYTES = 1024**2
MAX_ROWS = 100_000
MAX_URI_CHARS = 4096
MAX_COMMANDLINE_CHARS = 64 * 1024
MAX_TEXT_CHARS = 10_000
MAX_JSON_DEPTH = 16

METADATA_STRINGS = ("task", "agent", "backend", "llvm_version", "actions_version", "reward_space")


@dataclass(frozen=True)
class ResultRow:
    """One run of one benchmark: its best state, as the CSV claims it."""

    benchmark: str
    reward: float
    walltime_s: float
    commandline: str
    line: int = 0


def read_file(directory: Path, name: str, limit: int) -> bytes:
    """The bytes of `directory/name`: a regular file (no link), at most `limit` bytes."""
    path = directory / name
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise SubmissionError(f"{directory}: no {name} (is this a submission directory?)") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise SubmissionError(f"{path}: not a regular file (links and devices are refused)")
    if info.st_size > limit:
        raise SubmissionError(f"{path}: {info.st_size} bytes, more than the limit of {limit}")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SubmissionError(f"{path}: more than the limit of {limit} bytes")
    return data


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SubmissionError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None


def _finite(text: str, what: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SubmissionError(f"{where}: {what} {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise SubmissionError(f"{where}: {what} must be finite, not {text[:40]!r}")
    return value


def parse_results_csv(text: str, name: str = RESULTS_CSV) -> list[ResultRow]:
    """Parse CompilerGym's state CSV strictly (its four columns, in order, nothing else)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[ResultRow] = []
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
            raise SubmissionError(
                f"{name}, line 1: the header must be {','.join(CSV_HEADER)}, not {header!r:.200}"
            )
        for record in reader:
            where = f"{name}, line {reader.line_num}"
            if not record:
                continue
            if len(record) != len(CSV_HEADER):
                raise SubmissionError(f"{where}: {len(record)} fields, expected {len(CSV_HEADER)}")
            if len(rows) >= MAX_ROWS:
                raise SubmissionError(f"{name}: more than {MAX_ROWS} rows")
            benchmark, reward, walltime, commandline = record
            if len(benchmark) > MAX_URI_CHARS:
                raise SubmissionError(
                    f"{where}: the benchmark URI is longer than {MAX_URI_CHARS} characters"
                )
            if len(commandline) > MAX_COMMANDLINE_CHARS:
                raise SubmissionError(
                    f"{where}: the commandline is longer than {MAX_COMMANDLINE_CHARS} characters"
                )
            walltime_s = _finite(walltime, "walltime", where)
            if walltime_s < 0:
                raise SubmissionError(f"{where}: walltime must not be negative")
            rows.append(
                ResultRow(
                    benchmark.strip(),
                    _finite(reward, "reward", where),
                    walltime_s,
                    commandline.strip(),
                    reader.line_num,
                )
            )
    except csv.Error as error:
        raise SubmissionError(f"{name}, line {reader.line_num}: malformed CSV: {error}") from None
    return rows


def read_results(directory: Path) -> list[ResultRow]:
    data = read_file(directory, RESULTS_CSV, MAX_CSV_BYTES)
    return parse_results_csv(
        _text(data, str(directory / RESULTS_CSV)), str(directory / RESULTS_CSV)
    )


def _depth(value: Any, level: int = 0) -> int:
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level + 1)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level + 1)
    return level


def read_json(directory: Path, name: str, limit: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """A JSON object from the submission (no NaN, no deep nesting, at most `limit` bytes)."""
    path = directory / name
    text = _text(read_file(directory, name, limit), str(path))

    def refuse_constant(constant: str) -> None:
        raise SubmissionError(f"{path}: {constant} is not allowed")

    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except (json.JSONDecodeError, RecursionError) as error:
        raise SubmissionError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise SubmissionError(f"{path}: must hold a JSON object")
    if _depth(value) > MAX_JSON_DEPTH:
        raise SubmissionError(f"{path}: nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def read_metadata(directory: Path) -> dict[str, Any]:
    """metadata.json, with the fields validation relies on checked for type and length."""
    metadata = read_json(directory, METADATA_JSON)
    where = directory / METADATA_JSON
    for key in METADATA_STRINGS:
        value = metadata.get(key)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise SubmissionError(
                f"{where}: {key} must be a non-empty string of at most 200 characters"
            )
    if not re.fullmatch(r"[A-Za-z0-9_.+-]+", metadata["agent"]):
        raise SubmissionError(f"{where}: agent must be letters, digits and _.+- only")
    if not isinstance(metadata.get("params", {}), dict):
        raise SubmissionError(f"{where}: params must be an object")
    for key in ("description", "date", "name"):
        if (
            not isinstance(metadata.get(key, ""), str)
            or len(metadata.get(key, "")) > MAX_TEXT_CHARS
        ):
            raise SubmissionError(
                f"{where}: {key} must be a string of at most {MAX_TEXT_CHARS} characters"
            )
    return metadata


def write_results_csv(rows: Iterable[ResultRow], path: Path) -> None:
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(CSV_HEADER)
        for row in rows:
            out.writerow(
                [row.benchmark, repr(row.reward), f"{row.walltime_s:.3f}", row.commandline]
            )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
