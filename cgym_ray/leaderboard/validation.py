"""Validate a submission: replay every commandline on fresh environments, on Ray.

Checked, per benchmark of the task: it is in results.csv exactly
`runs_per_benchmark` times; each row's commandline holds known actions only,
replays without a compiler error and reproduces the claimed reward (relative
tolerance 1e-5); the optimized program behaves like the unoptimized one (where
the benchmark is runnable); the walltime is within the task's limit. For the
whole submission: its LLVM version, backend and reward space are this
machine's and the task's.

    report = validate_submission(Path("results/leaderboard/submissions/greedy"))
    print("\\n".join(report.lines())); report.ok

Nothing is written unless `output` names a file: the CLI writes nothing by
default, `--output FILE` writes the report there, and `--in-place` writes
validation.json into the submission (what `leaderboard render` reads).

The submission is untrusted: see `submission.py` for what is read and how.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cgym_ray.datasets.benchmark import BenchmarkError, BenchmarkUri
from cgym_ray.envs.state import CompilerEnvState
from cgym_ray.errors import CompilerError
from cgym_ray.leaderboard.errors import SubmissionError
from cgym_ray.leaderboard.metrics import BenchmarkScore, Scores, final_instruction_count, score
from cgym_ray.leaderboard.submission import (
    METADATA_JSON,
    RESULTS_CSV,
    ResultRow,
    file_sha256,
    read_metadata,
    read_results,
)
from cgym_ray.leaderboard.tasks import TASK_NAME, LeaderboardTask, load_task


@dataclass
class RunCheck:
    """One row of results.csv and what its replay found."""

    row: ResultRow
    failures: list[str] = field(default_factory=list)
    reward: float | None = None
    behaviour_checked: bool = False
    instruction_count_o0: int | None = None
    instruction_count_oz: int | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class BenchmarkCheck:
    benchmark: str
    runs: list[RunCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the benchmark as a whole

    @property
    def ok(self) -> bool:
        return not self.problems and all(run.ok for run in self.runs)

    def reasons(self) -> list[str]:
        reasons = list(self.problems)
        for number, run in enumerate(self.runs, start=1):
            suffix = (
                f" (run {number}, line {run.row.line})"
                if len(self.runs) > 1
                else f" (line {run.row.line})"
            )
            reasons += [failure + suffix for failure in run.failures]
        return reasons

    def benchmark_score(self) -> BenchmarkScore | None:
        replayed = [run for run in self.runs if run.reward is not None]
        if not replayed or len(replayed) != len(self.runs):
            return None
        o0, oz = replayed[0].instruction_count_o0, replayed[0].instruction_count_oz
        finals = [
            final_instruction_count(r.reward, o0, oz)
            for r in replayed
            if o0 is not None and oz is not None
        ]
        return BenchmarkScore(
            benchmark=self.benchmark,
            reward=sum(r.reward for r in replayed) / len(replayed),
            walltime_s=sum(r.row.walltime_s for r in replayed) / len(replayed),
            instruction_count_o0=o0,
            instruction_count_oz=oz,
            instruction_count_final=sum(finals) / len(finals) if finals else None,
        )


@dataclass
class SubmissionReport:
    directory: Path
    task: LeaderboardTask
    metadata: dict[str, Any]
    benchmarks: dict[str, BenchmarkCheck]
    problems: list[str] = field(default_factory=list)  # about the submission as a whole
    validator: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and all(check.ok for check in self.benchmarks.values())

    @property
    def scores(self) -> Scores | None:
        scored = [check.benchmark_score() for check in self.benchmarks.values()]
        if not scored or any(s is None for s in scored):
            return None
        return score([s for s in scored if s is not None])

    def lines(self) -> list[str]:
        lines = [f"✗ {problem}" for problem in self.problems]
        for uri, check in self.benchmarks.items():
            if check.ok:
                rewards = ", ".join(f"{run.reward:.4f}" for run in check.runs)
                behaviour = (
                    ", behaviour checked"
                    if all(run.behaviour_checked for run in check.runs)
                    else ""
                )
                lines.append(f"✓ {uri}: reward {rewards} ({len(check.runs)} run(s){behaviour})")
            else:
                lines.append(f"✗ {uri}: " + "; ".join(check.reasons()))
        return lines

    def verdict(self) -> str:
        failed = [uri for uri, check in self.benchmarks.items() if not check.ok]
        if self.ok:
            s = self.scores
            summary = "" if s is None else f": geomean reward {s.geomean_reward:.4f}"
            return f"valid: {len(self.benchmarks)} benchmarks of {self.task.name} replayed{summary}"
        parts = [f"{len(failed)} of {len(self.benchmarks)} benchmarks failed"] if failed else []
        parts += [f"{len(self.problems)} submission problem(s)"] if self.problems else []
        return f"INVALID: {', '.join(parts)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "task": self.task.name,
            "validator": self.validator,
            "files": {
                name: file_sha256(self.directory / name) for name in (RESULTS_CSV, METADATA_JSON)
            },
            "problems": self.problems,
            "scores": None if self.scores is None else self.scores.to_json(),
            "benchmarks": {
                uri: {
                    "ok": check.ok,
                    "reasons": check.reasons(),
                    "rewards": [run.reward for run in check.runs],
                    "walltimes_s": [run.row.walltime_s for run in check.runs],
                    "behaviour_checked": all(run.behaviour_checked for run in check.runs)
                    and bool(check.runs),
                    "instruction_count_o0": check.runs[0].instruction_count_o0
                    if check.runs
                    else None,
                    "instruction_count_oz": check.runs[0].instruction_count_oz
                    if check.runs
                    else None,
                }
                for uri, check in self.benchmarks.items()
            },
        }


def replay_row(state: dict[str, Any], check_behaviour: bool) -> dict[str, Any]:
    """Replay one state on a fresh env (in a Ray worker); never raises."""
    from cgym_ray.envs.validation import validate
    from cgym_ray.leaderboard.metrics import reference_instruction_counts

    try:
        result = validate(CompilerEnvState(**state), check_behaviour=check_behaviour)
        answer: dict[str, Any] = {
            "failures": [f"{f.kind}: {f.message}" for f in result.failures],
            "reward": result.reward,
            "behaviour_checked": result.behaviour_checked,
        }
        if result.reward is not None:
            answer["o0"], answer["oz"] = reference_instruction_counts(
                state["benchmark"], state["backend"]
            )
        return answer
    except Exception as error:  # a replay that crashes fails its row, not the whole validation
        return {
            "failures": [f"replay error: {type(error).__name__}: {str(error)[:300]}"],
            "reward": None,
        }


def _task_for(metadata: dict[str, Any], task: str | None) -> LeaderboardTask:
    if task is None:
        name = metadata["task"]
        if not TASK_NAME.match(name):  # a name only: a submission never points at a file
            raise SubmissionError(f"metadata.json: task {name[:80]!r} is not a task name")
        return load_task(name)
    loaded = load_task(task)
    if loaded.name != metadata["task"]:
        raise SubmissionError(
            f"metadata.json names task {metadata['task'][:80]!r}, not {loaded.name!r}"
        )
    return loaded


def _shown(text: str) -> str:
    return repr(text[:100] + ("..." if len(text) > 100 else ""))


def validate_submission(
    directory: Path,
    task: str | None = None,
    check_behaviour: bool = True,
    num_cpus: int | None = None,
    address: str | None = None,
    output: Path | None = None,
) -> SubmissionReport:
    """Validate the submission in `directory`; write the report as JSON to `output` if given.

    `leaderboard render` reads `directory / "validation.json"`: pass that path to record it.
    """
    from cgym_ray.envs.llvm_env import LlvmEnv

    if directory.is_symlink() or not directory.is_dir():
        raise SubmissionError(f"{directory}: not a submission directory")
    metadata = read_metadata(directory)
    rows = read_results(directory)
    leaderboard_task = _task_for(metadata, task)
    probe = LlvmEnv(**leaderboard_task.env_kwargs())
    probe.close()
    validator = {
        "backend": probe.backend,
        "llvm_version": probe.llvm_version,
        "actions_version": probe.action_space.version,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "behaviour_checked": check_behaviour,
    }
    uris = leaderboard_task.benchmark_uris()
    report = SubmissionReport(
        directory,
        leaderboard_task,
        metadata,
        {uri: BenchmarkCheck(uri) for uri in uris},
        validator=validator,
    )
    for key, expected in (
        ("reward_space", leaderboard_task.reward_space),
        ("backend", leaderboard_task.backend),
    ):
        if metadata[key] != expected:
            report.problems.append(
                f"metadata.json: {key} is {_shown(metadata[key])}, the task needs {expected!r}"
            )

    replay: list[RunCheck] = []
    for row in rows:
        try:
            BenchmarkUri.parse(row.benchmark)
        except BenchmarkError as error:
            raise SubmissionError(f"{directory / RESULTS_CSV}, line {row.line}: {error}") from None
        check = report.benchmarks.get(row.benchmark)
        if check is None:
            report.problems.append(
                f"line {row.line}: {_shown(row.benchmark)} is not a benchmark of "
                f"{leaderboard_task.name}"
            )
            continue
        run = RunCheck(row)
        check.runs.append(run)
        if metadata["llvm_version"] != probe.llvm_version:
            run.failures.append(
                f"llvm_version: recorded with LLVM {_shown(metadata['llvm_version'])}, "
                f"this validator runs LLVM {probe.llvm_version}"
            )
            continue
        try:
            _check_commandline(probe, metadata["actions_version"], row.commandline)
        except CompilerError as error:
            run.failures.append(f"unknown_action: {str(error)[:300]}")
            continue
        if row.walltime_s > leaderboard_task.walltime_limit_s:
            run.failures.append(
                f"walltime: {row.walltime_s:.1f} s is over the task's limit of "
                f"{leaderboard_task.walltime_limit_s:g} s"
            )
        replay.append(run)
    counts = Counter(row.benchmark for row in rows)
    for uri, check in report.benchmarks.items():
        if counts[uri] != leaderboard_task.runs_per_benchmark:
            check.problems.append(
                f"present {counts[uri]} time(s), the task requires "
                f"{leaderboard_task.runs_per_benchmark}"
            )

    _replay_all(replay, metadata, leaderboard_task, check_behaviour, num_cpus, address)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report.to_json(), indent=1) + "\n")
    return report


def _check_commandline(probe, actions_version: str, commandline: str) -> None:
    """Raise `CompilerError` if `commandline` is not a state of the submission's actions."""
    from cgym_ray.llvm.pipelines.edits import EDITS_VERSION

    if actions_version == EDITS_VERSION:  # a pipeline text (a pipeline search's state)
        from cgym_ray.llvm.pipelines import load_table

        load_table().check(commandline)
    else:
        probe.action_space.from_commandline(commandline)


def _replay_all(
    runs: list[RunCheck],
    metadata: dict[str, Any],
    task: LeaderboardTask,
    check_behaviour: bool,
    num_cpus: int | None,
    address: str | None,
) -> None:
    """Replay the runs in parallel, one Ray task each."""
    if not runs:
        return
    import ray

    from cgym_ray.datasets.remote import ray_runtime_env
    from cgym_ray.distributed import init_ray

    init_ray(address=address, num_cpus=num_cpus, runtime_env=ray_runtime_env() or None)
    remote = ray.remote(num_cpus=1, max_retries=1)(replay_row)
    futures = []
    for run in runs:
        state = CompilerEnvState(
            benchmark=run.row.benchmark,
            commandline=run.row.commandline,
            reward=run.row.reward,
            walltime=run.row.walltime_s,
            backend=metadata["backend"],
            llvm_version=metadata["llvm_version"],
            reward_space=task.reward_space,
            actions_version=metadata["actions_version"],
        )
        futures.append(remote.remote(state.to_dict(), check_behaviour))
    for run, future in zip(runs, futures, strict=True):
        try:
            answer = ray.get(future)
        except Exception as error:  # the worker died (an LLVM abort that escaped isolation, OOM)
            run.failures.append(f"replay crashed: {str(error).strip().splitlines()[-1][:300]}")
            continue
        run.failures += answer["failures"]
        run.reward = answer["reward"]
        run.behaviour_checked = bool(answer.get("behaviour_checked"))
        run.instruction_count_o0 = answer.get("o0")
        run.instruction_count_oz = answer.get("oz")
