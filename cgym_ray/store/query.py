"""SQL over the store with DuckDB: the committed files as views, and the summaries the CLI prints.

Views: `runs`, `steps`, `episodes` (the tables, committed files only) and
`transitions` (one row per step in RLlib's offline column names: eps_id, obs,
actions, rewards, new_obs, terminateds, truncateds, t; `obs` is the previous
step's observation, or the episode's initial observation at t = 0).

    >>> store.query("SELECT benchmark, max(reward) FROM episodes GROUP BY ALL")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgym_ray.store.log import CommitLog
from cgym_ray.store.schema import SCHEMAS, TABLES

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
    s.step AS t
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

BENCHMARK_SUMMARY = """
SELECT
    benchmark,
    count(*) AS episodes,
    max(reward) AS best_reward,
    arg_max(num_steps, reward) AS steps_of_best,
    arg_max(instruction_count_final, reward) AS instructions_of_best,
    any_value(instruction_count_oz) AS instructions_oz,
    sum(num_steps)::BIGINT AS steps,
    sum(walltime_s) AS walltime_s,
    count(*) FILTER (WHERE status <> 'ok') AS failed
FROM episodes
WHERE run_id = $run_id
GROUP BY benchmark
ORDER BY benchmark
"""

UNFINISHED_EPISODES = """
SELECT count(DISTINCT s.episode_id) AS episodes, count(*) AS steps
FROM steps AS s ANTI JOIN episodes AS e ON s.run_id = e.run_id AND s.episode_id = e.episode_id
WHERE s.run_id = $run_id
"""


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(root: Path, log: CommitLog) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the store's committed files as views."""
    connection = duckdb.connect()
    for table in TABLES:
        files = [str(root / item.path) for item in log.files(table)]
        if files:
            listing = ", ".join(_sql_string(path) for path in files)
            connection.execute(
                f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listing}], union_by_name=true)"
            )
        else:
            connection.register(f"_empty_{table}", SCHEMAS[table].empty_table())
            connection.execute(f"CREATE VIEW {table} AS SELECT * FROM _empty_{table}")
    connection.execute(TRANSITIONS_VIEW)
    return connection
