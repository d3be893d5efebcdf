"""SQL over the store with DuckDB: the committed files as views, and the summaries the CLI prints.

The connection can read the store and nothing else. pyarrow reads the
committed files and DuckDB scans the Arrow datasets it is handed, so DuckDB
itself needs no file access at all, and it has none: external access is off
(no COPY TO, ATTACH, INSTALL/LOAD, read_csv or glob of any path, no spilling
to a temporary directory) and the configuration is locked so a query cannot
turn it back on. `allowed_directories`/`allowed_paths` would not do: on DuckDB
2.0 they grant writing as well as reading, so `COPY ... TO` could overwrite
the store's own files. `run_statement` also accepts a single read-only
statement only, checked by DuckDB's parser.

Views: `runs`, `steps`, `episodes` (the tables, committed files only) and
`transitions` (one row per step in RLlib's offline column names: eps_id, obs,
actions, rewards, new_obs, terminateds, truncateds, t; `obs` is the previous
step's observation, or the episode's initial observation at t = 0; `obs_graph`
and `new_obs_graph` the same for recorded program graphs).

    >>> store.query("SELECT benchmark, max(reward) FROM episodes GROUP BY ALL")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as ds

from cgym_ray.store.errors import QueryError
from cgym_ray.store.log import CommitLog
from cgym_ray.store.schema import SCHEMAS, TABLES

# In this order: the temporary directory and Python scans must be set before access is cut off.
LOCKDOWN = (
    "SET temp_directory = ''",
    "SET python_enable_replacements = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)
READ_ONLY_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)

TRANSITIONS_VIEW = """
CREATE VIEW transitions AS
SELECT
    s.run_id,
    s.benchmark,
    s.episode_id AS eps_id,
    COALESCE(LAG(s.observation) OVER w, e.initial_observation) AS obs,
    s.action AS actions,
    s.reward AS rewards,
    s.observation AS new_obs,
    s.terminated AS terminateds,
    s.truncated AS truncateds,
    s.step AS t,
    COALESCE(LAG(s.observation_graph) OVER w, e.initial_observation_graph) AS obs_graph,
    s.observation_graph AS new_obs_graph
FROM steps AS s
LEFT JOIN episodes AS e ON s.run_id = e.run_id AND s.episode_id = e.episode_id
WINDOW w AS (PARTITION BY s.run_id, s.episode_id ORDER BY s.step)
"""

RUN_SUMMARIES = """
WITH step_counts AS (SELECT run_id, count(*) AS steps FROM steps GROUP BY run_id),
episode_stats AS (
    SELECT
        run_id,
        count(*) AS episodes,
        count(DISTINCT benchmark) AS benchmarks,
        string_agg(DISTINCT agent, ',' ORDER BY agent) AS agents,
        max(reward) AS best_reward,
        avg(reward) AS mean_reward,
        count(*) FILTER (WHERE status <> 'ok') AS failed,
        sum(walltime_s) AS walltime_s
    FROM episodes GROUP BY run_id
)
SELECT
    r.run_id, r.name, r.created_at,
    coalesce(e.episodes, 0) AS episodes,
    coalesce(s.steps, 0) AS steps,
    coalesce(e.benchmarks, 0) AS benchmarks,
    e.agents, e.best_reward, e.mean_reward,
    coalesce(e.failed, 0) AS failed,
    e.walltime_s
FROM runs AS r
LEFT JOIN episode_stats AS e USING (run_id)
LEFT JOIN step_counts AS s USING (run_id)
ORDER BY r.created_at, r.run_id
"""

# A search's best result may be a prefix of an episode (it keeps the best state it passed
# through, the unoptimised program included), so an episode's best is the best of its
# prefixes: reward 0 before any step, then each step's cumulative reward. This is the
# best reward the job's summary reports.
BENCHMARK_SUMMARY = """
WITH best_step AS (
    SELECT
        episode_id,
        max(cumulative_reward) AS reward,
        arg_max(step + 1, cumulative_reward) AS steps,
        arg_max(instruction_count, cumulative_reward) AS instructions
    FROM steps WHERE run_id = $run_id GROUP BY episode_id
),
scored AS (
    SELECT
        e.*,
        CASE WHEN e.status = 'ok' THEN greatest(0.0, e.reward, coalesce(b.reward, 0.0)) END AS best,
        CASE
            WHEN b.reward IS NOT NULL AND b.reward > greatest(0.0, e.reward) THEN b.steps
            WHEN e.reward > 0.0 THEN e.num_steps
            ELSE 0
        END AS best_steps,
        CASE
            WHEN b.reward IS NOT NULL AND b.reward > greatest(0.0, e.reward) THEN b.instructions
            WHEN e.reward > 0.0 THEN e.instruction_count_final
            ELSE e.instruction_count_o0
        END AS best_instructions
    FROM episodes AS e LEFT JOIN best_step AS b USING (episode_id)
    WHERE e.run_id = $run_id
)
SELECT
    benchmark,
    count(*) AS episodes,
    max(best) AS best_reward,
    arg_max(best_steps, best) AS steps_of_best,
    arg_max(best_instructions, best) AS instructions_of_best,
    any_value(instruction_count_oz) AS instructions_oz,
    sum(num_steps)::BIGINT AS steps,
    sum(walltime_s) AS walltime_s,
    count(*) FILTER (WHERE status <> 'ok') AS failed
FROM scored
GROUP BY benchmark
ORDER BY benchmark
"""

UNFINISHED_EPISODES = """
SELECT count(DISTINCT s.episode_id) AS episodes, count(*) AS steps
FROM steps AS s ANTI JOIN episodes AS e ON s.run_id = e.run_id AND s.episode_id = e.episode_id
WHERE s.run_id = $run_id
"""


def connect(root: Path, log: CommitLog) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection, with no file access, over the store's committed files."""
    connection = duckdb.connect()
    for table in TABLES:
        files = [str(root / item.path) for item in log.files(table)]
        # The table's schema: files written before a column existed read it as nulls.
        connection.register(table, ds.dataset(files, schema=SCHEMAS[table], format="parquet"))
    connection.execute(TRANSITIONS_VIEW)
    for setting in LOCKDOWN:
        connection.execute(setting)
    return connection


def run_statement(
    connection: duckdb.DuckDBPyConnection, statement: str, parameters: Mapping[str, Any] | None
) -> duckdb.DuckDBPyRelation | None:
    """Run exactly one read-only statement (SELECT, WITH, DESCRIBE, SUMMARIZE, EXPLAIN)."""
    try:
        statements = duckdb.extract_statements(statement)
    except duckdb.Error as error:
        raise QueryError(str(error).strip()) from None
    if len(statements) != 1:
        raise QueryError(f"give one SQL statement, not {len(statements)}")
    if statements[0].type not in READ_ONLY_STATEMENTS:
        kind = statements[0].type.name
        raise QueryError(
            f"the store is queried read-only: a {kind} statement is refused (SELECT, WITH, "
            "DESCRIBE, SUMMARIZE and EXPLAIN are accepted); export data with `cgym-ray results "
            "export` or from the Python result"
        )
    return connection.sql(statement, params=parameters or None)
