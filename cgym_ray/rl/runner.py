"""Run a `kind: train` job: train, checkpoint, (resume,) evaluate, record, plot.

    cgym-ray run configs/ppo-smoke.yaml
    cgym-ray run configs/ppo.yaml resume=runs/ppo/checkpoints/iter_000020 iterations=40

Outputs, under `output.dir` (default runs/<name>): `checkpoints/iter_NNNNNN/`
(RLlib's checkpoint plus cgym_policy.json), `training.jsonl` (one line of
RLlib metrics per iteration), `learning_curve.png`, `test_results.png` and
`summary.json`. The store gets one run whose config is the resolved job
(benchmark URIs, versions), every training episode (agent "<algo>-train") and
every evaluation episode (agent "<algo>" / "<algo>+guided", with checkpoint and seed).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.rl.config import TrainJob
from cgym_ray.rl.evaluation import EvalResult, EvalTask


@dataclass
class TrainSummary:
    run_id: str
    store: str
    algorithm: str
    iterations: int
    env_steps: int
    train_walltime_s: float
    env_steps_per_second: float
    final_checkpoint: str
    checkpoints: list[str]
    resumed_from: str | None
    episode_return_mean: float | None
    env_step_failures: int
    env_runner_restarts: int
    evaluation: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict
    )  # split/agent/...
    plots: list[str] = field(default_factory=list)
    errors: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def table(self) -> str:
        rows = [
            f"{self.algorithm}: {self.iterations} iterations, {self.env_steps:,} env steps in "
            f"{self.train_walltime_s:.0f} s ({self.env_steps_per_second:.1f} env steps/s)",
            f"episode return mean (last iteration): {_number(self.episode_return_mean)}; "
            f"env step failures: {self.env_step_failures}, env runner restarts: {self.env_runner_restarts}",
            f"final checkpoint: {self.final_checkpoint}"
            + (f" (resumed from {self.resumed_from})" if self.resumed_from else ""),
        ]
        if self.evaluation:
            rows += [
                "",
                f"{'split':12s} {'agent':16s} {'benchmarks':>10s} {'geomean':>8s} {'mean':>8s} {'errors':>6s}",
            ]
            for split, agents in self.evaluation.items():
                for agent, entry in agents.items():
                    rows.append(
                        f"{split:12s} {agent:16s} {entry['benchmarks']:>10d} {_number(entry['geomean']):>8s} "
                        f"{_number(entry['mean']):>8s} {entry['errors']:>6d}"
                    )
            rows += [
                f"{split} / {agent}: no geomean, {entry['nonpositive']} of {entry['benchmarks']} "
                "benchmarks have a reward <= 0 (a geometric mean needs positive values); "
                "the mean is over all of them"
                for split, agents in self.evaluation.items()
                for agent, entry in agents.items()
                if entry.get("nonpositive")
            ]
            rows += [
                f"{split} / {agent}: {entry['misbehaves']} benchmark(s) left out: the policy's "
                "final program misbehaves (the store's episodes with status 'misbehaves')"
                for split, agents in self.evaluation.items()
                for agent, entry in agents.items()
                if entry.get("misbehaves")
            ]
        rows += [
            *(f"plot: {plot}" for plot in self.plots),
            f"run {self.run_id} in store {self.store}",
        ]
        return "\n".join(rows)


def _number(value: float | None) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.4f}"
    )


def _metric(result: dict[str, Any], *path: str) -> Any:
    node: Any = result
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def resolved_config(
    job: TrainJob, train_uris: list[str], splits: dict[str, list[str]]
) -> dict[str, Any]:
    """The job as run: its fields, plus the benchmark URIs and library versions (reproducibility)."""
    import gymnasium
    import ray
    import torch

    from cgym_ray.llvm.backend import default_backend_name, get_backend

    backend = default_backend_name()
    return {
        **job.model_dump(mode="json"),
        "resolved": {
            "train_benchmarks": train_uris,
            "eval_benchmarks": splits,
            "versions": {
                "ray": ray.__version__,
                "torch": torch.__version__,
                "gymnasium": gymnasium.__version__,
                "backend": backend,
                "llvm": get_backend(backend).llvm_version,
            },
        },
    }


def run_train_job(
    config: TrainJob, progress: bool = True, summary_json: str | None = None
) -> TrainSummary:
    """Train, checkpoint, evaluate and record one `kind: train` job; return its summary."""
    from cgym_ray.jobs.scaffold import JobRun

    def say(text: str) -> None:
        if progress:
            print(text, file=sys.stderr, flush=True)

    output_dir = Path(config.output_dir)
    (output_dir / "checkpoints").mkdir(parents=True, exist_ok=True)
    train_uris = config.benchmarks.resolve()
    splits = {split: section.resolve() for split, section in config.eval.splits.items()}
    prepare_benchmarks(train_uris, say)
    job = JobRun.start(
        config.ray,
        config.store,
        config=resolved_config(config, train_uris, splits),
        name=config.name,
    )
    algo, start = _build_algorithm(config, job, train_uris, say)
    if config.imitation is not None:
        from cgym_ray.rl.imitation import imitate

        imitate(algo, config, output_dir, say)
    checkpointer = Checkpointer(algo, config, output_dir, start.run_ids, say)
    training = train(algo, config, checkpointer, start, output_dir, say)
    restarts = _restarts(algo)
    algo.stop()

    summary = TrainSummary(
        run_id=job.run_id,
        store=str(job.store.root),
        algorithm=config.algorithm.name,
        iterations=training.iteration,
        env_steps=training.env_steps,
        train_walltime_s=training.walltime_s,
        env_steps_per_second=(training.env_steps - start.env_steps)
        / max(training.walltime_s, 1e-9),
        final_checkpoint=training.checkpoints[-1],
        checkpoints=training.checkpoints,
        resumed_from=config.resume,
        episode_return_mean=training.episode_return_mean,
        env_step_failures=training.env_step_failures,
        env_runner_restarts=restarts,
    )
    if splits:
        results = _evaluate(config, training.checkpoints[-1], splits, job, say)
        summary.evaluation = summarize_evaluation(results)
        summary.errors = sum(r.error is not None for r in results)
    job.store.refresh()
    from cgym_ray.rl.plots import plot_run_isolated

    summary.plots = plot_run_isolated(
        str(job.store.root),
        start.run_ids,
        output_dir,
        config.agent_name,
        splits.get("test") or [],
    )
    job.write_summary(
        summary.to_json(),
        output_dir=output_dir,
        summary_json=summary_json or config.output.summary_json,
    )
    return summary


def prepare_benchmarks(uris: list[str], say: Any, threads: int = 2) -> None:
    """Build every benchmark's bitcode now (Csmith programs are generated, then cached).

    Otherwise an env runner generates each one at the reset that first draws it,
    several seconds apiece: the first iterations time out on generation, not sampling.
    """
    from concurrent.futures import ThreadPoolExecutor

    from cgym_ray.datasets import get_benchmark

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:  # generators run as subprocesses
        list(pool.map(lambda uri: get_benchmark(uri).bitcode(), uris))
    say(f"{len(uris)} training benchmarks ready in {time.monotonic() - started:.0f} s")


@dataclass
class TrainingStart:
    """Where training starts: iteration 0, or the iteration and env steps of a resumed checkpoint."""

    iteration: int
    env_steps: int
    run_ids: list[str]  # the training runs, first to last, this one included


def _build_algorithm(
    config: TrainJob, job: Any, train_uris: list[str], say: Any
) -> tuple[Any, TrainingStart]:
    """The RLlib algorithm, recording into the job's run; restored from `config.resume` if given."""
    from cgym_ray.rl.algorithms import algorithm_config, env_config
    from cgym_ray.rl.policy import PolicySpec

    record = {
        "store": str(job.store.root),
        "run_id": job.run_id,
        "agent": f"{config.agent_name}-train",
        "observation": config.store.observation,
    }
    eval_config = (
        env_config(config, config.eval.during_training.resolve()) if config.eval.interval else None
    )
    rllib_config = algorithm_config(
        config,
        env_config(config, train_uris, record if config.record_training else None),
        eval_config,
    )
    algo = rllib_config.build_algo()
    start = TrainingStart(0, 0, [job.run_id])
    if config.resume:
        previous = PolicySpec.read(config.resume)
        algo.restore_from_path(str(Path(config.resume).resolve()))
        start = TrainingStart(
            previous.iteration, previous.env_steps, [*previous.run_ids, job.run_id]
        )
        say(f"resumed from {config.resume} at iteration {start.iteration}")
    return algo, start


class Checkpointer:
    """Saves the algorithm under `<output>/checkpoints/iter_NNNNNN/` with its `cgym_policy.json`."""

    def __init__(
        self, algo: Any, config: TrainJob, output_dir: Path, run_ids: list[str], say: Any
    ) -> None:
        from cgym_ray.llvm.backend import default_backend_name, get_backend

        self.algo = algo
        self.config = config
        self.output_dir = output_dir
        self.run_ids = run_ids
        self.say = say
        self.backend = default_backend_name()
        self.llvm_version = get_backend(self.backend).llvm_version
        self.action_names = config.action_names
        probe = algo.env_runner_group.local_env_runner if algo.env_runner_group else None
        num_actions = _num_actions(probe, config)
        assert (
            len(self.action_names) + int(config.terminal_action) == num_actions or num_actions == 0
        )

    def save(self, iteration: int, env_steps: int) -> str:
        from cgym_ray.rl.policy import PolicySpec

        config = self.config
        path = (self.output_dir / "checkpoints" / f"iter_{iteration:06d}").resolve()
        self.algo.save_to_path(str(path))
        PolicySpec(
            algorithm=config.algorithm.name,
            env_id=config.env.id,
            env_kwargs=dict(config.env.kwargs),
            observation=config.observation,
            episode_length=config.episode_length,
            terminal_action=config.terminal_action,
            actions=list(self.action_names),
            start_from=list(config.start_from),
            iteration=iteration,
            env_steps=env_steps,
            run_ids=self.run_ids,
            seed=config.seed,
            backend=self.backend,
            llvm_version=self.llvm_version,
        ).write(path)
        self.say(f"checkpoint {path}")
        return str(path)


@dataclass
class Training:
    """What training did: the last iteration, RLlib's last metrics, the checkpoints written."""

    iteration: int
    env_steps: int
    walltime_s: float
    episode_return_mean: float | None
    env_step_failures: int
    checkpoints: list[str]


def train(
    algo: Any,
    config: TrainJob,
    checkpointer: Checkpointer,
    start: TrainingStart,
    output_dir: Path,
    say: Any,
) -> Training:
    """Iterations up to `config.iterations` (or the time limit), one `training.jsonl` line each;
    a checkpoint every `checkpoint_every` iterations and after the last."""
    checkpoints: list[str] = []
    final_iteration = start.iteration
    env_steps, last_return, failures = start.env_steps, None, 0
    started = time.monotonic()
    with (output_dir / "training.jsonl").open("a") as log:
        for iteration in range(start.iteration + 1, config.iterations + 1):
            result = algo.train()
            # Lifetime counters are part of the checkpoint: after a resume they go on from it.
            env_steps = int(_metric(result, "env_runners", "num_env_steps_sampled_lifetime") or 0)
            last_return = _metric(result, "env_runners", "episode_return_mean")
            failures = int(_metric(result, "env_runners", "num_env_step_failures") or 0)
            line = {
                "iteration": iteration,
                "env_steps": env_steps,
                "walltime_s": time.monotonic() - started,
                "episode_return_mean": last_return,
                "time_this_iter_s": result.get("time_this_iter_s"),
                "env_step_failures": failures,
                "evaluation_return_mean": _metric(
                    result, "evaluation", "env_runners", "episode_return_mean"
                ),
            }
            log.write(json.dumps(line) + "\n")
            log.flush()
            say(
                f"iter {iteration}/{config.iterations}: {env_steps:,} env steps, return mean "
                f"{_number(last_return)}, {line['time_this_iter_s'] or 0:.1f} s"
                + (
                    f", eval {_number(line['evaluation_return_mean'])}"
                    if line["evaluation_return_mean"] is not None
                    else ""
                )
            )
            if config.checkpoint_every and iteration % config.checkpoint_every == 0:
                checkpoints.append(checkpointer.save(iteration, env_steps))
            final_iteration = iteration
            if (
                config.time_limit_s is not None
                and time.monotonic() - started >= config.time_limit_s
            ):
                say(
                    f"time limit of {config.time_limit_s:.0f} s reached after iteration {iteration}"
                )
                break
    walltime_s = time.monotonic() - started
    if not checkpoints or not checkpoints[-1].endswith(f"iter_{final_iteration:06d}"):
        checkpoints.append(checkpointer.save(final_iteration, env_steps))
    return Training(final_iteration, env_steps, walltime_s, last_return, failures, checkpoints)


def _num_actions(env_runner: Any, config: TrainJob) -> int:
    try:
        return int(env_runner.env.single_action_space.n)
    except Exception:  # no local env (remote env runners only): nothing to check
        return 0


def _restarts(algo: Any) -> int:
    try:
        return int(algo.env_runner_group.num_remote_worker_restarts())
    except Exception:
        return 0


def _evaluate(
    config: TrainJob,
    checkpoint: str,
    splits: dict[str, list[str]],
    job: Any,
    say: Any,
) -> list[EvalResult]:
    """The policy of `checkpoint` (and, with `eval.guided`, the search it guides) on every split."""
    from cgym_ray.jobs.scaffold import cluster_cpus
    from cgym_ray.rl.evaluation import evaluate_policy

    algo_name = config.agent_name
    tasks = []
    for split, uris in splits.items():
        for uri in uris:
            for seed in config.eval.seeds:
                tasks.append(
                    EvalTask(split, uri, seed, algo_name, False, config.episode_length, None)
                )
                if config.eval.guided:
                    budget = config.eval.guided.budget
                    tasks.append(
                        EvalTask(
                            split,
                            uri,
                            seed,
                            f"{algo_name}+guided",
                            True,
                            budget.steps,
                            budget.seconds,
                            config.eval.guided.temperature,
                        )
                    )
    num_workers = config.eval.num_workers or cluster_cpus()
    say(f"evaluating {checkpoint} on {', '.join(splits)}: {len(tasks)} tasks")
    with job.store.writer(job.run_id) as writer:
        return evaluate_policy(
            tasks,
            checkpoint,
            config.env.id,
            dict(config.env.kwargs),
            writer,
            num_workers,
            observation=config.store.observation,
            on_result=lambda r: say(
                f"  {r.task.split} {r.task.benchmark.rsplit('/', 1)[-1]} {r.task.agent}: "
                + (
                    f"error {r.error}"
                    if r.error
                    else f"{(r.best_reward if r.task.guided else r.final_reward) or 0.0:.4f}"
                    + (
                        f" (final program misbehaves: {r.final_misbehaves})"
                        if r.final_misbehaves
                        else ""
                    )
                )
            ),
        )


def summarize_evaluation(results: list[EvalResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per split and agent: the geomean and mean reward over benchmarks (the policy alone: its
    episode's final reward; guided: the best prefix found), and the errors.

    A benchmark where the policy alone ends in a program that misbehaves
    (`EvalResult.final_misbehaves`) is left out of the figures and counted
    under `misbehaves`: its instruction count says nothing of the policy.

    The geomean is None when any benchmark's reward is <= 0 (`nonpositive` counts them):
    there is no geometric mean of such values, and flooring them would print a made-up 0.
    """
    from cgym_ray.jobs.runner import geomean

    grouped: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    errors: dict[tuple[str, str], int] = defaultdict(int)
    misbehaves: dict[tuple[str, str], int] = defaultdict(int)
    for result in results:
        key = (result.task.split, result.task.agent)
        if result.error is not None:
            errors[key] += 1
            continue
        if not result.task.guided and result.final_misbehaves:
            misbehaves[key] += 1  # a miscompiled program's count is no figure of the policy's
            continue
        value = result.best_reward if result.task.guided else result.final_reward
        grouped[key][result.task.benchmark].append(float(value or 0.0))
    summary: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for key in sorted(set(grouped) | set(errors) | set(misbehaves)):
        per_benchmark = {uri: sum(v) / len(v) for uri, v in grouped[key].items()}
        values = list(per_benchmark.values())
        nonpositive = sum(value <= 0 for value in values)
        summary[key[0]][key[1]] = {
            "benchmarks": len(values),
            "geomean": geomean(values) if values and not nonpositive else None,
            "nonpositive": nonpositive,
            "mean": sum(values) / len(values) if values else None,
            "errors": errors[key],
            "misbehaves": misbehaves[key],
            "per_benchmark": per_benchmark,
        }
    return dict(summary)
