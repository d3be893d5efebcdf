"""The trajectory store: every step and episode of every run, as Parquet, queryable with SQL.

    >>> from cgym_ray.store import TrajectoryStore, StepRecord, EpisodeRecord
    >>> store = TrajectoryStore.open("store")  # doctest: +SKIP
    >>> run_id = store.begin_run(config={"agent": "random"}, name="random-crc32")  # doctest: +SKIP
    >>> writer = store.writer(run_id)  # doctest: +SKIP
    >>> writer.add_step(StepRecord(...)); writer.add_episode(EpisodeRecord(...))  # doctest: +SKIP
    >>> writer.close()  # doctest: +SKIP
    >>> store.query("SELECT benchmark, max(reward) FROM episodes GROUP BY ALL")  # doctest: +SKIP

Layout. A store is a directory: `store.json` (format, schema version),
`_log/` (the commit log), and three Parquet datasets `runs/`, `steps/`,
`episodes/`, Hive-partitioned by run (`steps/run_id=<id>/*.parquet`). Columns
are in `schema.py`; a plain `pyarrow.dataset.dataset("store/steps",
partitioning="hive")` or DuckDB `read_parquet('store/steps/*/*.parquet')` reads
them. Runs are only partitioned by run: partitioning steps by benchmark too
would multiply the number of small files by the number of benchmarks a writer
visits between flushes; compaction sorts by benchmark instead, so row-group
statistics skip other benchmarks' rows.

Observations. A step's `observation` (list<float32>) and an episode's
`initial_observation` are filled only when the job asks (`store:
{observations: [Autophase]}`); the episode row names the space
(`observation_space`) and holds it as Minari's space JSON
(`observation_space_json`), which the RLlib and Minari exports rebuild it
from. A program graph (`store: {observations: [ProgramlArrays]}`) goes to
columns of its own, `observation_graph` and `initial_observation_graph`: a
struct of Arrow lists, one per node or edge array (`schema.GRAPH_TYPE`), so a
step's graph is a few contiguous arrays, not JSON text (schema version 2).

Concurrency: one writer per process or actor, its own files, an atomic commit.
We chose this over a single writer actor. A writer actor would make every step
loop send its rows over Ray (serialisation and a network hop per batch), make
one actor the throughput bottleneck and a single point of failure for all
recording, and need Ray even in a plain script. Independent writers need
nothing but a shared file system: each writes files whose names contain its
own id and sequence number, so names never collide, and commits them by
creating one uniquely named JSON entry in `_log/` with an atomic rename (a
rename within a directory is atomic on POSIX file systems, NFS included).
No locks are held while writing, so writers never wait for each other; only
compaction and repair take a lock, and writers carry on meanwhile.

Visibility and crashes. A data file is written under a hidden temporary name,
fsynced and renamed, then committed; one commit entry adds a batch's steps
file and episodes file together. Readers through this package (Python, SQL,
CLI) see committed files only. After `kill -9` at any moment: a temporary
file is hidden and removed; a renamed but uncommitted file is complete and its
rows exist nowhere else, so the next open commits it; a commit is all or
nothing. Hence no partial and no duplicate rows, and what is lost is at most
what the killed process had in memory since its last commit. Each writer keeps
a lease (`_writers/`) with what it added and committed; the next open finds
the dead writer's lease and reports how much it lost (`store.dead_writers`,
`store.recovered_writers()`, a warning on the `cgym_ray.store` logger).

Housekeeping. `store.compact()` (`cgym-ray results compact`) merges a run's
small files into large sorted ones and folds the commit log into one entry;
it is safe while writers write. An open that finds more than 1,000 log entries
folds them too.

Plain readers that list the directory themselves also see files between their
rename and their commit (a fraction of a second), and compacted-away files
until compaction deletes them; use this package, or compact before sharing.
"""

from cgym_ray.store.compact import CompactionReport
from cgym_ray.store.errors import (
    ExportError,
    QueryError,
    StoreCorrupted,
    StoreError,
    StoreNotFound,
    StoreVersionError,
    StoreWriteError,
    UnknownRun,
)
from cgym_ray.store.records import EpisodeRecord, RunRecord, StepRecord, new_id
from cgym_ray.store.recovery import DeadWriter, RepairReport
from cgym_ray.store.schema import EPISODES_SCHEMA, RUNS_SCHEMA, SCHEMA_VERSION, STEPS_SCHEMA
from cgym_ray.store.store import TrajectoryStore, default_store_path
from cgym_ray.store.writer import TrajectoryWriter

__all__ = [
    "CompactionReport",
    "DeadWriter",
    "EPISODES_SCHEMA",
    "EpisodeRecord",
    "ExportError",
    "QueryError",
    "RUNS_SCHEMA",
    "RepairReport",
    "RunRecord",
    "SCHEMA_VERSION",
    "STEPS_SCHEMA",
    "StepRecord",
    "StoreCorrupted",
    "StoreError",
    "StoreNotFound",
    "StoreVersionError",
    "StoreWriteError",
    "TrajectoryStore",
    "TrajectoryWriter",
    "UnknownRun",
    "default_store_path",
    "new_id",
]
