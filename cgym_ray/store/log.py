"""The commit log: which data files are committed.

`_log/` holds one small JSON file per commit. A commit adds files and may
remove files (compaction, repair); the committed files are every file added
by some commit and removed by none. Names are unique (a nanosecond time, the
writer id and its sequence number), so writers on different nodes never
contend for a name, and each commit appears by one atomic rename: a reader
sees all of a commit or nothing of it.

Because the committed set is a set union, reading the same commit twice
changes nothing. That makes checkpointing safe without a lock: fold every
entry read into one checkpoint entry, write it, then delete what it folded;
a crash in between leaves entries that say the same thing twice.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cgym_ray.scratch import atomic_write_bytes
from cgym_ray.store.errors import StoreCorrupted, repair_hint
from cgym_ray.store.records import new_id

LOG_DIR = "_log"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One committed data file. `path` is relative to the store root, with '/' separators."""

    table: str
    path: str
    run_id: str
    rows: int
    bytes: int


@dataclass(slots=True)
class WriterProgress:
    """How far a writer's commits got: its last sequence number and rows committed so far."""

    seq: int = 0
    steps: int = 0
    episodes: int = 0

    def merge(self, other: WriterProgress) -> None:
        if other.seq > self.seq:
            self.seq, self.steps, self.episodes = other.seq, other.steps, other.episodes


class CommitLog:
    """The entries of `_log/`, read incrementally: `refresh()` parses only new entries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.directory = root / LOG_DIR
        self._entries: dict[str, dict[str, Any]] = {}
        self._live: dict[str, FileEntry] | None = None
        self.unreadable: dict[str, str] = {}  # entry name -> reason (filled when not strict)

    # Reading -----------------------------------------------------------------

    def refresh(self, strict: bool = True) -> None:
        """Read entries added since the last refresh; forget those deleted by a checkpoint."""
        try:
            names = {n for n in os.listdir(self.directory) if n.endswith(".json") and n[0] != "."}
        except FileNotFoundError:
            raise StoreCorrupted(
                f"{self.directory} (the commit log) is missing; {repair_hint(self.root)}"
            ) from None
        known = set(self._entries)
        for gone in known - names:
            del self._entries[gone]
        for name in sorted(names - known):
            entry = self._read(name, strict)
            if entry is not None:
                self._entries[name] = entry
        if names != known:
            self._live = None

    def _read(self, name: str, strict: bool) -> dict[str, Any] | None:
        path = self.directory / name
        try:
            entry = json.loads(path.read_bytes())
            entry["add"] = [FileEntry(**item) for item in entry.get("add", [])]
            entry["remove"] = list(entry.get("remove", []))
            return entry
        except FileNotFoundError:
            return None  # folded into a checkpoint between listdir and open
        except (ValueError, TypeError, AttributeError) as error:
            if strict:
                raise StoreCorrupted(
                    f"commit log entry {path} is unreadable ({error}); {repair_hint(self.root)}"
                ) from None
            self.unreadable[name] = str(error)
            return None

    def entries(self) -> dict[str, dict[str, Any]]:
        return self._entries

    def live(self) -> dict[str, FileEntry]:
        """Committed files by path."""
        if self._live is None:
            added: dict[str, FileEntry] = {}
            removed: set[str] = set()
            for entry in self._entries.values():
                for item in entry["add"]:
                    added[item.path] = item
                removed.update(entry["remove"])
            self._live = {path: item for path, item in added.items() if path not in removed}
        return self._live

    def tombstones(self) -> set[str]:
        """Paths some commit removed (compacted away, or dropped by repair)."""
        return {path for entry in self._entries.values() for path in entry["remove"]}

    def known_paths(self) -> set[str]:
        """Every path any entry mentions, live or removed."""
        known = self.tombstones()
        for entry in self._entries.values():
            known.update(item.path for item in entry["add"])
        return known

    def writer_progress(self) -> dict[str, WriterProgress]:
        progress: dict[str, WriterProgress] = {}
        for entry in self._entries.values():
            for writer_id, values in entry.get("writers", {}).items():
                progress.setdefault(writer_id, WriterProgress()).merge(WriterProgress(**values))
        return progress

    def files(self, table: str, run_ids: set[str] | None = None) -> list[FileEntry]:
        return sorted(
            (
                item
                for item in self.live().values()
                if item.table == table and (run_ids is None or item.run_id in run_ids)
            ),
            key=lambda item: item.path,
        )

    # Writing -----------------------------------------------------------------

    def commit(
        self,
        kind: str,
        add: Sequence[FileEntry] = (),
        remove: Sequence[str] = (),
        writer_id: str | None = None,
        progress: WriterProgress | None = None,
        **details: Any,
    ) -> str:
        """Append one entry (atomically) and return its name."""
        label = (
            f"{writer_id}-{progress.seq:08d}" if writer_id and progress else f"{kind}-{new_id()}"
        )
        name = f"{time.time_ns():020d}-{label}.json"
        entry: dict[str, Any] = {
            "kind": kind,
            "time": time.time(),
            "add": [asdict(item) for item in add],
            "remove": list(remove),
            **details,
        }
        if writer_id and progress:
            entry["writers"] = {writer_id: asdict(progress)}
        atomic_write_bytes(self.directory / name, json.dumps(entry).encode())
        return name

    def checkpoint(self) -> int:
        """Fold every entry read so far into one; return how many entries it replaced."""
        self.refresh()
        folded = sorted(self._entries)
        if len(folded) <= 1:
            return 0
        added = {item.path for entry in self._entries.values() for item in entry["add"]}
        tombstones = self.tombstones()
        for path in tombstones:  # removed by a commit: their rows live elsewhere or in quarantine
            (self.root / path).unlink(missing_ok=True)
        # A tombstone matters only while some entry still adds its path.
        removed = sorted(tombstones & added)
        writers = {wid: asdict(p) for wid, p in self.writer_progress().items()}
        self.commit(
            "checkpoint",
            add=sorted(self.live().values(), key=lambda item: item.path),
            remove=removed,
            writers=writers,
            folded=len(folded),
        )
        for name in folded:
            (self.directory / name).unlink(missing_ok=True)
        self.refresh()
        return len(folded)
