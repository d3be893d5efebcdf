"""The same job on a 3-node cluster undisturbed, with a worker node killed, and with the head killed.

    scripts/bench cluster_faults [--seconds 8] [--kill-after 20] [--output results/cluster.md]

Each case is `scripts/cluster-fault-smoke --measure CASE`: its own three-node Ray
cluster (head + 2 workers, 1 CPU each, token auth) in private network and PID
namespaces, running configs/quickstart.yaml (24 tasks, 3 actors) submitted with
`cgym-ray submit`. The three run side by side, so they share the machine's load
alike; the ratios are what to read, not the absolute times.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("none", "worker", "head")


def run_case(case: str, seconds: int, kill_after: int) -> dict:
    time.sleep(40 * CASES.index(case))  # staggered cluster start-ups; the jobs still overlap
    result = subprocess.run(
        [
            str(ROOT / "scripts/cluster-fault-smoke"),
            "--measure",
            case,
            "--kill-after",
            str(kill_after),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CGYM_FAULT_SECONDS": str(seconds)},
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"case {case} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=8, help="budget.seconds of each task")
    parser.add_argument(
        "--kill-after", type=int, default=20, help="seconds into the run before the kill"
    )
    parser.add_argument("--output", default=str(ROOT / "results/cluster.md"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    with ThreadPoolExecutor(len(CASES)) as pool:
        rows = dict(
            zip(
                CASES,
                pool.map(lambda c: run_case(c, args.seconds, args.kill_after), CASES),
                strict=True,
            )
        )
    load_after = os.getloadavg()
    for case, row in rows.items():
        print(case, json.dumps(row), file=sys.stderr)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    base = rows["none"]["submit_s"]

    def ratio(case: str) -> str:
        return f"{rows[case]['submit_s'] / base:.2f}×"

    worker, head = rows["worker"], rows["head"]
    lines = [
        "# Cluster faults: a lost worker node, a lost head",
        "",
        f"Measured by `scripts/bench cluster_faults --seconds {args.seconds} --kill-after {args.kill_after}` "
        f"at commit {commit} on {datetime.date.today().isoformat()}: configs/quickstart.yaml with "
        f"budget.seconds={args.seconds} (24 tasks: 12 benchmarks × greedy, random), submitted with "
        "`cgym-ray submit` to a three-node Ray cluster (head + 2 workers, 1 CPU each, 3 actors, as in "
        "scripts/cluster-smoke), one cluster per case in its own network and PID namespaces. The three "
        f"cases ran side by side on a 2-core machine shared with other work: load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1-minute averages). The kill "
        f"(`kill -9`) came {args.kill_after} s after the job began its run, or later once a search "
        f"was running on that node: the worker node's raylet {worker.get('kill_s_into_run')} s in, the "
        f"head's processes {head.get('kill_s_into_run')} s in. Times are `cgym-ray submit`'s wall "
        "time, from submission to exit.",
        "",
        "| | undisturbed | worker node's raylet killed | head killed |",
        "|---|---|---|---|",
        f"| exit | {rows['none']['exit']} | {worker['exit']} | {head['exit']} |",
        f"| time (s) | {base:.0f} | {worker['submit_s']:.0f} ({ratio('worker')}) | "
        f"{head['submit_s']:.0f} ({ratio('head')}, until submit gave up) |",
        f"| tasks ok / errored | {_tasks(rows['none'])} | {_tasks(worker)} | "
        f"{head.get('run_status') or '-'} |",
        f"| duplicate rows | {rows['none'].get('duplicate_rows')} | {worker.get('duplicate_rows')} | "
        f"{head.get('duplicate_rows')} |",
        f"| traceback printed | {_yes(rows['none'])} | {_yes(worker)} | {_yes(head)} |",
        "",
        "What the pool did when the worker node went: "
        + ("; ".join(worker["pool"]) or "(nothing logged)")
        + ".",
        "",
        "Rows lost with the killed attempt, as the store reports them: "
        + (
            "; ".join(worker["writers_lost"])
            or "no writer died with rows uncommitted "
            "(the actor's writer committed what it had as its process exited)"
        )
        + ".",
        "",
        "What `cgym-ray submit` said when the head went: "
        + (" ".join(head["message"]) or "(nothing)"),
        "",
    ]
    Path(args.output).write_text("\n".join(lines))
    print("\n".join(lines))


def _tasks(row: dict) -> str:
    if "tasks" not in row:
        return "-"
    return f"{row['tasks'] - row['errors']} / {row['errors']}"


def _yes(row: dict) -> str:
    return "yes" if row["traceback"] else "no"


if __name__ == "__main__":
    main()
