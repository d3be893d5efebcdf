"""What the cost benchmarks share: per-sample summaries, and measuring a program in its own process."""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Callable
from typing import Any


def p90(values: list[float]) -> float:
    """The 90th percentile, as the nearest sample below it (the method of results/compiler.md)."""
    return sorted(values)[int(0.9 * (len(values) - 1))]


def median_and_p90(samples: dict[str, list[float]]) -> dict[str, float]:
    """`{key: median, key_p90: p90}` of each series of samples."""
    return {key: statistics.median(values) for key, values in samples.items()} | {
        f"{key}_p90": p90(values) for key, values in samples.items()
    }


def _child(queue, function: Callable[..., Any], *args: Any) -> None:
    queue.put(function(*args))


def measure_isolated(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a forked process; None if it dies or runs over 10 minutes.

    An LLVM abort, or a pass that runs away, loses that program's row, not the run.
    """
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, function, *args))
    process.start()
    process.join(600)
    if process.exitcode != 0:
        process.kill()
        return None
    return queue.get(timeout=10)


def us(seconds: float) -> str:
    """Seconds as whole microseconds with thousands separators."""
    return f"{seconds * 1e6:,.0f}"
