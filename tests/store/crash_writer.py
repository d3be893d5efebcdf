"""A writer process for the crash tests: records episodes, says which are committed.

    python -m tests.store.crash_writer STORE RUN_ID INDEX EPISODES STEPS [BATCH_ROWS INTERVAL_S]

Episode j of writer i is "w<i>-e<j>", its rewards `step * 0.5 + i`. After
every third episode it flushes and prints "committed <j>": episodes 0..j are
then in the store. With CGYM_STORE_PAUSE_AT set it stops at that point of a
batch (and prints "paused" on stderr) for the test to kill it.
"""

from __future__ import annotations

import sys

from cgym_ray.store import TrajectoryStore

from .conftest import record_episode


def main(argv: list[str]) -> None:
    root, run_id, index, episodes, steps = argv[:5]
    batch_rows = int(argv[5]) if len(argv) > 5 else 1_000_000
    interval_s = float(argv[6]) if len(argv) > 6 else 3600.0
    store = TrajectoryStore.open(root)
    writer = store.writer(run_id, batch_rows=batch_rows, flush_interval_s=interval_s)
    print("started", flush=True)
    for j in range(int(episodes)):
        record_episode(writer, num_steps=int(steps), seed=int(index), episode_id=f"w{index}-e{j}")
        if j % 3 == 2:
            writer.flush()
            print(f"committed {j}", flush=True)
    writer.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
