"""A writer: buffers records in memory, writes and commits them in the background.

    >>> with store.writer(run_id) as writer:  # doctest: +SKIP
    ...     writer.add_step(StepRecord(...))
    ...     writer.add_episode(EpisodeRecord(...))

`add_step` appends to a list and returns; a background thread turns the
buffer into Parquet files and commits them every `flush_interval_s` seconds or
`batch_rows` steps, whichever comes first. Only that thread (or an explicit
`flush()`) touches the disk. If it falls `max_pending_rows` behind, `add_step`
writes in the caller's thread: memory stays bounded.

One writer per process or Ray actor. It has its own file names and commits on
its own, so any number of writers share a store without locks. After a
`kill -9`, at most the records added since the last commit are lost; the
writer's lease tells the next open how many.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from cgym_ray.faults import store_pause_point
from cgym_ray.store.errors import StoreWriteError
from cgym_ray.store.files import write_data_file
from cgym_ray.store.leases import LIVENESS_RENEW_S, Lease, lease_path, write_lease
from cgym_ray.store.log import CommitLog, FileEntry, WriterProgress
from cgym_ray.store.provenance import package_version
from cgym_ray.store.records import EpisodeRecord, StepRecord, new_id
from cgym_ray.store.schema import EPISODES_SCHEMA, STEPS_SCHEMA, records_to_table

DEFAULT_BATCH_ROWS = 20_000
DEFAULT_FLUSH_INTERVAL_S = 5.0
DEFAULT_MAX_PENDING_ROWS = 200_000
LEASE_RENEW_S = 1.0  # how stale the next open's "rows lost" count can be

_open_writers: weakref.WeakSet[TrajectoryWriter] = weakref.WeakSet()
_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError)


class TrajectoryWriter:
    """Writes one run's steps and episodes. Create with `TrajectoryStore.writer(run_id)`."""

    def __init__(
        self,
        root: Path,
        run_id: str,
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        flush_interval_s: float = DEFAULT_FLUSH_INTERVAL_S,
        max_pending_rows: int = DEFAULT_MAX_PENDING_ROWS,
        record_observations: bool = True,
        backend: str = "",
        llvm_version: str = "",
    ) -> None:
        self.root = root
        self.run_id = run_id
        self.writer_id = new_id()
        self.batch_rows = batch_rows
        self.flush_interval_s = flush_interval_s
        self.max_pending_rows = max(max_pending_rows, batch_rows)
        self.record_observations = record_observations
        self.backend = backend
        self.llvm_version = llvm_version
        self._log = CommitLog(root)
        self._lease = Lease(self.writer_id, run_id)
        self._progress = WriterProgress()
        self._steps: list[StepRecord] = []
        self._episodes: list[EpisodeRecord] = []
        self._lock = threading.Lock()  # the buffers and counters
        self._io_lock = threading.Lock()  # one batch on its way to disk at a time
        self._wake = threading.Event()
        self._stopping = False
        self._closed = False
        self._error: BaseException | None = None
        self._pid = os.getpid()
        write_lease(root, self._lease)  # announce before the first file appears
        self._thread = threading.Thread(
            target=self._background, name=f"cgym-store-writer-{self.writer_id}", daemon=True
        )
        self._thread.start()
        _open_writers.add(self)

    # The step loop's side ----------------------------------------------------

    def add_step(self, step: StepRecord) -> None:
        """Queue one step; returns at once (unless the background writer is far behind)."""
        if self._error is not None:
            self._raise_error()
        with self._lock:
            self._steps.append(step)
            self._lease.steps_added += 1
            pending = len(self._steps)
        if pending >= self.batch_rows:
            if pending >= self.max_pending_rows:
                self._write_pending()  # backpressure: the disk is not keeping up
            else:
                self._wake.set()

    def add_episode(self, episode: EpisodeRecord) -> None:
        """Queue one finished episode (add it after its steps)."""
        if self._error is not None:
            self._raise_error()
        if episode.started_at is None:
            episode.started_at = datetime.now(UTC) - timedelta(seconds=episode.walltime_s)
        if not episode.package_version:
            episode.package_version = package_version()
        episode.backend = episode.backend or self.backend
        episode.llvm_version = episode.llvm_version or self.llvm_version
        with self._lock:
            self._episodes.append(episode)
            self._lease.episodes_added += 1

    def flush(self) -> None:
        """Write and commit everything added so far; on return it is in the store."""
        self._check_process()
        self._write_pending()
        self._renew_lease()
        if self._error is not None:
            self._raise_error()

    def close(self) -> None:
        """Flush, stop the background thread and withdraw the lease. Safe to call twice."""
        if self._closed or os.getpid() != self._pid:
            return
        self._stopping = True
        self._wake.set()
        self._thread.join()
        self._closed = True
        _open_writers.discard(self)
        try:
            self._write_pending()  # raises if the last batch cannot be written: the lease stays
            if self._error is not None:
                self._renew_lease()
                self._raise_error()
            lease_path(self.root, self.writer_id).unlink(missing_ok=True)
        finally:
            self._error = StoreWriteError(f"writer {self.writer_id} is closed")

    def __enter__(self) -> TrajectoryWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __reduce__(self) -> Any:
        raise TypeError(
            "a TrajectoryWriter cannot be pickled: pass the store (or its path) to the actor "
            "and create the writer there with store.writer(run_id)"
        )

    @property
    def stats(self) -> dict[str, int]:
        """Rows added and committed so far, and batches (commits) written."""
        return {
            "steps_added": self._lease.steps_added,
            "episodes_added": self._lease.episodes_added,
            "steps_committed": self._progress.steps,
            "episodes_committed": self._progress.episodes,
            "commits": self._progress.seq,
        }

    # The background's side ---------------------------------------------------

    def _background(self) -> None:
        last_flush = time.monotonic()
        last_renewal = last_flush
        renewed_counts = self._lease_counts()
        while not self._stopping:
            self._wake.wait(timeout=min(LEASE_RENEW_S, self.flush_interval_s))
            self._wake.clear()
            if self._stopping:
                break
            now = time.monotonic()
            pending = len(self._steps) + len(self._episodes)
            overdue = pending and now - last_flush >= self.flush_interval_s
            if pending >= self.batch_rows or overdue:
                try:
                    self._write_pending()
                except Exception as error:  # kept for the caller's next call
                    self._error = error
                last_flush = now
            counts = self._lease_counts()
            if counts != renewed_counts or now - last_renewal >= LIVENESS_RENEW_S:
                self._renew_lease()
                renewed_counts, last_renewal = counts, now

    def _lease_counts(self) -> tuple[int, int, int]:
        return (self._lease.steps_added, self._lease.episodes_added, self._progress.seq)

    def _renew_lease(self) -> None:
        self._lease.steps_committed = self._progress.steps
        self._lease.episodes_committed = self._progress.episodes
        try:
            write_lease(self.root, self._lease)
        except OSError:
            pass  # informational only; the next renewal tries again

    def _write_pending(self) -> None:
        with self._io_lock:
            with self._lock:
                steps, self._steps = self._steps, []
                episodes, self._episodes = self._episodes, []
            if not steps and not episodes:
                return
            try:
                self._write_batch(steps, episodes)
            except BaseException as error:
                with self._lock:  # keep the batch for the next try
                    self._steps[:0] = steps
                    self._episodes[:0] = episodes
                if isinstance(error, OSError):
                    raise StoreWriteError(
                        f"could not write a batch of {len(steps)} steps and {len(episodes)} "
                        f"episodes to {self.root} ({error}); it is kept in memory and retried"
                    ) from error
                raise

    def _write_batch(self, steps: list[StepRecord], episodes: list[EpisodeRecord]) -> None:
        seq = self._progress.seq + 1
        store_pause_point("before_write", seq)
        name = f"part-{self.writer_id}-{seq:08d}.parquet"
        metadata = {"cgym.writer": self.writer_id, "cgym.seq": str(seq)}
        step_table = self._convert(steps, STEPS_SCHEMA, self._step_fill())
        episode_table = self._convert(episodes, EPISODES_SCHEMA, {"run_id": self._run_ids})
        added: list[FileEntry] = []
        for table_name, table in (("steps", step_table), ("episodes", episode_table)):
            if table.num_rows:
                added.append(
                    write_data_file(self.root, table_name, self.run_id, name, table, metadata)
                )
        store_pause_point("before_commit", seq)
        progress = WriterProgress(
            seq,
            self._progress.steps + step_table.num_rows,
            self._progress.episodes + episode_table.num_rows,
        )
        if added:
            self._log.commit("append", add=added, writer_id=self.writer_id, progress=progress)
        self._progress = progress
        store_pause_point("after_commit", seq)

    def _step_fill(self) -> dict[str, Callable[[list[Any]], list[Any]]]:
        fill: dict[str, Callable[[list[Any]], list[Any]]] = {"run_id": self._run_ids}
        if not self.record_observations:
            fill["observation"] = lambda values: [None] * len(values)
            fill["observation_graph"] = lambda values: [None] * len(values)
        if self.backend:
            fill["backend"] = lambda values: [value or self.backend for value in values]
        if self.llvm_version:
            fill["llvm_version"] = lambda values: [value or self.llvm_version for value in values]
        return fill

    def _run_ids(self, values: list[str]) -> list[str]:
        if any(value and value != self.run_id for value in values):
            raise ValueError(f"record belongs to another run than this writer's ({self.run_id})")
        return [self.run_id] * len(values)

    def _convert(
        self, records: Sequence[Any], schema: pa.Schema, fill: dict[str, Callable]
    ) -> pa.Table:
        """The records as a table; records that do not fit the schema are left out, loudly."""
        try:
            return records_to_table(records, schema, fill)
        except _CONVERSION_ERRORS:
            pass
        good, bad = [], []
        for record in records:
            try:
                records_to_table([record], schema, fill)
                good.append(record)
            except _CONVERSION_ERRORS as error:
                bad.append((record, error))
        self._error = StoreWriteError(
            f"{len(bad)} record(s) were not stored because they do not fit the schema; "
            f"the first: {bad[0][0]!r}: {bad[0][1]}"
        )
        return records_to_table(good, schema, fill)

    def _raise_error(self) -> None:
        error = self._error
        if not self._closed:
            self._error = None
        if isinstance(error, StoreWriteError):
            raise error
        raise StoreWriteError(f"writing to {self.root} failed: {error}") from error

    def _check_process(self) -> None:
        if os.getpid() != self._pid:
            raise StoreWriteError(
                f"this writer belongs to pid {self._pid}; a forked process must create its own "
                "with store.writer(run_id)"
            )


def _close_open_writers() -> None:
    for writer in list(_open_writers):
        try:
            writer.close()
        except Exception as error:  # at exit there is no caller left to raise to
            print(f"cgym-ray store: {error}", file=sys.stderr)


def _forget_parent_writers() -> None:
    for writer in list(_open_writers):  # the parent's buffers are the parent's to write
        writer._error = StoreWriteError(
            f"this writer belongs to pid {writer._pid}; a forked process must create its own "
            "with store.writer(run_id)"
        )
    _open_writers.clear()


atexit.register(_close_open_writers)
os.register_at_fork(after_in_child=_forget_parent_writers)
