"""`results export best`: the best validated pass list per program, with its IR, as Parquet and JSONL."""

from __future__ import annotations

import json

import gymnasium as gym
import pyarrow.parquet as pq
import pytest

import cgym_ray  # noqa: F401  (registers the env ids)
from cgym_ray.envs.best_export import export_best
from cgym_ray.store import EpisodeRecord, StepRecord

from .conftest import CRC32, DIJKSTRA

REWARD = "IrInstructionCountOz"


def played(
    benchmark: str, commandline: str, steps: list[StepRecord] | None = None
) -> EpisodeRecord:
    """An episode really played on the env: its reward and counts are what LLVM gives.

    Its steps, one at a time with their cumulative rewards, go to `steps` when given.
    """
    env = gym.make("llvm-ic-v0", benchmark=benchmark).unwrapped
    episode_id = f"{benchmark.rsplit('/', 1)[1]}-{commandline}"
    try:
        env.reset()
        for index, name in enumerate(commandline.split()):
            _, reward, *_ = env.step(name)
            if steps is not None:
                steps.append(
                    StepRecord(
                        episode_id=episode_id,
                        step=index,
                        benchmark=benchmark,
                        action=env.action_space.from_commandline(name)[0],
                        action_name=name,
                        reward=float(reward),
                        cumulative_reward=env.episode_reward,
                        instruction_count=int(env.observation["IrInstructionCount"][0]),
                        walltime_s=0.0,
                    )
                )
        state = env.state
        final = int(env.observation["IrInstructionCount"][0])
        references = env.references("instruction_count")
    finally:
        env.close()
    return EpisodeRecord(
        episode_id=episode_id,
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


@pytest.mark.slow  # plays and replays three episodes
def test_a_list_is_exported_up_to_its_best_step_with_that_steps_reward(store, run_id, tmp_path):
    # On crc32, loop-rotate grows the code after simplifycfg, and licm then changes
    # nothing: the list is best after three passes (and ties after four).
    steps: list[StepRecord] = []
    grown = played(CRC32, "sroa instcombine simplifycfg licm loop-rotate licm", steps)
    three = [step for step in steps if step.step == 2][0].cumulative_reward
    assert three > grown.reward  # the premise: the whole list is worse than its prefix
    # Without steps in the store an episode counts whole, as the list it played.
    whole = played(DIJKSTRA, "sroa instcombine simplifycfg loop-rotate")
    with store.writer(run_id) as writer:
        for step in steps:
            writer.add_step(step)
        writer.add_episode(grown)
        writer.add_episode(whole)

    export = export_best(store, tmp_path / "best", run_ids=[run_id], check_behaviour=False)

    assert export.rows == 2 and export.skipped == []
    best = {row["benchmark"]: row for row in pq.read_table(export.parquet).to_pylist()}
    assert best[CRC32]["commandline"] == "sroa instcombine simplifycfg"
    assert abs(best[CRC32]["reward"] - three) < 1e-9  # the replayed prefix's own reward
    assert best[DIJKSTRA]["commandline"] == "sroa instcombine simplifycfg loop-rotate"


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
