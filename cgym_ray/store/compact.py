"""Compaction: many small files of a run become a few large sorted ones.

Writers flush every few seconds, so a long run leaves hundreds of small files.
Compaction reads a group of them, sorts by benchmark, episode and step (so
row-group statistics prune per-benchmark reads), writes one file and commits
"add the new file, remove the old ones" as one entry. The new file's metadata
names its sources, so `repair` can tell a finished compaction from an
unfinished one even without the log. Only one compaction runs at a time
(`CompactionLock`); writers go on meanwhile: they only ever add new files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cgym_ray.store.files import write_data_file
from cgym_ray.store.leases import CompactionLock
from cgym_ray.store.log import CommitLog, FileEntry
from cgym_ray.store.records import new_id
from cgym_ray.store.schema import SCHEMAS, SORT_KEYS

TARGET_ROWS = 1_000_000  # a compacted steps file: ~10-60 MB with observations


@dataclass
class CompactionReport:
    files_before: int = 0
    files_after: int = 0
    rows: int = 0
    log_entries_folded: int = 0
    written: list[str] = field(default_factory=list)

    def message(self) -> str:
        return (
            f"compacted {self.files_before} files into {self.files_after} ({self.rows} rows); "
            f"folded {self.log_entries_folded} commit log entries into one"
        )


def _groups(files: list[FileEntry], target_rows: int) -> list[list[FileEntry]]:
    """Consecutive small files, packed into groups of at most `target_rows` rows."""
    groups: list[list[FileEntry]] = [[]]
    rows = 0
    for item in files:
        if item.rows >= target_rows // 2:
            continue  # already large
        if rows + item.rows > target_rows and groups[-1]:
            groups.append([])
            rows = 0
        groups[-1].append(item)
        rows += item.rows
    return [group for group in groups if len(group) >= 2]


def compact(
    root: Path, log: CommitLog, run_id: str | None = None, target_rows: int = TARGET_ROWS
) -> CompactionReport:
    """Compact the small files of one run (or of every run) and checkpoint the commit log."""
    report = CompactionReport()
    with CompactionLock(root):
        log.refresh()
        by_partition: dict[tuple[str, str], list[FileEntry]] = defaultdict(list)
        for item in log.live().values():
            if item.table != "runs" and (run_id is None or item.run_id == run_id):
                by_partition[(item.table, item.run_id)].append(item)
        for (table_name, partition_run), files in sorted(by_partition.items()):
            for group in _groups(sorted(files, key=lambda item: item.path), target_rows):
                table = pa.concat_tables(
                    [pq.read_table(root / item.path, schema=SCHEMAS[table_name]) for item in group]
                ).sort_by(SORT_KEYS[table_name])
                table = table.replace_schema_metadata(SCHEMAS[table_name].metadata)
                sources = [item.path for item in group]
                written = write_data_file(
                    root,
                    table_name,
                    partition_run,
                    f"compact-{new_id()}.parquet",
                    table,
                    metadata={"cgym.sources": json.dumps(sources)},
                )
                log.commit("compact", add=[written], remove=sources)
                for source in sources:  # readers mid-scan retry on a missing file
                    (root / source).unlink(missing_ok=True)
                report.files_before += len(group)
                report.files_after += 1
                report.rows += table.num_rows
                report.written.append(written.path)
        report.log_entries_folded = log.checkpoint()
    return report
