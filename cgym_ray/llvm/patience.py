"""Random search's patience rule: stop after `patience` steps in a row that bring no new best.

    >>> rule = PatienceRule(patience=2, metric="instruction_count", best=100.0, lower_is_better=True)
    >>> watch = rule.watch()
    >>> [watch.should_stop(value) for value in (99.0, 99.0, 98.0, 98.0, 98.0)]
    [False, False, False, False, True]

The compiler worker applies it inside one request (so a walk stops where it
should, without a round trip a step), and the env applies the same rule when
it has to go one step at a time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PatienceRule:
    """Stop after `patience` steps in a row whose `metric` does not beat `best`."""

    patience: int
    metric: str  # a worker measurement: instruction_count, object_text_size_bytes
    best: float  # the value to beat at the start
    lower_is_better: bool

    def beats(self, value: float, best: float) -> bool:
        return value < best if self.lower_is_better else value > best

    def watch(self) -> PatienceWatch:
        """A counter for one sequence of steps, starting from `best`."""
        return PatienceWatch(self)


class PatienceWatch:
    """The best value so far and the steps since it, for one sequence."""

    def __init__(self, rule: PatienceRule) -> None:
        self.rule = rule
        self.best = rule.best
        self.streak = 0

    def should_stop(self, value: float | None) -> bool:
        """Count a step that reached `value` (None: it reached nothing); True when patience ran out."""
        if value is not None and self.rule.beats(value, self.best):
            self.best, self.streak = value, 0
        else:
            self.streak += 1
        return self.streak >= self.rule.patience
