"""Episode states and CompilerGym's CSV format.

A state is enough to reproduce an episode: the benchmark, the commandline (the
action names, one per step, replayed step by step), the reward it earned, and
the backend, LLVM version and action catalogue it ran with.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from cgym_ray.errors import CompilerError

COMPILERGYM_COLUMNS = ("benchmark", "reward", "walltime", "commandline")
EXTENDED_COLUMNS = COMPILERGYM_COLUMNS + (
    "backend",
    "llvm_version",
    "reward_space",
    "actions_version",
)


REWARD_EQUALITY_TOLERANCE = 1e-5


@dataclass(frozen=True, eq=False)
class CompilerEnvState:
    """One episode's state. Two states are equal when they reach the same point.

    As in CompilerGym, equality compares the benchmark, the commandline and
    the reward (within 1e-5, and only when both states have one), never the
    walltime: how long it took to get there is not part of the state.
    """

    benchmark: str
    commandline: str
    reward: float | None = None
    walltime: float = 0.0
    backend: str = "libllvm"
    llvm_version: str = ""
    reward_space: str | None = None
    actions_version: str = ""

    def __post_init__(self) -> None:
        if not self.walltime >= 0:  # also refuses NaN
            raise ValueError(
                f"walltime must be >= 0 seconds, not {self.walltime!r} ({self.benchmark})"
            )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompilerEnvState):
            return NotImplemented
        if self.benchmark != other.benchmark or self.commandline != other.commandline:
            return False
        if self.reward is None or other.reward is None:
            return True
        return abs(self.reward - other.reward) < REWARD_EQUALITY_TOLERANCE

    def __hash__(self) -> int:
        return hash((self.benchmark, self.commandline))


def write_csv(
    states: Iterable[CompilerEnvState], path: str | Path | io.TextIOBase, extended: bool = False
) -> None:
    """Write states as CompilerGym's CSV (`extended` adds backend, LLVM version, ...)."""
    columns = EXTENDED_COLUMNS if extended else COMPILERGYM_COLUMNS
    handle = open(path, "w", newline="") if isinstance(path, str | Path) else path
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for state in states:
            row = state.to_dict()
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
    finally:
        if handle is not path:
            handle.close()


def read_csv(path: str | Path | io.TextIOBase) -> list[CompilerEnvState]:
    """Read CompilerGym's CSV, or ours with extra columns. Errors name the line.

    As CompilerGym's reader does, it takes a file without a header (then the
    columns are benchmark, reward, walltime, commandline) and an empty file
    (no states).
    """
    handle = open(path, newline="") if isinstance(path, str | Path) else path
    name = str(path) if isinstance(path, str | Path) else "<stream>"
    known = {f.name for f in fields(CompilerEnvState)}
    try:
        rows: Iterator[list[str]] = csv.reader(handle)
        header = next(rows, None)
        if header is None:
            return []
        first_line = 2
        if "benchmark" not in header and "://" in header[0]:  # headerless: the first row is a state
            rows = itertools.chain([header], rows)
            header, first_line = list(COMPILERGYM_COLUMNS), 1
        missing = set(COMPILERGYM_COLUMNS) - set(header)
        if missing:
            raise CompilerError(f"{name}: not a state CSV, missing column(s) {sorted(missing)}")
        states = []
        for line, cells in enumerate(rows, start=first_line):
            if not cells:
                continue
            row = dict(zip(header, cells, strict=False))
            try:
                values: dict[str, Any] = {
                    k: v for k, v in row.items() if k in known and v not in (None, "")
                }
                values["reward"] = float(values["reward"]) if "reward" in values else None
                values["walltime"] = float(values.get("walltime", 0.0))
                values.setdefault("commandline", "")
                states.append(CompilerEnvState(**values))
            except (ValueError, TypeError, KeyError) as error:
                raise CompilerError(f"{name}, line {line}: {error}") from None
        return states
    finally:
        if handle is not path:
            handle.close()
