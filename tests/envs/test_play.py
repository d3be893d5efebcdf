"""`LlvmEnv.play`: several steps in one request, the same as stepping one by one."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401

DIJKSTRA = "benchmark://cgym-suite-v0/dijkstra"


def make_env(env_id: str = "llvm-autophase-ic-v0"):
    env = gym.make(env_id).unwrapped
    env.reset(options={"benchmark": DIJKSTRA})
    return env


def passes(env) -> list[int]:
    return [i for i, a in enumerate(env.action_space.catalogue) if not a.is_macro]


def test_play_matches_step_by_step():
    stepped, played = make_env(), make_env()
    actions = [int(a) for a in np.random.default_rng(3).choice(passes(stepped), size=30)]
    expected = [stepped.step(a) for a in actions]
    result = played.play(actions)
    assert [p.action for p in result] == actions
    assert [p.reward for p in result] == pytest.approx([e[1] for e in expected])
    assert [p.info for p in result] == [e[4] for e in expected]
    assert played.episode_reward == pytest.approx(stepped.episode_reward)
    assert played.actions == stepped.actions
    np.testing.assert_array_equal(played.multistep([])[0], expected[-1][0])  # the last observation
    assert played.observation["IrSha1"] == stepped.observation["IrSha1"]
    stepped.close()
    played.close()


def test_play_patience_stops_like_stepping_with_patience():
    env = make_env("llvm-ic-v0")
    actions = [int(a) for a in np.random.default_rng(5).choice(passes(env), size=120)]
    in_worker = env.play(actions, patience=8, action_effect=False)
    assert 8 <= len(in_worker) < 120
    assert all("action_had_no_effect" not in p.info for p in in_worker)
    env.reset(options={"benchmark": DIJKSTRA})
    stepwise = env._play_stepwise(actions, 8, None, None)
    assert [p.action for p in stepwise] == [p.action for p in in_worker]
    assert [p.metric for p in stepwise] == [p.metric for p in in_worker]
    env.close()


def test_a_crash_inside_play_ends_the_episode_at_that_step(monkeypatch):
    env = make_env("llvm-ic-v0")
    boom, uses = with_fake_action(monkeypatch, env, "cgym-inject-abort")
    catalogue = env.action_space.catalogue
    actions = [
        catalogue.index_of("sroa"),
        catalogue.index_of("gvn"),
        boom,
        catalogue.index_of("instcombine"),
    ]
    played = env.play(actions)
    assert [p.terminated for p in played] == [False, False, True]
    assert played[-1].info["error"]["type"] == "CompilerAbort"
    assert env.actions == actions[:2]
    assert len(uses) == 1  # the worker left the failing step's index: it was not run again
    env.reset(options={"benchmark": DIJKSTRA})
    assert not env.step(catalogue.index_of("sroa"))[2]
    env.close()


def with_fake_action(monkeypatch, env, pipeline: str) -> tuple[int, list[int]]:
    """Make index 10,000 an action running `pipeline`; returns it and a list counting its uses."""
    from cgym_ray.llvm.actions import Action

    catalogue, fake, uses = env.action_space.catalogue, Action("fake", pipeline), []
    lookup = catalogue.lookup
    monkeypatch.setattr(
        catalogue, "lookup", lambda a: (uses.append(a), fake)[1] if a == 10_000 else lookup(a)
    )
    monkeypatch.setattr(env.action_space, "contains", lambda a: True)
    monkeypatch.setattr(
        env.action_space, "names", [*env.action_space.names, *[""] * (10_001 - env.action_space.n)]
    )
    return 10_000, uses


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_a_hang_inside_play_times_out_with_the_time_limit_and_is_not_run_again(monkeypatch):
    env = make_env("llvm-ic-v0")
    env.step_timeout_s = 600.0  # only the time limit can end the hang in time
    hang, uses = with_fake_action(monkeypatch, env, "cgym-inject-hang")
    sroa, gvn = (
        env.action_space.catalogue.index_of("sroa"),
        env.action_space.catalogue.index_of("gvn"),
    )
    # A time limit that sroa and gvn on crc32 finish well inside, even on a loaded machine.
    time_limit_s, overrun_s = 5.0, 0.3
    played = env.play([sroa, gvn, hang, sroa], time_limit_s=time_limit_s, overrun_s=overrun_s)
    assert [p.terminated for p in played] == [False, False, True]
    error = played[-1].info["error"]
    assert error["type"] == "CompilerTimeout" and error["cause"] == "timeout"
    timed_out_after_s = float(error["detail"].split("after ")[1].split(" s")[0])
    assert timed_out_after_s <= time_limit_s + overrun_s  # not the 600 s step timeout
    assert len(uses) == 1  # the rebuilt episode did not run the hanging step again
    assert env.actions == [sroa, gvn] and env.step_timeout_s == 600.0
    env.reset()
    assert not env.step(sroa)[2]
    env.close()


def test_try_actions_survives_a_crash_and_runs_the_crashing_action_once(monkeypatch):
    env = make_env("llvm-ic-v0")
    boom, uses = with_fake_action(monkeypatch, env, "cgym-inject-abort")
    catalogue = env.action_space.catalogue
    sroa, gvn = catalogue.index_of("sroa"), catalogue.index_of("gvn")
    expected = env.try_actions([sroa, gvn])
    rewards = env.try_actions([sroa, boom, gvn])
    assert rewards == [expected[0], None, expected[1]] and len(uses) == 1
    assert not env.step(sroa)[2]
    env.close()


def test_reset_reuses_the_worker_and_starts_from_the_benchmark():
    env = make_env("llvm-ic-v0")
    first_sha, pid = env.observation["IrSha1"], env._session.worker_pid
    env.multistep(passes(env)[:10])
    env.reset(options={"benchmark": "benchmark://cgym-suite-v0/crc32"})
    env.reset(options={"benchmark": DIJKSTRA})
    assert env._session.worker_pid == pid
    assert (
        env.observation["IrSha1"] == first_sha and env.actions == [] and env.episode_reward == 0.0
    )
    env.close()
