"""A job's summary keeps what each task's line said beside its reward."""

from __future__ import annotations

import json

from cgym_ray.distributed.tasks import SearchTask, TaskResult
from cgym_ray.jobs.runner import summarize

RIJNDAEL = "benchmark://cbench-src-v1/rijndael"
CRC32 = "benchmark://cgym-suite-v0/crc32"


def task(benchmark: str, agent: str, seed: int) -> SearchTask:
    return SearchTask(f"{agent}-{seed}", benchmark, agent, seed)


def test_the_summary_keeps_each_tasks_note_and_error():
    refused = "1 best(s) refused by the behaviour check; first: output file output.dec differs"
    results = [
        TaskResult(task(RIJNDAEL, "list_chooser", 0), "ok", 0.8069, "sroa", note=refused),
        TaskResult(task(RIJNDAEL, "greedy", 0), "ok", 0.99, "Oz"),
        TaskResult(task(CRC32, "random", 1), "error", error="CompilerCrash: abort in gvn"),
    ]
    summary = summarize(results, "run", "store", 1.0, episodes=2, steps=3)
    entry = summary.benchmarks[RIJNDAEL]
    # The best is the greedy task's; the refused bests of the other task are still said.
    assert entry["best_agent"] == "greedy" and entry["best_reward"] == 0.99
    assert entry["notes"] == [{"agent": "list_chooser", "seed": 0, "status": "ok", "note": refused}]
    assert summary.benchmarks[CRC32]["notes"] == [
        {"agent": "random", "seed": 1, "status": "error", "note": "CompilerCrash: abort in gvn"}
    ]
    # ...and they reach summary.json, which is plain JSON.
    assert json.loads(json.dumps(summary.to_json()))["benchmarks"][CRC32]["notes"][0]["seed"] == 1


def test_a_task_that_said_nothing_adds_no_notes():
    results = [TaskResult(task(CRC32, "greedy", 0), "ok", 1.01, "Oz")]
    assert "notes" not in summarize(results, "run", "store", 1.0, 1, 1).benchmarks[CRC32]
