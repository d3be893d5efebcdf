"""Exceptions raised by the trajectory store.

Each names the store, the file or the run concerned and, where one exists, the
command that fixes it. Catch `StoreError` for all of them.
"""

from __future__ import annotations

from pathlib import Path


def repair_hint(root: Path | str) -> str:
    return f"run `cgym-ray results repair --store {root}` to rebuild what can be rebuilt"


class StoreError(Exception):
    """Base class of every error raised by the trajectory store."""


class StoreNotFound(StoreError):
    """No store at the given path (and the caller asked not to create one)."""


class StoreCorrupted(StoreError):
    """The store's manifest, commit log or a committed data file is missing or unreadable."""


class StoreVersionError(StoreError):
    """The store was written by a newer schema than this cgym-ray understands."""


class StoreWriteError(StoreError):
    """A writer could not write or commit a batch; the batch is kept for the next try."""


class UnknownRun(StoreError):
    """A run id (or prefix, or name) matches no run, or more than one."""


class QueryError(StoreError):
    """DuckDB rejected a query (the message is DuckDB's)."""


class ExportError(StoreError):
    """The selected episodes cannot be exported in the requested format."""
