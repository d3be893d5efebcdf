"""`results export best`: the best validated pass list per program, with its IR, as Parquet and JSONL."""

from __future__ import annotations

import json

import gymnasium as gym
import pyarrow.parquet as pq
import pytest

import cgym_ray  # noqa: F401  (registers the env ids)
from cgym_ray.envs.best_export import export_best
from cgym_ray.store import EpisodeRecord

from .conftest import CRC32, DIJKSTRA

REWARD = "IrInstructionCountOz"


def played(benchmark: str, commandline: str) -> EpisodeRecord:
    """An episode really played on the env: its reward and counts are what LLVM gives."""
    env = gym.make("llvm-ic-v0", benchmark=benchmark).unwrapped
    try:
        env.reset()
        env.play(env.action_space.from_commandline(commandline))
        state = env.state
        final = int(env.observation["IrInstructionCount"][0])
        references = env.references("instruction_count")
    finally:
        env.close()
    return EpisodeRecord(
        episode_id=f"{benchmark.rsplit('/', 1)[1]}-{commandline}",
        benchmark=benchmark,
        agent="random",
        num_steps=len(commandline.split()),
        reward=state.reward,
        commandline=state.commandline,
        instruction_count_final=final,
        instruction_count_o0=references["O0"],
        instruction_count_oz=references["Oz"],
        backend=state.backend,
        llvm_version=state.llvm_version,
        reward_space=REWARD,
    )


@pytest.mark.slow  # replays five episodes, runs two programs
def test_the_best_validated_result_per_program_is_exported_and_replays(store, run_id, tmp_path):
    episodes = [
        played(CRC32, "sroa"),
        played(CRC32, "sroa instcombine simplifycfg"),
        played(DIJKSTRA, "mem2reg gvn"),
    ]
    # A claim no replay gives: ranked first, refused, and the next best taken instead.
    forged = played(CRC32, "mem2reg")
    forged.episode_id, forged.reward = "forged", 5.0
    with store.writer(run_id) as writer:
        for episode in [*episodes, forged]:
            writer.add_episode(episode)

    export = export_best(store, tmp_path / "best", run_ids=[run_id])

    assert export.rows == 2 and export.skipped == []
    table = pq.read_table(export.parquet).to_pylist()
    lines = [json.loads(line) for line in export.jsonl.read_text().splitlines()]
    assert table == lines
    best = {row["benchmark"]: row for row in table}
    assert best[CRC32]["commandline"] == "sroa instcombine simplifycfg"  # not the forged one
    assert best[DIJKSTRA]["kind"] == "passes" and best[DIJKSTRA]["ir_o0"].startswith("; ModuleID")
    # Re-validate a sample: replaying the exported pass list gives the exported IR and count.
    row = best[CRC32]
    env = gym.make("llvm-ic-v0", benchmark=row["benchmark"]).unwrapped
    try:
        env.reset()
        assert env.observation["Ir"] == row["ir_o0"]
        env.play(env.action_space.from_commandline(row["commandline"]))
        assert env.observation["Ir"] == row["ir"]
        assert env.observation["IrInstructionCount"][0] == row["instruction_count"]
        assert row["instruction_count"] < row["instruction_count_o0"]
        assert abs(env.episode_reward - row["reward"]) < 1e-9
    finally:
        env.close()


def test_a_program_whose_results_all_fail_validation_is_named_not_exported(store, run_id, tmp_path):
    forged = played(CRC32, "sroa")
    forged.reward = 3.0
    with store.writer(run_id) as writer:
        writer.add_episode(forged)
    export = export_best(store, tmp_path / "best", run_ids=[run_id], check_behaviour=False)
    assert export.rows == 0
    assert len(export.skipped) == 1 and CRC32 in export.skipped[0]
    assert "reward" in export.skipped[0]
    assert pq.read_table(export.parquet).num_rows == 0
