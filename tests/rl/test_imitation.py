"""Imitation before RL: search results replayed into (observation, action) pairs, then fitted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.jobs.loading import JobConfigError
from cgym_ray.rl.imitation import best_prefix_length, demonstrations, fit_module, load_best_rows

from .conftest import SMOKE_CONFIG, smoke_job

CRC32 = "benchmark://cgym-suite-v0/crc32"
HEAPSORT = "benchmark://cgym-suite-v0/heapsort"
ROWS = [
    {"benchmark": CRC32, "kind": "passes", "commandline": "mem2reg instcombine simplifycfg"},
    {"benchmark": HEAPSORT, "kind": "passes", "commandline": "sroa gvn instcombine dce"},
]


def write_best(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)


def imitation_job(tmp_path, rows, *overrides):
    data = write_best(tmp_path / "best.jsonl", rows)
    return smoke_job(
        tmp_path,
        "terminal_action=true",
        f"imitation={{data: [{data}], epochs: 300, lr: 0.01}}",
        *overrides,
    )


def test_replayed_pass_lists_give_the_policy_observations_actions_stop_and_returns(tmp_path):
    job = imitation_job(tmp_path, ROWS)
    data = demonstrations(job, load_best_rows(job.imitation.data))
    names = job.action_names
    stop = len(names)
    expected = [names.index(n) for n in ROWS[0]["commandline"].split()] + [stop]
    expected += [names.index(n) for n in ROWS[1]["commandline"].split()] + [stop]
    assert data.programs == 2 and data.actions.tolist() == expected
    # Autophase ÷ TotalInsts (56), then the action counts so far ÷ episode length (10).
    assert data.observations.shape == (len(expected), 56 + stop + 1)
    history = data.observations[:, 56:] * job.episode_length
    assert history[:4].sum(axis=1).round().tolist() == [0, 1, 2, 3]
    # Returns to go: the stop step gets nothing, and each step adds its reward.
    assert data.returns[3] == 0 and data.returns[0] > data.returns[2] > 0


def test_stop_at_best_cuts_a_list_after_its_best_prefix(tmp_path):
    # reg2mem undoes mem2reg: the list is best after instcombine, so with stop_at_best
    # the policy learns to stop there instead of playing the losing last pass.
    rows = [{"benchmark": CRC32, "kind": "passes", "commandline": "mem2reg instcombine reg2mem"}]
    whole = imitation_job(tmp_path, rows)
    cut = imitation_job(
        tmp_path, rows, f"imitation={{data: [{whole.imitation.data[0]}], stop_at_best: true}}"
    )
    names = whole.action_names
    stop, played = len(names), [names.index(n) for n in rows[0]["commandline"].split()]
    assert demonstrations(whole, rows).actions.tolist() == [*played, stop]
    data = demonstrations(cut, rows)
    assert data.actions.tolist() == [*played[:2], stop]
    assert data.returns[0] > 0 and data.returns[-1] == 0


def test_best_prefix_length_is_the_shortest_prefix_with_the_highest_total():
    assert best_prefix_length([0.5, 0.0, 0.2, -0.3]) == 3
    assert best_prefix_length([0.5, 0.0, -0.2, 0.2]) == 1
    assert best_prefix_length([-0.1, -0.2]) == 1
    assert best_prefix_length([]) == 0


def test_rows_the_policy_cannot_play_are_skipped_with_the_reason(tmp_path):
    rows = [
        *ROWS,
        {"benchmark": CRC32, "kind": "passes", "commandline": "Oz instcombine"},
        {"benchmark": CRC32, "kind": "pipeline", "commandline": "function(sroa)"},
        {"benchmark": CRC32, "kind": "passes", "commandline": " ".join(["dce"] * 11)},
    ]
    job = imitation_job(tmp_path, rows)
    data = demonstrations(job, load_best_rows(job.imitation.data))
    assert data.programs == 2
    reasons = " | ".join(data.skipped)
    assert "does not have: Oz" in reasons and "a pipeline" in reasons
    assert "longer than an episode (10)" in reasons


def test_the_shipped_imitation_config_and_its_agent_names(tmp_path):
    from cgym_ray.jobs.loading import load_job

    job = load_job(SMOKE_CONFIG.parent / "bc.yaml")
    assert job.imitation is not None and job.terminal_action and job.agent_name == "bc"
    assert not {"O1", "O2", "O3", "Oz"} & set(job.action_names)
    assert imitation_job(tmp_path, ROWS, "iterations=3").agent_name == "bc+ppo"
    assert smoke_job(tmp_path).agent_name == "ppo"


def test_missing_data_and_an_empty_job_are_clear_errors(tmp_path):
    with pytest.raises(CompilerError, match="results export best"):
        load_best_rows([str(tmp_path / "nothing.jsonl")])
    with pytest.raises(JobConfigError, match="trains nothing"):
        smoke_job(tmp_path, "iterations=0")


def test_the_fitted_module_plays_the_demonstrated_pass_lists(tmp_path):
    """Fitted on two programs' lists, the policy's likeliest actions replay them, then stop."""
    from ray.rllib.algorithms.ppo import PPOConfig
    from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig

    from cgym_ray.rl.algorithms import env_config
    from cgym_ray.rl.envs import make_rl_env

    job = imitation_job(tmp_path, ROWS)
    data = demonstrations(job, load_best_rows(job.imitation.data))
    env = make_rl_env(env_config(job, [CRC32]))
    module = (
        PPOConfig()
        .rl_module(model_config=DefaultModelConfig(fcnet_hiddens=[32]))
        .get_rl_module_spec(env=env)
        .build()
    )
    history = fit_module(module, data, job.imitation)
    assert history[-1]["accuracy"] == 1.0 and history[-1]["policy_loss"] < history[0]["policy_loss"]

    import torch

    for row in ROWS:
        observation, _ = env.reset(options={"benchmark": row["benchmark"]})
        played = []
        for _ in range(job.episode_length):
            with torch.no_grad():
                logits = module.forward_inference({"obs": torch.as_tensor(observation[None])})
            action = int(np.argmax(logits["action_dist_inputs"][0].numpy()))
            if action == len(job.action_names):
                break
            played.append(job.action_names[action])
            observation, *_ = env.step(action)
        assert " ".join(played) == row["commandline"]
    env.close()


@pytest.mark.slow  # Ray and RLlib
def test_a_train_job_with_imitation_alone_checkpoints_a_policy_that_plays_the_lists(
    ray_cluster, tmp_path
):
    import gymnasium as gym

    from cgym_ray.rl.agents import policy_agent
    from cgym_ray.rl.runner import run_train_job
    from cgym_ray.search.common import Budget

    job = imitation_job(tmp_path, ROWS, "iterations=0", "eval.splits={}", "eval.interval=0")
    summary = run_train_job(job, progress=False)
    assert summary.iterations == 0 and summary.env_steps == 0
    lines = (tmp_path / "out" / "imitation.jsonl").read_text().splitlines()
    assert len(lines) == 300 and json.loads(lines[-1])["accuracy"] == 1.0

    def make_env():
        return gym.make("llvm-ic-v0").unwrapped

    for row in ROWS:
        result = policy_agent(
            make_env,
            row["benchmark"],
            Budget(steps=20),
            0,
            checkpoint=summary.final_checkpoint,
            guided=False,
        )
        assert result.episodes == 1 and result.steps == len(row["commandline"].split())
