"""Reading: the Python API with filters, SQL views, and plain pyarrow/DuckDB with no project code."""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pytest

from cgym_ray.store import SCHEMA_VERSION, QueryError, StoreError, TrajectoryStore, UnknownRun

from .conftest import CRC32, DIJKSTRA, OBSERVATION_LENGTH, record_episode

DOCUMENTED_STEP_COLUMNS = {
    "run_id",
    "episode_id",
    "step",
    "benchmark",
    "action",
    "action_name",
    "reward",
    "cumulative_reward",
    "instruction_count",
    "walltime_s",
    "terminated",
    "truncated",
    "error",
    "observation",
}
DOCUMENTED_EPISODE_COLUMNS = {
    "run_id",
    "episode_id",
    "benchmark",
    "agent",
    "seed",
    "num_steps",
    "reward",
    "commandline",
    "instruction_count_final",
    "instruction_count_o0",
    "instruction_count_oz",
    "backend",
    "llvm_version",
    "package_version",
    "started_at",
    "walltime_s",
    "status",
    "error",
    "agent_params",
    "checkpoint",
    "observation_space",
    "initial_observation",
    "observation_space_json",
}


@pytest.fixture
def filled(store, run_id) -> TrajectoryStore:
    with store.writer(run_id, batch_rows=16) as writer:
        for seed in range(3):
            record_episode(writer, CRC32, num_steps=10, seed=seed)
            record_episode(writer, DIJKSTRA, num_steps=5, seed=seed)
    return store


def test_plain_pyarrow_dataset_finds_the_documented_columns(filled):
    import pyarrow.dataset as ds  # no project code below this line

    steps = ds.dataset(filled.root / "steps", format="parquet", partitioning="hive").to_table()
    assert DOCUMENTED_STEP_COLUMNS <= set(steps.column_names)
    assert steps.num_rows == 45
    assert len(steps["observation"][0].as_py()) == OBSERVATION_LENGTH
    episodes = ds.dataset(filled.root / "episodes", partitioning="hive").to_table()
    assert DOCUMENTED_EPISODE_COLUMNS <= set(episodes.column_names)
    runs = ds.dataset(filled.root / "runs", partitioning="hive").to_table()
    assert {"run_id", "config", "git_revision", "host"} <= set(runs.column_names)
    manifest = json.loads((filled.root / "store.json").read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION


def test_plain_duckdb_reads_the_hive_layout(filled):
    import duckdb

    path = filled.root / "steps" / "*" / "*.parquet"
    rows = duckdb.sql(
        f"SELECT benchmark, count(*) FROM read_parquet('{path}', hive_partitioning=true) "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert rows == [(CRC32, 30), (DIJKSTRA, 15)]


def test_filters_and_columns(filled, run_id):
    crc32 = filled.steps(run_id=run_id, benchmark=CRC32, columns=["episode_id", "step", "reward"])
    assert crc32.column_names == ["episode_id", "step", "reward"] and crc32.num_rows == 30
    both = filled.steps(benchmark=[CRC32, DIJKSTRA], filter=pc.field("step") >= 5)
    assert both.num_rows == 15
    episode = filled.episodes(benchmark=DIJKSTRA).to_pandas()
    assert len(episode) == 3 and set(episode["num_steps"]) == {5}
    assert filled.steps(run_id="other-run").num_rows == 0
    with pytest.raises(StoreError, match="no column"):
        filled.steps(columns=["ic2"])


def test_runs_record_config_git_and_host(filled, run_id):
    [run] = filled.runs().to_pylist()
    assert run["run_id"] == run_id and run["name"] == "unit"
    assert json.loads(run["config"]) == {"agent": "random", "steps": 10}
    assert run["host"] and run["package_version"] and run["python_version"]
    assert run["git_revision"] is None or len(run["git_revision"]) == 40


def test_sql_views_over_steps_episodes_runs(filled, run_id):
    table = filled.query(
        "SELECT e.benchmark, count(*) AS steps, max(s.cumulative_reward) AS best "
        "FROM steps s JOIN episodes e USING (run_id, episode_id) JOIN runs r USING (run_id) "
        "GROUP BY ALL ORDER BY 1"
    )
    assert table.column("benchmark").to_pylist() == [CRC32, DIJKSTRA]
    assert table.column("steps").to_pylist() == [30, 15]


def test_transitions_view_pairs_each_observation_with_the_next(filled):
    rows = filled.query(
        "SELECT t, obs, new_obs FROM transitions WHERE eps_id = "
        "(SELECT min(episode_id) FROM episodes) ORDER BY t"
    ).to_pylist()
    initial = filled.query(
        "SELECT initial_observation FROM episodes ORDER BY episode_id LIMIT 1"
    ).to_pylist()[0]["initial_observation"]
    assert rows[0]["obs"] == initial
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["obs"] == before["new_obs"]


def test_summaries(filled, run_id):
    [summary] = filled.run_summaries().to_pylist()
    assert summary["episodes"] == 6 and summary["steps"] == 45 and summary["benchmarks"] == 2
    per_benchmark = {row["benchmark"]: row for row in filled.benchmark_summary(run_id).to_pylist()}
    crc32 = per_benchmark[CRC32]
    assert crc32["episodes"] == 3 and crc32["steps_of_best"] == 10 and crc32["steps"] == 30
    assert crc32["best_reward"] == pytest.approx(sum(s * 0.5 + 2 for s in range(10)))


def test_runs_resolve_by_prefix_and_name(filled, run_id):
    assert filled.resolve_run(run_id[:4]) == run_id
    assert filled.resolve_run("unit") == run_id
    with pytest.raises(UnknownRun):
        filled.resolve_run("zzzz")


def test_bad_sql_is_a_query_error(filled):
    with pytest.raises(QueryError, match="syntax"):
        filled.query("SELEC 1")
    with pytest.raises(QueryError, match="no_such_table"):
        filled.query("SELECT * FROM no_such_table")


def test_empty_store_has_empty_typed_views(store):
    assert store.query("SELECT count(*) AS n FROM steps").to_pylist() == [{"n": 0}]
    assert store.steps().num_rows == 0 and store.run_summaries().num_rows == 0


def _tree(root) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT * FROM steps) TO '{outside}'",
        "COPY (SELECT 1 AS x) TO '{store}/store.json' (FORMAT csv)",
        "COPY (SELECT * FROM steps) TO '{steps_file}' (FORMAT parquet, USE_TMP_FILE false)",
        "EXPORT DATABASE '{store}/exported'",
        "ATTACH '{outside}.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD parquet",
        "CREATE TABLE copied AS SELECT * FROM steps",
        "SET enable_external_access = true",
        "SELECT 1; COPY (SELECT 1) TO '{outside}'",
    ],
)
def test_query_refuses_anything_that_writes_and_writes_nothing(filled, tmp_path, statement):
    outside = tmp_path / "outside.csv"
    [steps_file] = sorted((filled.root / "steps").rglob("*.parquet"))[:1]
    before = _tree(tmp_path)
    with pytest.raises(QueryError):
        filled.query(statement.format(outside=outside, store=filled.root, steps_file=steps_file))
    assert _tree(tmp_path) == before  # the store and its neighbours, byte for byte


@pytest.mark.parametrize(
    "reader",
    [
        "read_csv('/etc/passwd')",
        "read_text('/etc/hostname')",
        "read_parquet('{store}/steps/*/*.parquet')",  # the store's files too: only the views
        "glob('/etc/*')",
    ],
)
def test_query_reads_no_file_itself(filled, reader):
    with pytest.raises(QueryError, match="disabled by configuration"):
        filled.query(f"SELECT * FROM {reader.format(store=filled.root)}")


def test_query_takes_one_statement(filled):
    with pytest.raises(QueryError, match="one SQL statement, not 2"):
        filled.query("SELECT 1; SELECT 2")


def test_read_only_statements_still_work(filled):
    assert filled.query("SELECT count(*) AS n FROM steps").to_pylist() == [{"n": 45}]
    assert "column_name" in filled.query("DESCRIBE episodes").column_names
    summary = filled.query("SUMMARIZE SELECT reward FROM episodes")
    assert summary["column_name"].to_pylist() == ["reward"]
    assert (
        filled.query("WITH e AS (SELECT * FROM episodes) SELECT count(*) AS n FROM e")[0][0].as_py()
        == 6
    )
    assert filled.query("EXPLAIN SELECT * FROM transitions").num_rows >= 1
