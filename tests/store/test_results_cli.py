"""`cgym-ray results ...`: tables, SQL, exit status 2 for usage errors and 1 for a broken store."""

from __future__ import annotations

import argparse
import json

import pytest

from cgym_ray.cli.results_commands import register

from .conftest import CRC32, DIJKSTRA, record_episode


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="cgym-ray")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["results", *argv])
    return args.handler(args)


@pytest.fixture
def recorded(store, run_id):
    with store.writer(run_id) as writer:
        for seed in range(2):
            record_episode(writer, CRC32, num_steps=5, seed=seed)
        record_episode(writer, DIJKSTRA, num_steps=3, seed=4)
    return store


def test_list_shows_each_run_with_its_summary(recorded, run_id, capsys):
    assert cli("list", "--store", str(recorded.root)) == 0
    out = capsys.readouterr().out
    assert run_id in out and "unit" in out and "best_reward" in out
    assert cli("list", "--store", str(recorded.root), "--format", "json") == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["episodes"] == 3 and row["steps"] == 13


def test_show_prints_a_per_benchmark_table(recorded, run_id, capsys):
    assert cli("show", run_id[:5], "--store", str(recorded.root)) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("benchmark://")]
    assert [line.split()[0] for line in lines] == [CRC32, DIJKSTRA]
    assert "steps_of_best" in out and "walltime_s" in out


def test_query_runs_sql_over_the_views(recorded, capsys, monkeypatch):
    monkeypatch.setenv("CGYM_STORE", str(recorded.root))  # the default --store
    sql = "SELECT benchmark, count(*) AS n FROM steps GROUP BY ALL ORDER BY 1"
    assert cli("query", sql, "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines() == ["benchmark,n", f"{CRC32},10", f"{DIJKSTRA},3"]


def test_every_command_has_help_with_an_example(capsys):
    for command in ("list", "show", "query", "repair", "compact", "export"):
        with pytest.raises(SystemExit) as exit_info:
            cli(command, "--help")
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert "example:" in out and "cgym-ray results" in out and "--store" in out


def test_usage_errors_exit_2(recorded, tmp_path, capsys):
    assert cli("list", "--store", str(tmp_path / "nowhere")) == 2
    assert "no trajectory store" in capsys.readouterr().err
    assert cli("show", "no-such-run", "--store", str(recorded.root)) == 2
    assert "no run 'no-such-run'" in capsys.readouterr().err
    assert cli("query", "SELEC 1", "--store", str(recorded.root)) == 2
    assert "syntax error" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli("show")  # missing RUN
    assert exit_info.value.code == 2


def test_broken_store_exits_1_naming_the_repair_which_then_works(recorded, capsys):
    (recorded.root / "store.json").unlink()
    assert cli("list", "--store", str(recorded.root)) == 1
    err = capsys.readouterr().err
    assert f"cgym-ray results repair --store {recorded.root}" in err and "Traceback" not in err
    assert cli("repair", "--store", str(recorded.root)) == 0
    assert "manifest" in capsys.readouterr().out
    assert cli("list", "--store", str(recorded.root)) == 0


def test_compact_and_export(recorded, run_id, tmp_path, capsys):
    assert cli("compact", "--store", str(recorded.root)) == 0
    assert "compacted" in capsys.readouterr().out
    target = tmp_path / "state.csv"
    assert (
        cli(
            "export", "compilergym-csv", str(target), "--run", run_id, "--store", str(recorded.root)
        )
        == 0
    )
    assert len(target.read_text().splitlines()) == 4
    assert cli("export", "rllib", str(tmp_path / "rl"), "--store", str(recorded.root)) == 0
    assert (tmp_path / "rl" / "transitions.parquet").exists()


def test_query_that_would_write_a_file_exits_2_and_writes_nothing(recorded, tmp_path, capsys):
    target = tmp_path / "copied.csv"
    manifest = (recorded.root / "store.json").read_bytes()
    sql = f"COPY (SELECT * FROM steps) TO '{target}'"
    assert cli("query", sql, "--store", str(recorded.root)) == 2
    assert "read-only" in capsys.readouterr().err
    assert not target.exists() and (recorded.root / "store.json").read_bytes() == manifest
