"""A job end to end on embedded Ray: progress, summary table, JSON, store."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pyarrow.dataset as ds
import pytest

pytestmark = pytest.mark.slow  # Ray (scripts/test --fast skips it)


def test_search_job_end_to_end(tmp_path):
    job = tmp_path / "job.yaml"
    job.write_text(
        textwrap.dedent(f"""\
        kind: search
        name: e2e
        env: {{id: llvm-ic-v0}}
        benchmarks:
          uris: [benchmark://cgym-suite-v0/crc32, benchmark://cgym-suite-v0/lzw]
        agents:
          - {{name: greedy}}
          - {{name: random, params: {{patience: 10}}}}
        budget: {{steps: 150}}
        ray: {{num_cpus: 2}}
        store: {{path: {tmp_path / "store"}}}
        output: {{dir: {tmp_path / "out"}}}
        """)
    )
    summary_path = tmp_path / "summary.json"
    result = subprocess.run(
        [sys.executable, "-m", "cgym_ray", "run", str(job), "--summary-json", str(summary_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[4/4]" in result.stderr and "steps/s" in result.stderr  # progress lines
    assert "geomean reward" in result.stdout and "crc32" in result.stdout
    summary = json.loads(summary_path.read_text())
    assert {"run_id", "store", "steps", "episodes", "steps_per_second", "benchmarks"} <= set(
        summary
    )
    for entry in summary["benchmarks"].values():
        assert entry["best_reward"] > 0 and entry["best_commandline"]
    steps = ds.dataset(tmp_path / "store" / "steps", partitioning="hive").to_table()
    assert steps.num_rows == summary["steps"]
    # `results show` agrees with the summary: each benchmark's best reward, and the run finished.
    from cgym_ray.store import TrajectoryStore

    store = TrajectoryStore.open(tmp_path / "store", create=False)
    shown = {
        row["benchmark"]: row["best_reward"]
        for row in store.benchmark_summary(summary["run_id"]).to_pylist()
    }
    assert shown == pytest.approx(
        {uri: entry["best_reward"] for uri, entry in summary["benchmarks"].items()}
    )
    assert store.run_status(summary["run_id"]).describe() == "finished: 4 of 4 tasks done"
