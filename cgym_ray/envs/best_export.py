"""The best validated result per program, as supervised data: one Parquet file and one JSONL.

    >>> export = export_best(store, "best/", run_ids=[run_id])  # doctest: +SKIP
    >>> export.rows, export.skipped  # doctest: +SKIP
    (12, [])

The form used to fine-tune sequence models on compiler tasks (Meta's LLM
Compiler): per program, the unoptimized IR (`ir_o0`), the pass list or
pipeline text that did best (`commandline`, `kind` "passes" or "pipeline"),
and the IR it gives (`ir`), with the instruction counts and reward around them.

A search keeps a pass list for its best prefix (the passes after it can undo
the gain), so an episode of single passes whose steps the store holds counts
for the prefix ending at its best step (the highest cumulative reward, the
fewest steps on a tie), with that step's reward; an episode without steps, or
of pipeline edits, counts whole. For each benchmark these are ranked by
reward (fewer steps first on a tie); the first of at most `tries` distinct
commandlines that validates is exported: replayed on a fresh env, its reward matched and,
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
# Rewards this close are a tie (sums of per-step rewards carry rounding).
REWARD_TIE = 1e-9
# Per episode, its best step (highest cumulative reward, then the earliest) and how many
# actions ran up to it (a failed step changed nothing and is not in the commandline).
BEST_PREFIXES = """
WITH counted AS (
    SELECT
        episode_id, step, cumulative_reward,
        CAST(
            sum(CASE WHEN error IS NULL THEN 1 ELSE 0 END)
                OVER (PARTITION BY episode_id ORDER BY step) AS INTEGER
        ) AS actions,
        row_number() OVER (
            PARTITION BY episode_id ORDER BY round(cumulative_reward, 9) DESC, step
        ) AS rank
    FROM steps WHERE {steps_where}
),
best_step AS (
    SELECT episode_id, cumulative_reward, step + 1 AS steps, actions FROM counted WHERE rank = 1
)
SELECT
    e.run_id, e.episode_id, e.benchmark, e.agent, e.reward, e.num_steps, e.reward_space,
    e.commandline, e.backend, e.llvm_version,
    b.cumulative_reward AS prefix_reward, b.steps AS prefix_steps, b.actions AS prefix_actions
FROM episodes AS e LEFT JOIN best_step AS b USING (episode_id)
WHERE {where}
"""
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
    """Per benchmark, its finished episodes' best prefixes with a reward, best first, one per commandline."""
    from cgym_ray.agents import PIPELINE_AGENTS
    from cgym_ray.llvm.actions import COMMANDLINE_SEPARATOR

    clauses = ["e.status = 'ok'", "e.reward IS NOT NULL", "e.commandline <> ''"]
    parameters: dict[str, Any] = {}
    if run_ids:
        clauses.append("list_contains($run_ids, e.run_id)")
        parameters["run_ids"] = run_ids
    if benchmarks:
        clauses.append("list_contains($benchmarks, e.benchmark)")
        parameters["benchmarks"] = benchmarks
    steps_where = "list_contains($run_ids, run_id)" if run_ids else "true"
    query = BEST_PREFIXES.format(where=" AND ".join(clauses), steps_where=steps_where)
    rows = store.query(query, parameters).to_pylist()
    ranked = []
    for row in rows:
        prefix = row.pop("prefix_reward"), row.pop("prefix_steps"), row.pop("prefix_actions")
        reward, steps, actions = prefix
        if (
            reward is not None
            and row["agent"] not in PIPELINE_AGENTS
            and steps < row["num_steps"]
            and reward >= row["reward"] - REWARD_TIE
        ):
            words = row["commandline"].split(COMMANDLINE_SEPARATOR)
            row.update(
                reward=reward,
                num_steps=steps,
                commandline=COMMANDLINE_SEPARATOR.join(words[:actions]),
            )
        if row["commandline"]:
            ranked.append(row)
    ranked.sort(
        key=lambda row: (
            row["benchmark"],
            -round(row["reward"], 9),
            row["num_steps"],
            row["episode_id"],
        )
    )
    candidates: dict[str, list[dict[str, Any]]] = {}
    for row in ranked:
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
