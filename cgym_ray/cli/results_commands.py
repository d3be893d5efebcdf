"""`cgym-ray results ...`: the trajectory store from the shell.

Exit status: 0 on success, 2 for a usage error (bad arguments, unknown run, bad
SQL, no store at the path), 1 for a broken store (with the command that repairs it).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

# The store (pyarrow, its dataset layer, pandas, duckdb) is imported by the
# commands that use it, so that every other `cgym-ray` command starts without it.
if TYPE_CHECKING:
    import pyarrow as pa

    from cgym_ray.store import TrajectoryStore


def _handles_store_errors(handler: Callable[[argparse.Namespace], int]):
    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        from cgym_ray.store import QueryError, StoreError, StoreNotFound, UnknownRun

        try:
            return handler(args)
        except (QueryError, StoreNotFound, UnknownRun) as error:
            print(f"cgym-ray results: error: {error}", file=sys.stderr)
            return 2
        except StoreError as error:
            print(f"cgym-ray results: error: {error}", file=sys.stderr)
            return 1

    return wrapped


def _open(args: argparse.Namespace) -> TrajectoryStore:
    from cgym_ray.store import TrajectoryStore, default_store_path

    store = TrajectoryStore.open(args.store or default_store_path(), create=False)
    for writer in store.dead_writers:
        print(f"note: {writer.message()}", file=sys.stderr)
    return store


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return f"[{len(value)} values]"
    return str(value)


def format_table(table: pa.Table, max_width: int = 48) -> str:
    """A plain text table: a header, a rule, one line per row; long cells are cut."""
    rows = [[_cell(value)[:max_width] for value in row.values()] for row in table.to_pylist()]
    header = table.column_names
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(header)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _print(table: pa.Table, output_format: str) -> None:
    if output_format == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(table.column_names)
        out.writerows(row.values() for row in table.to_pylist())
    elif output_format == "json":
        for row in table.to_pylist():
            print(json.dumps(row, default=str))
    else:
        print(format_table(table))


@_handles_store_errors
def list_runs(args: argparse.Namespace) -> int:
    store = _open(args)
    summaries = store.run_summaries()
    if summaries.num_rows == 0 and args.format == "table":
        print(f"no runs in {store.root}")
        return 0
    _print(summaries, args.format)
    return 0


@_handles_store_errors
def show(args: argparse.Namespace) -> int:
    import pyarrow.compute as pc

    store = _open(args)
    run_id = store.resolve_run(args.run)
    summary = store.benchmark_summary(run_id)
    if args.format == "table":
        run = store.runs().filter(pc.field("run_id") == run_id).to_pylist()[0]
        print(f"run {run_id} {run['name'] or ''}".rstrip())
        print(
            f"  created {run['created_at']:%Y-%m-%d %H:%M} on {run['host']}, cgym-ray "
            f"{run['package_version']}, git {(run['git_revision'] or 'unknown')[:12]}"
            f"{' (dirty)' if run['git_dirty'] else ''}"
        )
        status = store.run_status(run_id)
        if status is not None:
            print(f"  {status.describe()}")
        print()
    _print(summary, args.format)
    episodes, steps = store.unfinished_episodes(run_id)
    if episodes and args.format == "table":
        print(f"\nand {steps} steps in {episodes} episode(s) with no episode row (cut short)")
    status = store.run_status(run_id)
    if status is not None and status.effective_state() == "interrupted":
        print(f"note: run {run_id} is incomplete: {status.describe()}", file=sys.stderr)
    return 0


@_handles_store_errors
def query(args: argparse.Namespace) -> int:
    _print(_open(args).query(args.sql), args.format)
    return 0


@_handles_store_errors
def repair(args: argparse.Namespace) -> int:
    from cgym_ray.store import TrajectoryStore, default_store_path

    report = TrajectoryStore.repair(args.store or default_store_path())
    for line in report.lines():
        print(line)
    if report.dropped:
        print(f"\n{len(report.dropped)} file(s) dropped; unreadable ones are kept in _quarantine/")
    return 0


@_handles_store_errors
def compact(args: argparse.Namespace) -> int:
    store = _open(args)
    run_id = store.resolve_run(args.run) if args.run else None
    print(store.compact(run_id).message())
    return 0


@_handles_store_errors
def export(args: argparse.Namespace) -> int:
    store = _open(args)
    filters: dict[str, Any] = {
        "run_id": [store.resolve_run(run) for run in args.run] if args.run else None,
        "benchmark": args.benchmark or None,
    }
    if args.to == "compilergym-csv":
        rows = store.export_compilergym_csv(args.output, **filters)
        print(f"wrote {rows} episodes to {args.output}")
    elif args.to == "rllib":
        print(f"wrote {store.export_rllib(args.output, **filters)}")
    elif args.to == "best":
        from cgym_ray.envs.best_export import export_best

        best = export_best(
            store,
            args.output,
            run_ids=filters["run_id"],
            benchmarks=filters["benchmark"],
            tries=args.tries,
            check_behaviour=not args.no_behaviour,
        )
        for line in best.skipped:
            print(f"skipped {line}", file=sys.stderr)
        print(
            f"wrote the best validated result of {best.rows} programs to {best.parquet} and {best.jsonl}"
        )
    else:
        dataset = store.export_minari(
            args.output, num_actions=args.num_actions, minari_root=args.minari_root, **filters
        )
        print(
            f"created Minari dataset {args.output}: {dataset.total_episodes} episodes, "
            f"{dataset.total_steps} steps"
        )
    return 0


def _add(commands, name: str, help_text: str, examples: list[str], handler):
    parser = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog="example:\n" + "\n".join(f"  {example}" for example in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--store",
        metavar="PATH",
        default=None,
        help="the trajectory store (default: $CGYM_STORE, else ./store)",
    )
    parser.set_defaults(handler=handler)
    return parser


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (json: one object per line)",
    )


def register(commands) -> None:
    parser = commands.add_parser(
        "results", help="recorded trajectories: list runs, show, SQL, export, repair"
    )
    sub = parser.add_subparsers(dest="results_command", metavar="COMMAND", required=True)

    p = _add(sub, "list", "runs with their summaries", ["cgym-ray results list"], list_runs)
    _format_option(p)

    p = _add(
        sub,
        "show",
        "per-benchmark table of a run: best reward, its steps, walltime",
        ["cgym-ray results show 3f2a9c", "cgym-ray results show random-crc32 --format csv"],
        show,
    )
    p.add_argument("run", help="run id, unique id prefix, or run name")
    _format_option(p)

    p = _add(
        sub,
        "query",
        "SQL (DuckDB) over the views runs, steps, episodes, transitions",
        ['cgym-ray results query "SELECT benchmark, max(reward) FROM episodes GROUP BY ALL"'],
        query,
    )
    p.add_argument("sql", help="one SQL statement")
    _format_option(p)

    _add(
        sub,
        "repair",
        "rebuild a damaged store; reports every file it could not keep",
        ["cgym-ray results repair --store ./store"],
        repair,
    )

    p = _add(
        sub,
        "compact",
        "merge small files and fold the commit log (safe while writing)",
        ["cgym-ray results compact", "cgym-ray results compact --run 3f2a9c"],
        compact,
    )
    p.add_argument("--run", help="only this run (default: all)")

    p = _add(
        sub,
        "export",
        "episodes as CompilerGym CSV, RLlib offline Parquet, a Minari dataset, or the best "
        "validated pass list or pipeline per program with its IR (Parquet + JSONL)",
        [
            "cgym-ray results export compilergym-csv random.csv --run 3f2a9c",
            "cgym-ray results export rllib offline/ --benchmark benchmark://cgym-suite-v0/crc32",
            "cgym-ray results export minari cgym/crc32-random-v0 --num-actions 124",
            "cgym-ray results export best best/ --run 3f2a9c   # best/best.parquet, best/best.jsonl",
        ],
        export,
    )
    p.add_argument(
        "to", choices=("compilergym-csv", "rllib", "minari", "best"), help="output format"
    )
    p.add_argument(
        "output", help="CSV file, RLlib directory, Minari dataset id, or best/ directory"
    )
    p.add_argument("--run", action="append", help="a run to export (repeatable; default: all)")
    p.add_argument("--benchmark", action="append", help="a benchmark URI (repeatable)")
    p.add_argument("--num-actions", type=int, help="Minari: size of the Discrete action space")
    p.add_argument("--minari-root", help="Minari: datasets directory (default: Minari's)")
    p.add_argument(
        "--tries",
        type=int,
        default=5,
        help="best: candidates replayed per program before giving up",
    )
    p.add_argument("--no-behaviour", action="store_true", help="best: skip running the programs")
