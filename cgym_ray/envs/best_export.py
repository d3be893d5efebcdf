"""The best validated result per program, as supervised data: one Parquet file and one JSONL.

    >>> export = export_best(store, "best/", run_ids=[run_id])  # doctest: +SKIP
    >>> export.rows, export.skipped  # doctest: +SKIP
    (12, [])

The form used to fine-tune sequence models on compiler tasks (Meta's LLM
Compiler): per program, the unoptimized IR (`ir_o0`), the pass list or
pipeline text that did best (`commandline`, `kind` "passes" or "pipeline"),
and the IR it gives (`ir`), with the instruction counts and reward around them.

For each benchmark the store's finished episodes are ranked by reward (fewer
steps first on a tie); the first of at most `tries` distinct commandlines
that validates is exported: replayed on a fresh env, its reward matched and,
where the program runs, its output compared (`envs.validation`). A benchmark
none of whose candidates validates is listed in `skipped` with the reason.
The replay happens here, so the exported IR is what this LLVM makes, never
a recorded claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from cgym_ray.store.store import TrajectoryStore

BEST_SCHEMA = pa.schema(
    [
        ("benchmark", pa.string()),
        ("kind", pa.string()),  # "passes" (space-separated actions) or "pipeline" (pass text)
        ("commandline", pa.string()),
        ("reward", pa.float64()),
        ("reward_space", pa.string()),
        ("instruction_count_o0", pa.int64()),
        ("instruction_count_oz", pa.int64()),
        ("instruction_count", pa.int64()),
        ("behaviour_checked", pa.bool_()),
        ("ir_o0", pa.string()),
        ("ir", pa.string()),
        ("backend", pa.string()),
        ("llvm_version", pa.string()),
        ("run_id", pa.string()),
        ("episode_id", pa.string()),
        ("agent", pa.string()),
    ]
)
PARQUET_NAME = "best.parquet"
JSONL_NAME = "best.jsonl"


@dataclass
class BestExport:
    """What `export_best` wrote: the two files, how many programs, and the ones it left out (why)."""

    parquet: Path
    jsonl: Path
    rows: int = 0
    skipped: list[str] = field(default_factory=list)


def best_candidates(
    store: TrajectoryStore, run_ids: list[str] | None = None, benchmarks: list[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Per benchmark, its finished episodes with a reward, best first, one per commandline."""
    clauses = ["status = 'ok'", "reward IS NOT NULL", "commandline <> ''"]
    parameters: dict[str, Any] = {}
    if run_ids:
        clauses.append("list_contains($run_ids, run_id)")
        parameters["run_ids"] = run_ids
    if benchmarks:
        clauses.append("list_contains($benchmarks, benchmark)")
        parameters["benchmarks"] = benchmarks
    rows = store.query(
        "SELECT run_id, episode_id, benchmark, agent, reward, reward_space, commandline, "
        "backend, llvm_version FROM episodes WHERE "
        + " AND ".join(clauses)
        + " ORDER BY benchmark, reward DESC, num_steps, episode_id",
        parameters,
    ).to_pylist()
    candidates: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        seen = candidates.setdefault(row["benchmark"], [])
        if all(row["commandline"] != other["commandline"] for other in seen):
            seen.append(row)
    return candidates


def export_best(
    store: TrajectoryStore,
    out_dir: str | Path,
    run_ids: list[str] | None = None,
    benchmarks: list[str] | None = None,
    tries: int = 5,
    check_behaviour: bool = True,
) -> BestExport:
    """Write `best.parquet` and `best.jsonl` (the same rows) under `out_dir`; see the module doc."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    export = BestExport(out / PARQUET_NAME, out / JSONL_NAME)
    rows = []
    for benchmark, candidates in best_candidates(store, run_ids, benchmarks).items():
        reasons = []
        for candidate in candidates[:tries]:
            row, reason = validated_row(candidate, check_behaviour)
            if row is not None:
                rows.append(row)
                break
            reasons.append(f"{candidate['commandline'][:60]!r}: {reason}")
        else:
            export.skipped.append(
                f"{benchmark}: none of its best {min(tries, len(candidates))} validated ("
                + "; ".join(reasons)
                + ")"
            )
    table = pa.Table.from_pylist(rows, schema=BEST_SCHEMA)
    pq.write_table(table, export.parquet)
    with export.jsonl.open("w") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    export.rows = len(rows)
    return export


def validated_row(
    episode: dict[str, Any], check_behaviour: bool = True
) -> tuple[dict[str, Any] | None, str]:
    """The export row of a recorded episode, replayed here; (None, why) if it does not validate."""
    from cgym_ray.agents import PIPELINE_AGENTS
    from cgym_ray.envs.state import CompilerEnvState
    from cgym_ray.envs.validation import validate
    from cgym_ray.llvm.pipelines.edits import EDITS_VERSION

    kind = "pipeline" if episode["agent"] in PIPELINE_AGENTS else "passes"
    state = CompilerEnvState(
        benchmark=episode["benchmark"],
        commandline=episode["commandline"],
        reward=episode["reward"],
        backend=episode["backend"],
        llvm_version=episode["llvm_version"],
        reward_space=episode["reward_space"],
        actions_version=EDITS_VERSION if kind == "pipeline" else "",
    )
    result = validate(state, check_behaviour=check_behaviour)
    if not result.ok:
        return None, "; ".join(f"{f.kind}: {f.message}" for f in result.failures)
    ir_o0, ir, counts = _replayed_ir(state, kind)
    return {
        "benchmark": state.benchmark,
        "kind": kind,
        "commandline": state.commandline,
        "reward": result.reward,
        "reward_space": state.reward_space,
        **counts,
        "behaviour_checked": result.behaviour_checked,
        "ir_o0": ir_o0,
        "ir": ir,
        "backend": state.backend,
        "llvm_version": state.llvm_version,
        "run_id": episode["run_id"],
        "episode_id": episode["episode_id"],
        "agent": episode["agent"],
    }, ""


def _replayed_ir(state: Any, kind: str) -> tuple[str, str, dict[str, int | None]]:
    """The benchmark's O0 IR, the IR the state's commandline gives, and the instruction counts."""
    from cgym_ray.envs.llvm_env import LlvmEnv

    env = LlvmEnv(backend=state.backend, reward_space=state.reward_space)
    try:
        env.reset(options={"benchmark": state.benchmark})
        ir_o0 = env.observation["Ir"]
        references = env.references("instruction_count")
        if kind == "passes":
            env.apply(state)
            ir = env.observation["Ir"]
            count = int(env.observation["IrInstructionCount"][0])
    finally:
        env.close()
    if kind == "pipeline":
        from cgym_ray.envs.pipeline_env import PipelineEnv

        pipeline_env = PipelineEnv(reward_space=state.reward_space or "IrInstructionCountOz")
        try:
            pipeline_env.apply(state)
            session = pipeline_env._require_compiler().session
            measured = session.measure("ir_text", "instruction_count")
            ir, count = measured["ir_text"], int(measured["instruction_count"])
        finally:
            pipeline_env.close()
    counts = {
        "instruction_count_o0": references.get("O0"),
        "instruction_count_oz": references.get("Oz"),
        "instruction_count": count,
    }
    return ir_o0, ir, counts
