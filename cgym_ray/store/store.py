"""`TrajectoryStore`: open a store, describe runs, hand out writers, read and query.

>>> store = TrajectoryStore.open("store")  # doctest: +SKIP
>>> run_id = store.begin_run(config={"agent": "random"}, name="random-crc32")  # doctest: +SKIP
>>> with store.writer(run_id) as writer:  # doctest: +SKIP
...     writer.add_step(StepRecord(...))
>>> store.episodes(run_id=run_id).to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from cgym_ray.store import compact as compaction
from cgym_ray.store import query as sql
from cgym_ray.store.errors import (
    QueryError,
    StoreCorrupted,
    StoreError,
    StoreNotFound,
    UnknownRun,
    repair_hint,
)
from cgym_ray.store.files import write_data_file
from cgym_ray.store.leases import open_leases
from cgym_ray.store.log import LOG_DIR, CommitLog
from cgym_ray.store.provenance import describe_run
from cgym_ray.store.records import new_id
from cgym_ray.store.recovery import (
    MANIFEST,
    DeadWriter,
    RepairReport,
    read_manifest,
    recover_dead_writers,
    recovered_writers,
    repair_store,
    write_manifest,
)
from cgym_ray.store.run_status import RunStatus, mark_interrupted, read_run_status
from cgym_ray.store.schema import RUNS_SCHEMA, SCHEMAS, TABLES, records_to_table
from cgym_ray.store.writer import TrajectoryWriter

DEFAULT_PATH_VARIABLE = "CGYM_STORE"
# Every flush of every writer adds a log entry; past this many, an open folds them into one.
CHECKPOINT_AFTER_ENTRIES = 1000
_STORE_MARKERS = (MANIFEST, LOG_DIR, "steps", "episodes", "runs")

logger = logging.getLogger("cgym_ray.store")
T = TypeVar("T")
# Errors of reading a file (missing, replaced by compaction, damaged), as opposed to a bad query.
_READ_ERRORS = (OSError, pa.ArrowException, duckdb.IOException, duckdb.InvalidInputException)
Filter = str | Sequence[str] | None


def default_store_path() -> Path:
    """`$CGYM_STORE`, else `./store`."""
    return Path(os.environ.get(DEFAULT_PATH_VARIABLE) or "store")


class TrajectoryStore:
    """A directory of Parquet trajectories; see the package docstring for its layout."""

    def __init__(self, root: Path, log: CommitLog, dead_writers: list[DeadWriter]) -> None:
        self.root = root
        self._log = log
        self.dead_writers = dead_writers  # found and cleaned up by this open

    # Opening -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        create: bool = True,
        recover: bool = True,
        known_dead: Sequence[str] = (),
    ) -> TrajectoryStore:
        """Open the store at `path` (default: `default_store_path()`), creating it if missing.

        Cleans up after writers that died (`dead_writers` says what they lost),
        and after the writers in `known_dead` (ids of writers whose process the
        caller knows is gone, e.g. on a lost node, before their lease goes stale).
        Raises `StoreCorrupted` or `StoreVersionError` with what to do.
        """
        root = Path(path) if path is not None else default_store_path()
        if not (root / MANIFEST).exists():
            cls._create(root, create)
        read_manifest(root)
        log = CommitLog(root)
        log.refresh()
        dead: list[DeadWriter] = []
        if recover:
            try:
                dead = recover_dead_writers(root, log, known_dead)
                if len(log.entries()) > CHECKPOINT_AFTER_ENTRIES:
                    log.checkpoint()  # safe alongside writers and compaction: see log.py
            except PermissionError as error:  # a read-only store can still be read
                logger.warning("trajectory store %s opened read-only: %s", root, error)
        missing = [item.path for item in log.live().values() if not (root / item.path).exists()]
        if missing:
            raise StoreCorrupted(
                f"{len(missing)} committed file(s) of {root} are missing, e.g. {missing[0]}; "
                f"{repair_hint(root)}"
            )
        return cls(root, log, dead)

    @staticmethod
    def _create(root: Path, create: bool) -> None:
        present = [name for name in _STORE_MARKERS if (root / name).exists()]
        if present:
            raise StoreCorrupted(
                f"{root} has store data ({', '.join(present)}) but no manifest ({MANIFEST}); "
                f"{repair_hint(root)}"
            )
        if root.exists() and any(root.iterdir()):
            raise StoreError(f"{root} is not a trajectory store and not empty; choose another path")
        if not create:
            raise StoreNotFound(
                f"no trajectory store at {root} (give --store PATH or set ${DEFAULT_PATH_VARIABLE})"
            )
        for directory in (LOG_DIR, *TABLES):
            (root / directory).mkdir(parents=True, exist_ok=True)
        write_manifest(root)

    @classmethod
    def repair(cls, path: str | os.PathLike[str]) -> RepairReport:
        """Rebuild what can be rebuilt; the report lists every file whose rows were dropped."""
        root = Path(path)
        if not root.is_dir():
            raise StoreNotFound(f"no trajectory store at {root}")
        return repair_store(root)

    def __reduce__(self) -> tuple[Callable[..., TrajectoryStore], tuple[str, bool]]:
        return TrajectoryStore.open, (str(self.root), False)  # actors reopen by path

    def __repr__(self) -> str:
        return f"TrajectoryStore({str(self.root)!r})"

    # Writing -----------------------------------------------------------------

    def begin_run(
        self, config: Mapping[str, Any] | None = None, name: str = "", run_id: str | None = None
    ) -> str:
        """Describe a run once (config, git revision, host, versions); return its id."""
        run_id = run_id or new_id()
        if run_id in self._run_ids():
            raise StoreError(f"run {run_id} already exists in {self.root}")
        record = describe_run(run_id, name, config)
        table = records_to_table([record], RUNS_SCHEMA)
        entry = write_data_file(self.root, "runs", run_id, f"run-{run_id}.parquet", table)
        self._log.commit("run", add=[entry])
        self._log.refresh()
        return run_id

    def writer(self, run_id: str, **options: Any) -> TrajectoryWriter:
        """A writer for one run, for this process or actor only.

        Options: `batch_rows`, `flush_interval_s`, `max_pending_rows`,
        `record_observations`, and `backend`/`llvm_version` to fill steps that leave them empty.
        """
        if run_id not in self._run_ids():
            raise UnknownRun(f"run {run_id} is not in {self.root}; call store.begin_run() first")
        return TrajectoryWriter(self.root, run_id, **options)

    def compact(self, run_id: str | None = None) -> compaction.CompactionReport:
        """Merge small files (of one run, or all) and fold the commit log; safe while writing."""
        return compaction.compact(self.root, self._log, run_id)

    # Reading -----------------------------------------------------------------

    def refresh(self) -> None:
        """See commits made since the last read (reads call this themselves)."""
        self._log.refresh()

    def runs(self) -> pa.Table:
        return self._read("runs", {}, None, None)

    def steps(
        self,
        run_id: Filter = None,
        benchmark: Filter = None,
        episode_id: Filter = None,
        columns: Sequence[str] | None = None,
        filter: pc.Expression | None = None,
    ) -> pa.Table:
        """Committed steps, filtered; each filter is a value or a list of values.

        >>> store.steps(benchmark="benchmark://cgym-suite-v0/crc32",
        ...             columns=["episode_id", "step", "reward"])  # doctest: +SKIP
        """
        filters = {"run_id": run_id, "benchmark": benchmark, "episode_id": episode_id}
        return self._read("steps", filters, columns, filter)

    def episodes(
        self,
        run_id: Filter = None,
        benchmark: Filter = None,
        episode_id: Filter = None,
        agent: Filter = None,
        status: Filter = None,
        columns: Sequence[str] | None = None,
        filter: pc.Expression | None = None,
    ) -> pa.Table:
        """Committed episodes, filtered like `steps`."""
        filters = {
            "run_id": run_id,
            "benchmark": benchmark,
            "episode_id": episode_id,
            "agent": agent,
            "status": status,
        }
        return self._read("episodes", filters, columns, filter)

    def dataset(self, table: str, run_id: Filter = None) -> ds.Dataset:
        """A pyarrow dataset over the committed files of one table (for streaming reads)."""
        self._log.refresh()
        runs = None if run_id is None else set(_values(run_id))
        files = [str(self.root / item.path) for item in self._log.files(table, runs)]
        return ds.dataset(files, schema=SCHEMAS[table], format="parquet")

    def _read(
        self,
        table: str,
        filters: Mapping[str, Filter],
        columns: Sequence[str] | None,
        extra: pc.Expression | None,
    ) -> pa.Table:
        expression = extra
        for column, value in filters.items():
            if value is not None:
                values = _values(value)
                term = (
                    pc.field(column).isin(values)
                    if len(values) > 1
                    else (pc.field(column) == values[0])
                )
                expression = term if expression is None else expression & term
        unknown = set(columns or ()) - set(SCHEMAS[table].names)
        if unknown:
            raise StoreError(f"no column(s) {sorted(unknown)} in {table}: {SCHEMAS[table].names}")

        def read() -> pa.Table:
            dataset = self.dataset(table, filters.get("run_id"))
            return dataset.to_table(columns=list(columns) if columns else None, filter=expression)

        return self._retrying(read)

    def _retrying(self, read: Callable[[], T]) -> T:
        """Run a read; retry once if a compaction replaced files under it; name bad files."""
        try:
            return read()
        except _READ_ERRORS:
            self._log.refresh()
        try:
            return read()
        except _READ_ERRORS as error:
            raise self._diagnose(error) from None

    def _diagnose(self, error: Exception) -> StoreError:
        """The committed file that cannot be read, or the error itself if none is damaged."""
        import pyarrow.parquet as pq

        for item in self._log.live().values():
            try:
                pq.read_metadata(self.root / item.path)
            except Exception as damage:
                return StoreCorrupted(
                    f"{self.root / item.path} ({item.table} of run {item.run_id}) is unreadable "
                    f"({damage}); {repair_hint(self.root)}"
                )
        if isinstance(error, duckdb.Error):
            return QueryError(str(error).strip())
        return StoreCorrupted(f"reading {self.root} failed ({error}); {repair_hint(self.root)}")

    # SQL ---------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with views `runs`, `steps`, `episodes` and `transitions`.

        It can read the store and nothing else (query.py says how).
        """
        self._log.refresh()
        return sql.connect(self.root, self._log)

    def query(self, statement: str, parameters: Mapping[str, Any] | None = None) -> pa.Table:
        """Run one read-only SQL statement over the store; the result as a pyarrow table.

        Anything else (two statements, COPY, ATTACH, INSTALL, reading files
        outside the store) raises `QueryError` and changes nothing.

            >>> store.query("SELECT benchmark, count(*) AS steps FROM steps GROUP BY ALL")  # doctest: +SKIP
        """

        def run() -> pa.Table:
            with self.connect() as connection:
                try:
                    result = sql.run_statement(connection, statement, parameters)
                    return pa.table({}) if result is None else result.to_arrow_table()
                except _READ_ERRORS:
                    raise
                except duckdb.Error as error:
                    raise QueryError(str(error).strip()) from None

        return self._retrying(run)

    def run_summaries(self) -> pa.Table:
        """One row per run: status, episodes, steps, benchmarks, agents, best/mean reward, failures.

        `status` is `finished`, `running` or `interrupted` with the tasks done
        (e.g. `interrupted 7/24`), or null for a run no job driver tracked.
        """
        table = self.query(sql.RUN_SUMMARIES)
        statuses = []
        for run_id in table["run_id"].to_pylist():
            status = read_run_status(self.root, run_id)
            statuses.append(
                None
                if status is None
                else f"{status.effective_state()} {status.tasks_done}/{status.tasks}"
            )
        return table.add_column(3, "status", pa.array(statuses, pa.string()))

    def benchmark_summary(self, run_id: str) -> pa.Table:
        """One row per benchmark of a run: best reward, the steps it took, walltime."""
        return self.query(sql.BENCHMARK_SUMMARY, {"run_id": self.resolve_run(run_id)})

    def run_status(self, run_id: str) -> RunStatus | None:
        """Whether a run finished, is running, or was interrupted (None: not tracked)."""
        return read_run_status(self.root, self.resolve_run(run_id))

    def mark_interrupted(self, run_id: str, reason: str) -> RunStatus | None:
        """Say a run that has not finished was interrupted, and why."""
        return mark_interrupted(self.root, self.resolve_run(run_id), reason)

    def unfinished_episodes(self, run_id: str) -> tuple[int, int]:
        """(episodes, steps) of a run recorded without an episode row (cut short)."""
        row = self.query(sql.UNFINISHED_EPISODES, {"run_id": self.resolve_run(run_id)})
        return int(row["episodes"][0].as_py()), int(row["steps"][0].as_py())

    def resolve_run(self, text: str) -> str:
        """A run id from an id, a unique id prefix, or a unique run name."""
        runs = self._retrying(lambda: self.dataset("runs").to_table(columns=["run_id", "name"]))
        ids, names = runs["run_id"].to_pylist(), runs["name"].to_pylist()
        if text in ids:
            return text
        matches = {i for i, n in zip(ids, names, strict=True) if i.startswith(text) or n == text}
        if len(matches) == 1:
            return matches.pop()
        if not matches:
            raise UnknownRun(f"no run {text!r} in {self.root}; `cgym-ray results list` lists them")
        raise UnknownRun(f"{text!r} matches several runs: {', '.join(sorted(matches))}")

    def _run_ids(self) -> set[str]:
        self._log.refresh()
        return {item.run_id for item in self._log.files("runs")}

    # Health ------------------------------------------------------------------

    def recovered_writers(self) -> list[DeadWriter]:
        """Every writer that died with this store open, and what it lost (oldest first)."""
        return recovered_writers(self.root)

    def open_writers(self) -> list[str]:
        return [lease.describe() for _, lease in open_leases(self.root) if lease.is_alive()]

    # Export ------------------------------------------------------------------

    def export_compilergym_csv(self, path: str | os.PathLike[str], **filters: Filter) -> int:
        """Write CompilerGym's state CSV (benchmark,reward,walltime,commandline); return rows."""
        from cgym_ray.store.export import write_compilergym_csv

        return write_compilergym_csv(self.episodes(**filters), Path(path))

    def export_rllib(self, path: str | os.PathLike[str], **filters: Filter) -> Path:
        """Write transitions in RLlib's offline columns to Parquet; read with `offline_data(input_=)`."""
        from cgym_ray.store.export import write_rllib

        return write_rllib(self, Path(path), **filters)

    def export_minari(self, dataset_id: str, **options: Any) -> Any:
        """Create a Minari dataset (arrow format) from the selected episodes; see export.py."""
        from cgym_ray.store.export import write_minari

        return write_minari(self, dataset_id, **options)


def _values(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
