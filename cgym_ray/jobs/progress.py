"""Live progress of a job on stderr: tasks done and remaining, best rewards, steps/s, ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from cgym_ray.distributed.tasks import TaskResult


def _short(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


class Progress:
    """Redraws one status line on a terminal; prints a line per finished task otherwise."""

    def __init__(
        self, total: int, stream: TextIO | None = None, min_interval_s: float = 0.2
    ) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.started = time.monotonic()
        self.done = 0
        self.errors = 0
        self.steps = 0
        self.best: dict[str, float] = {}
        self._last_draw = 0.0
        self.min_interval_s = min_interval_s

    @property
    def steps_per_second(self) -> float:
        return self.steps / max(time.monotonic() - self.started, 1e-9)

    def eta_s(self) -> float | None:
        if not self.done:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed / self.done * (self.total - self.done)

    def update(self, result: TaskResult) -> None:
        self.done += 1
        self.steps += result.steps
        if result.status != "ok":
            self.errors += 1
        elif result.best_reward is not None:
            uri = result.task.benchmark
            self.best[uri] = max(self.best.get(uri, float("-inf")), result.best_reward)
        if self.interactive:
            if time.monotonic() - self._last_draw >= self.min_interval_s or self.done == self.total:
                self._draw()
        else:
            reward = (
                "error: " + (result.error or "")
                if result.status != "ok"
                else f"{result.best_reward:.4f}"
            )
            if result.note:  # e.g. its actor died and what it had committed stands
                reward += f" [{result.note}]"
            print(
                f"[{self.done}/{self.total}] {result.task.agent} {_short(result.task.benchmark)} "
                f"seed {result.task.seed}: {reward} ({result.steps} steps, {result.walltime_s:.1f} s) "
                f"| {self.steps_per_second:,.0f} steps/s, ETA {self._eta_text()}",
                file=self.stream,
                flush=True,
            )

    def _eta_text(self) -> str:
        eta = self.eta_s()
        return "?" if eta is None else f"{eta:.0f} s"

    def _draw(self) -> None:
        self._last_draw = time.monotonic()
        top = sorted(self.best.items(), key=lambda kv: -kv[1])[:3]
        best = ", ".join(f"{_short(uri)} {reward:.3f}" for uri, reward in top)
        line = (
            f"\r{self.done}/{self.total} done, {self.total - self.done} left, {self.errors} errors | "
            f"{self.steps_per_second:,.0f} steps/s | ETA {self._eta_text()} | best: {best}"
        )
        self.stream.write(line[:160].ljust(160))
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()
