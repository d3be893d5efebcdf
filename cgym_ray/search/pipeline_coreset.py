"""A learned coreset of whole pass pipelines (Coreset-NVP style, issue 18 item 4).

    >>> result = pipeline_coreset(make_env, "benchmark://cbench-src-v1/qsort", Budget(steps=50), seed=0)
    ... # doctest: +SKIP

Learning (`learn_pipeline_coreset`, run by `python -m cgym_ray.search.pipeline_coreset`):
on each training program, `pipeline_evolve` (without learned seeds) searches
from -Oz's pipeline and every pipeline it compiled is a candidate; the best
`per_program` of each program are then compiled on every training program,
and `select_pipelines` greedily takes the candidate that most raises the
geometric mean, over the training programs, of the best score so far (-Oz's
1.0 to start), until `k` are taken or none raises it. The result is
`data/pipeline-coreset-v1.txt`, one canonical pipeline text a line, in the
order taken.

Use: on a new program, compile -Oz's pipeline and then each learned pipeline
(at most `k`, 50 by default, and within the budget), and keep the best whose
program, on a runnable benchmark, ran and matched (`PipelineRun`). Never
worse than -Oz.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path

from cgym_ray.llvm.pipelines import Pipeline
from cgym_ray.search.common import Budget, EnvFactory, EpisodeCollector, Report, SearchResult
from cgym_ray.search.pipeline_common import PipelineRun

DATA = Path(__file__).parent / "data" / "pipeline-coreset-v1.txt"


@functools.lru_cache(maxsize=1)
def _read_default() -> tuple[str, ...]:
    if not DATA.exists():
        return ()
    lines = DATA.read_text().splitlines()
    return tuple(line for line in lines if line.strip() and not line.startswith("#"))


def default_pipelines() -> list[Pipeline]:
    """The learned pipelines, best first (none before the first `learn`)."""
    return [Pipeline.parse(text) for text in _read_default()]


def pipeline_coreset(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    pipelines: Sequence[str] | None = None,
    k: int = 50,
    check_behaviour: bool = True,
) -> SearchResult:
    """The best of -Oz's pipeline and the first `k` learned pipelines (each compiled once).

    pipelines: pipeline texts to try instead of the learned ones.
    k: how many of them to try at most.
    check_behaviour: run the program of each new best (runnable benchmarks only).
    """
    tried = (default_pipelines() if pipelines is None else [Pipeline.parse(t) for t in pipelines])[
        :k
    ]
    with PipelineRun(
        "pipeline_coreset", make_env, benchmark, budget, seed, report, check_behaviour
    ) as run:
        for index, pipeline in enumerate(tried):
            if run.clock.exhausted:
                break
            if run.valid(pipeline):
                run.evaluate(pipeline, f"learned pipeline {index}")
        return run.result({"k": k, "pipelines": len(tried)})


def select_pipelines(scores: list[list[float]], k: int) -> list[int]:
    """Greedy coreset: candidate indices, each raising the geomean of the per-program best most.

    `scores[c][p]` is candidate c's score on program p (-inf: it failed there).
    """
    programs = len(scores[0]) if scores else 0
    best = [1.0] * programs  # -Oz's pipeline is always tried first
    chosen: list[int] = []

    def gain(candidate: int, best: list[float]) -> float:
        return sum(
            math.log(max(b, s)) - math.log(b) for b, s in zip(best, scores[candidate], strict=True)
        )

    while len(chosen) < k:
        remaining = [c for c in range(len(scores)) if c not in chosen]
        if not remaining:
            break
        top = max(remaining, key=lambda c: gain(c, best))
        if gain(top, best) <= 1e-12:
            break
        chosen.append(top)
        best = [max(b, s) for b, s in zip(best, scores[top], strict=True)]
    return chosen


def _search_candidates(args: tuple[str, float, int, int]) -> list[tuple[float, str]]:
    """Every pipeline `pipeline_evolve` compiled on one program, best first (top `per_program`)."""
    import gymnasium as gym

    from cgym_ray.search.pipeline_evolve import pipeline_evolve

    benchmark, seconds, seed, per_program = args
    collected = EpisodeCollector()
    pipeline_evolve(
        lambda: gym.make("llvm-pipeline-ic-v0").unwrapped,
        benchmark,
        Budget(seconds=seconds),
        seed,
        report=collected,
        learned=0,
    )
    found = {
        outcome.state.commandline: outcome.state.reward
        for outcome in collected
        if outcome.status == "ok" and outcome.state.reward is not None
    }
    ranked = sorted(((score, text) for text, score in found.items() if score > 1.0), reverse=True)
    return ranked[:per_program]


def _score_all(args: tuple[str, list[str]]) -> list[float]:
    """The score of each pipeline text on one program (-inf where the compiler failed)."""
    from cgym_ray.envs.pipeline_env import PipelineEnv
    from cgym_ray.errors import CompilerError, StepFailed

    benchmark, texts = args
    env = PipelineEnv(benchmark=benchmark)
    scores = []
    try:
        env.reset(options={"benchmark": benchmark, "start": "oz"})
        for text in texts:
            try:
                env.set_pipeline(text)
                scores.append(env.score)
            except (StepFailed, CompilerError):
                scores.append(float("-inf"))
                env.reset(options={"benchmark": benchmark, "start": "oz"})
    finally:
        env.close()
    return scores


def learn_pipeline_coreset(
    benchmarks: Sequence[str],
    seconds: float = 30.0,
    per_program: int = 6,
    k: int = 50,
    seed: int = 0,
    processes: int = 2,
) -> tuple[list[str], dict[str, object]]:
    """The learned pipelines (canonical texts, in the order taken) and how they were learned."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes) as pool:
        found = list(
            pool.map(_search_candidates, [(b, seconds, seed, per_program) for b in benchmarks])
        )
        candidates = sorted({text for ranked in found for _, text in ranked})
        columns = list(pool.map(_score_all, [(b, candidates) for b in benchmarks]))
    scores = [[column[c] for column in columns] for c in range(len(candidates))]
    chosen = select_pipelines(scores, k)
    best = [1.0] * len(benchmarks)
    for c in chosen:
        best = [max(b, s) for b, s in zip(best, scores[c], strict=True)]
    geomean = math.exp(sum(math.log(b) for b in best) / max(len(best), 1))
    return [candidates[c] for c in chosen], {
        "programs": len(benchmarks),
        "candidates": len(candidates),
        "chosen": len(chosen),
        "train_geomean_best": round(geomean, 4),
        "seconds": seconds,
        "per_program": per_program,
        "seed": seed,
    }


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import datetime

    from cgym_ray.datasets import get_dataset

    parser = argparse.ArgumentParser(
        description="Learn the pipeline coreset; rewrite its data file"
    )
    parser.add_argument("--dataset", default="cgym-suite-v0")
    parser.add_argument("--split", default="train")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--per-program", type=int, default=6)
    parser.add_argument("-k", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    dataset = get_dataset(args.dataset)
    uris = [dataset.uri(name) for name in dataset.benchmark_names(args.split)]
    texts, how = learn_pipeline_coreset(
        uris, args.seconds, args.per_program, args.k, args.seed, args.processes
    )
    header = [
        f"# Learned by `python -m cgym_ray.search.pipeline_coreset --dataset {args.dataset} "
        f"--split {args.split} --seconds {args.seconds:g} --per-program {args.per_program} "
        f"-k {args.k} --seed {args.seed}` on {datetime.date.today().isoformat()}.",
        "# " + ", ".join(f"{key} {value}" for key, value in how.items()),
        "# One canonical pipeline text a line, in the order the greedy selection took them.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header + texts) + "\n")
    print("\n".join(header))


if __name__ == "__main__":
    main()
