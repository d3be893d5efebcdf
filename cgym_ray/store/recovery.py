"""After a crash: finish what dead writers left, and repair a damaged store.

`recover_dead_writers` runs at every open. For each writer whose lease says it
died, it removes its temporary files, commits any file it had completely
written and renamed but not yet committed (its rows are nowhere else: a writer
writes each row to exactly one file), and records how many rows it had added
after its last commit: those were in its memory and are lost.

`repair_store` (`cgym-ray results repair`) rebuilds what can be rebuilt and
reports every row it could not keep. It never deletes data silently: a file it
cannot read is moved to `_quarantine/`, and the report names it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from cgym_ray.scratch import atomic_write_bytes
from cgym_ray.store.errors import StoreCorrupted, StoreVersionError
from cgym_ray.store.files import data_files, run_of
from cgym_ray.store.leases import WRITERS_DIR, CompactionLock, Lease, open_leases, read_lease
from cgym_ray.store.log import LOG_DIR, CommitLog, FileEntry, WriterProgress
from cgym_ray.store.schema import SCHEMA_VERSION

logger = logging.getLogger("cgym_ray.store")

RECOVERED_DIR = "_recovered"
QUARANTINE_DIR = "_quarantine"
MANIFEST = "store.json"
FORMAT = "cgym-ray-trajectory-store"
CLAIM_TIMEOUT_S = 120.0


@dataclass
class DeadWriter:
    """What a writer that died left behind, as found by the next open."""

    writer_id: str
    run_id: str
    host: str
    pid: int
    last_seen: str  # ISO time of its last lease renewal
    steps_lost: int  # at least this many (added after its last commit, as of last_seen)
    episodes_lost: int
    steps_adopted: int = 0  # rows in files it had written but not committed; now committed
    episodes_adopted: int = 0
    temporary_files_removed: int = 0

    def message(self) -> str:
        text = (
            f"writer {self.writer_id} (run {self.run_id}, pid {self.pid} on {self.host}) died; "
            f"at least {self.steps_lost} steps and {self.episodes_lost} episodes it had added "
            f"after its last commit were lost (as of {self.last_seen})"
        )
        if self.steps_adopted or self.episodes_adopted:
            text += (
                f"; {self.steps_adopted} steps and {self.episodes_adopted} episodes it had "
                "written but not committed were committed now"
            )
        return text


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
        version = int(manifest["schema_version"])
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreCorrupted(
            f"{path} is unreadable ({error}); run `cgym-ray results repair --store {root}`"
        ) from None
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"the store at {root} has schema version {version}, newer than this cgym-ray "
            f"understands ({SCHEMA_VERSION}); upgrade cgym-ray (`pip install -U cgym-ray`) to "
            "read it. `cgym-ray results repair` does not rewrite a newer store."
        )
    return manifest


def write_manifest(root: Path, version: int = SCHEMA_VERSION) -> None:
    manifest = {
        "format": FORMAT,
        "schema_version": version,
        "created_at": datetime.now(UTC).isoformat(),
    }
    atomic_write_bytes(root / MANIFEST, json.dumps(manifest, indent=1).encode())


# Dead writers ------------------------------------------------------------------


def _claims(root: Path, known_dead: Collection[str] = ()) -> list[tuple[Path, Lease]]:
    """Leases of dead writers, each renamed to a claim so only one opener recovers it."""
    claimed = []
    for path, lease in open_leases(root):
        if lease.is_alive() and lease.writer_id not in known_dead:
            continue
        claim = path.with_name(f"{lease.writer_id}.{os.getpid()}.claimed")
        try:
            os.rename(path, claim)
        except FileNotFoundError:
            continue  # another process claimed it first
        claimed.append((claim, lease))
    # A claim left by an opener that itself died is taken over after a while.
    for claim in (root / WRITERS_DIR).glob("*.claimed"):
        if claim in (c for c, _ in claimed):
            continue
        try:
            stale = time.time() - claim.stat().st_mtime > CLAIM_TIMEOUT_S
        except FileNotFoundError:
            continue
        claimed_lease = read_lease(claim)
        if stale and claimed_lease is not None:
            taken = claim.with_name(f"{claimed_lease.writer_id}.{os.getpid()}.claimed")
            try:
                os.rename(claim, taken)
            except FileNotFoundError:
                continue
            claimed.append((taken, claimed_lease))
    return claimed


def _remove_temporary_files(root: Path, writer_id: str) -> int:
    removed = 0
    for table in ("steps", "episodes"):
        for path in (root / table).glob(f"run_id=*/.part-{writer_id}-*"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _file_entry(root: Path, relative: str) -> FileEntry:
    """A FileEntry for an uncommitted file, after checking that Parquet can read it."""
    path = root / relative
    rows = pq.read_metadata(path).num_rows
    return FileEntry(relative.split("/")[0], relative, run_of(relative), rows, path.stat().st_size)


def recover_dead_writers(
    root: Path, log: CommitLog, known_dead: Collection[str] = ()
) -> list[DeadWriter]:
    """Clean up after every writer that died, or that the caller knows is dead; return what each left."""
    claims = _claims(root, known_dead)
    if not claims:
        return []
    log.refresh()
    known = log.known_paths()
    progress = log.writer_progress()
    on_disk = data_files(root)
    reports = []
    for claim, lease in claims:
        writer_id = lease.writer_id
        removed = _remove_temporary_files(root, writer_id)
        adopted: list[FileEntry] = []
        for relative in on_disk:
            if f"/part-{writer_id}-" in relative and relative not in known:
                try:
                    adopted.append(_file_entry(root, relative))
                except Exception:  # renamed only when complete, so this is disk damage
                    logger.warning("cannot read %s; leaving it for `results repair`", relative)
        if adopted:
            log.commit("adopt", add=adopted, dead_writer=writer_id)
        committed = progress.get(writer_id, WriterProgress())
        steps_adopted = sum(item.rows for item in adopted if item.table == "steps")
        episodes_adopted = sum(item.rows for item in adopted if item.table == "episodes")
        steps_committed = max(committed.steps, lease.steps_committed) + steps_adopted
        episodes_committed = max(committed.episodes, lease.episodes_committed) + episodes_adopted
        report = DeadWriter(
            writer_id=writer_id,
            run_id=lease.run_id,
            host=lease.host,
            pid=lease.pid,
            last_seen=datetime.fromtimestamp(lease.renewed_at, UTC).isoformat(timespec="seconds"),
            steps_lost=max(0, lease.steps_added - steps_committed),
            episodes_lost=max(0, lease.episodes_added - episodes_committed),
            steps_adopted=steps_adopted,
            episodes_adopted=episodes_adopted,
            temporary_files_removed=removed,
        )
        atomic_write_bytes(
            root / RECOVERED_DIR / f"{writer_id}.json", json.dumps(asdict(report)).encode()
        )
        claim.unlink(missing_ok=True)
        logger.warning("trajectory store %s: %s", root, report.message())
        reports.append(report)
    log.refresh()
    return reports


def recovered_writers(root: Path) -> list[DeadWriter]:
    """Every dead writer any open has recovered, oldest first."""
    found = []
    for path in sorted((root / RECOVERED_DIR).glob("*.json"), key=lambda p: p.stat().st_mtime):
        try:
            found.append(DeadWriter(**json.loads(path.read_bytes())))
        except (OSError, ValueError, TypeError):
            continue
    return found


# Repair ------------------------------------------------------------------------


@dataclass
class RepairReport:
    """What `repair_store` changed. `dropped` lists every file whose rows are no longer visible."""

    actions: list[str] = field(default_factory=list)
    adopted: list[FileEntry] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (path, why; where it went)
    dead_writers: list[DeadWriter] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.actions or self.adopted or self.dropped or self.dead_writers)

    def lines(self) -> list[str]:
        lines = list(self.actions)
        lines += [writer.message() for writer in self.dead_writers]
        lines += [f"committed {item.path} ({item.rows} {item.table} rows)" for item in self.adopted]
        lines += [f"DROPPED {path}: {why}" for path, why in self.dropped]
        return lines or ["nothing to repair"]


def _quarantine(root: Path, relative: str) -> str:
    target = root / QUARANTINE_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / relative, target)
    return target.relative_to(root).as_posix()


def _sources(root: Path, relative: str) -> list[str]:
    metadata = pq.read_schema(root / relative).metadata or {}
    return json.loads(metadata.get(b"cgym.sources", b"[]"))


def _newest_version_on_disk(root: Path) -> int:
    newest = 0
    for relative in data_files(root):
        try:
            metadata = pq.read_schema(root / relative).metadata or {}
            newest = max(newest, int(metadata.get(b"cgym.schema_version", b"0")))
        except Exception:
            continue
    return newest


def repair_store(root: Path) -> RepairReport:
    """Make the store at `root` open again, keeping every readable row exactly once."""
    report = RepairReport()
    if not (root / MANIFEST).exists():
        version = _newest_version_on_disk(root) or SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"the data files in {root} were written with schema version {version}, newer "
                f"than this cgym-ray understands ({SCHEMA_VERSION}); upgrade cgym-ray"
            )
        write_manifest(root, version)
        report.actions.append(f"wrote a new manifest ({MANIFEST}, schema version {version})")
    else:
        try:
            read_manifest(root)
        except StoreCorrupted:
            write_manifest(root)
            report.actions.append(f"rewrote the unreadable manifest {MANIFEST}")
    if not (root / LOG_DIR).is_dir():
        (root / LOG_DIR).mkdir(parents=True)
        report.actions.append(f"recreated the missing commit log {LOG_DIR}/")

    with CompactionLock(root):
        log = CommitLog(root)
        log.refresh(strict=False)
        for name, why in log.unreadable.items():
            moved = _quarantine(root, f"{LOG_DIR}/{name}")
            report.actions.append(
                f"moved the unreadable commit log entry {name} ({why}) to {moved}; "
                "files it committed are re-committed below if readable"
            )
        log.unreadable.clear()
        report.dead_writers = recover_dead_writers(root, log)
        log.refresh(strict=False)
        remove = _check_committed_files(root, log, report)
        add = _adopt_orphans(root, log, report)
        if add or remove:
            log.commit("repair", add=add, remove=remove)
            log.refresh()
        _remove_stale_temporary_files(root, report)
    return report


def _check_committed_files(root: Path, log: CommitLog, report: RepairReport) -> list[str]:
    """Read every committed file in full; take the missing and unreadable ones out."""
    remove = []
    for relative, item in sorted(log.live().items()):
        what = f"{item.rows} {item.table} rows of run {item.run_id}"
        if not (root / relative).exists():
            remove.append(relative)
            report.dropped.append((relative, f"missing from disk; {what} lost"))
            continue
        try:
            rows = pq.read_table(root / relative).num_rows
            if rows != item.rows:
                raise ValueError(f"{rows} rows where the commit log says {item.rows}")
        except Exception as error:
            moved = _quarantine(root, relative)
            remove.append(relative)
            report.dropped.append((relative, f"unreadable ({error}); {what} moved to {moved}"))
    return remove


def _adopt_orphans(root: Path, log: CommitLog, report: RepairReport) -> list[FileEntry]:
    """Commit complete files no commit mentions, unless their rows are committed elsewhere."""
    known = log.known_paths()
    live_writers = {lease.writer_id for _, lease in open_leases(root) if lease.is_alive()}
    orphans = [
        relative
        for relative in data_files(root)
        if relative not in known
        and not any(f"/part-{writer_id}-" in relative for writer_id in live_writers)
    ]
    live = set(log.live())
    superseded: set[str] = set()
    add: list[FileEntry] = []
    # Compaction outputs first: each names the files it was made from.
    for relative in (o for o in orphans if "/compact-" in o):
        try:
            sources = _sources(root, relative)
            entry = _file_entry(root, relative)
        except Exception as error:
            moved = _quarantine(root, relative)
            report.dropped.append((relative, f"unreadable compaction output ({error}); at {moved}"))
            continue
        if sources and all(source in live for source in sources):
            (root / relative).unlink()  # an unfinished compaction: its rows are all committed
            report.actions.append(f"removed {relative}, an unfinished compaction's output")
        elif not any(source in live for source in sources):
            add.append(entry)
            superseded.update(sources)
        else:
            moved = _quarantine(root, relative)
            report.dropped.append(
                (relative, f"compaction output overlapping committed files; moved to {moved}")
            )
    for relative in (o for o in orphans if "/compact-" not in o):
        if relative in superseded:
            (root / relative).unlink()
            report.actions.append(f"removed {relative}: its rows are in a compacted file")
            continue
        try:
            add.append(_file_entry(root, relative))
        except Exception as error:
            moved = _quarantine(root, relative)
            report.dropped.append((relative, f"uncommitted and unreadable ({error}); at {moved}"))
    report.adopted.extend(add)
    return add


def _remove_stale_temporary_files(root: Path, report: RepairReport) -> None:
    now = time.time()
    for table in ("runs", "steps", "episodes"):
        for path in (root / table).glob("run_id=*/.*"):
            if now - path.stat().st_mtime > CLAIM_TIMEOUT_S:
                path.unlink(missing_ok=True)
                report.actions.append(f"removed the stale temporary file {path.relative_to(root)}")
