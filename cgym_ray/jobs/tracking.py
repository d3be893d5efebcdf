"""A job's run, tracked in the store: `running` with a heartbeat, then `finished` or `interrupted`.

`run_tracked` runs a pool's tasks the way every job runner does, and makes an
interrupted run say so: in the store (`cgym-ray results list` and `show`) and,
if the Ray head goes away, in one line on stderr naming the run and where its
partial results are, with no traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from cgym_ray.distributed import EnvPool, SearchTask, TaskResult
from cgym_ray.distributed.actor import watch_head
from cgym_ray.store.run_status import RunTracker

HEAD_LOST_EXIT = 3


def head_lost_message(address: str, run_id: str, store: str, status=None) -> str:
    done = f" after {status.tasks_done} of {status.tasks} tasks" if status is not None else ""
    return (
        f"cgym-ray: lost the Ray head ({address}): run {run_id} was interrupted{done}; its partial "
        f"results are in {store} (cgym-ray results show {run_id} --store {store})"
    )


def run_tracked(
    pool: EnvPool,
    tasks: Sequence[SearchTask],
    store_root: str,
    run_id: str,
    on_result: Callable[[TaskResult], None] | None = None,
) -> list[TaskResult]:
    """`pool.run(tasks)` with the run's status kept in the store; exits 3 if the Ray head is lost."""
    import ray

    print(f"cgym-ray: run {run_id} recording into {store_root}", file=sys.stderr, flush=True)
    address = ray.get_runtime_context().gcs_address
    with RunTracker(store_root, run_id, len(tasks)) as tracker:

        def head_lost(_address: str) -> None:
            tracker.interrupt(f"the Ray head at {address} was lost")
            print(
                head_lost_message(address, run_id, store_root, tracker.status),
                file=sys.stderr,
                flush=True,
            )
            os._exit(HEAD_LOST_EXIT)

        watching = watch_head(address, head_lost)

        def update(result: TaskResult) -> None:
            tracker.update(result)
            if on_result is not None:
                on_result(result)

        try:
            return pool.run(tasks, on_result=update)
        finally:
            watching.set()  # Ray shuts down at exit; that is no lost head
