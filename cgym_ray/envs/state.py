"""Episode states and CompilerGym's CSV format.

A state is enough to reproduce an episode: the benchmark, the commandline (the
action names, one per step, replayed step by step), the reward it earned, and
the backend, LLVM version and action catalogue it ran with.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from cgym_ray.errors import CompilerError

COMPILERGYM_COLUMNS = ("benchmark", "reward", "walltime", "commandline")
EXTENDED_COLUMNS = COMPILERGYM_COLUMNS + ("backend", "llvm_version", "reward_space", "actions_version")


@dataclass(frozen=True)
class CompilerEnvState:
    benchmark: str
    commandline: str
    reward: float | None = None
    walltime: float = 0.0
    backend: str = "libllvm"
    llvm_version: str = ""
    reward_space: str | None = None
    actions_version: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def write_csv(states: Iterable[CompilerEnvState], path: str | Path | io.TextIOBase, extended: bool = False) -> None:
    """Write states as CompilerGym's CSV (`extended` adds backend, LLVM version, ...)."""
    columns = EXTENDED_COLUMNS if extended else COMPILERGYM_COLUMNS
    handle = open(path, "w", newline="") if isinstance(path, str | Path) else path
    try:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for state in states:
            row = state.to_dict()
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
    finally:
        if handle is not path:
            handle.close()


def read_csv(path: str | Path | io.TextIOBase) -> list[CompilerEnvState]:
    """Read CompilerGym's CSV, or ours with extra columns. Errors name the line."""
    handle = open(path, newline="") if isinstance(path, str | Path) else path
    name = str(path) if isinstance(path, str | Path) else "<stream>"
    known = {f.name for f in fields(CompilerEnvState)}
    try:
        reader = csv.DictReader(handle)
        missing = set(COMPILERGYM_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise CompilerError(f"{name}: not a state CSV, missing column(s) {sorted(missing)}")
        states = []
        for line, row in enumerate(reader, start=2):
            try:
                values = {k: v for k, v in row.items() if k in known and v not in (None, "")}
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
