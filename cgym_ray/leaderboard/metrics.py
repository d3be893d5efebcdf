"""The leaderboard's numbers (docs/design.md): three ways to say how much smaller than -Oz.

For one benchmark with instruction counts O0 (unoptimized), Oz (the reference)
and `final` (after the agent's commandline):
- reward = (O0 − final) / max(O0 − Oz, 1), the IrInstructionCountOz episode reward
  (1.0 matches -Oz, more beats it); the table ranks by its geomean;
- Oz / final, CompilerGym's "1.070×" figure, as a geomean;
- 100 × (Oz − final) / Oz, the % of instructions removed relative to -Oz, as a mean.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass

from cgym_ray.jobs.runner import geomean


@dataclass(frozen=True)
class BenchmarkScore:
    """One benchmark of a submission: means over its runs."""

    benchmark: str
    reward: float
    walltime_s: float
    instruction_count_o0: int | None = None
    instruction_count_oz: int | None = None
    instruction_count_final: float | None = None

    @property
    def oz_over_final(self) -> float | None:
        if self.instruction_count_oz is None or not self.instruction_count_final:
            return None
        return self.instruction_count_oz / self.instruction_count_final

    @property
    def pct_removed_vs_oz(self) -> float | None:
        if not self.instruction_count_oz or self.instruction_count_final is None:
            return None
        return (
            100.0
            * (self.instruction_count_oz - self.instruction_count_final)
            / self.instruction_count_oz
        )


@dataclass(frozen=True)
class Scores:
    geomean_reward: float
    geomean_oz_over_final: float | None
    mean_pct_removed_vs_oz: float | None
    mean_walltime_s: float
    benchmarks: int

    def to_json(self) -> dict[str, float | int | None]:
        return asdict(self)


def final_instruction_count(reward: float, o0: int, oz: int) -> float:
    """Invert the IrInstructionCountOz reward: the count the commandline ended at."""
    return o0 - reward * max(o0 - oz, 1)


def reference_instruction_counts(benchmark: str, backend: str) -> tuple[int, int | None]:
    """(O0, Oz) instruction counts of a benchmark as the environments measure them."""
    from cgym_ray.datasets import get_benchmark
    from cgym_ray.envs.llvm_env import SIZE_ATTRIBUTES
    from cgym_ray.llvm.baselines import reference_counts

    counts = reference_counts(
        get_benchmark(benchmark).bitcode(), benchmark, backend, SIZE_ATTRIBUTES
    )
    return int(counts["O0"] or 0), counts.get("Oz")


def score(benchmarks: list[BenchmarkScore]) -> Scores:
    ratios = [b.oz_over_final for b in benchmarks]
    percents = [b.pct_removed_vs_oz for b in benchmarks]
    complete = bool(benchmarks) and all(r is not None for r in ratios)
    return Scores(
        geomean_reward=geomean([b.reward for b in benchmarks]),
        geomean_oz_over_final=geomean([r for r in ratios if r is not None]) if complete else None,
        mean_pct_removed_vs_oz=statistics.fmean([p for p in percents if p is not None])
        if complete
        else None,
        mean_walltime_s=statistics.fmean([b.walltime_s for b in benchmarks])
        if benchmarks
        else float("nan"),
        benchmarks=len(benchmarks),
    )
