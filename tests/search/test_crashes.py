"""Baselines survive a compiler that aborts (or hangs) on one action, and move on."""

from __future__ import annotations

import gymnasium as gym
import pytest

from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.session import CompilerSession
from cgym_ray.search import AGENTS, Budget, EpisodeOutcome
from tests.search.conftest import AGENT_PARAMS, CRC32

CRASHING_ACTION = "gvn"  # in the tests' action set, and useful on crc32


def make_action_fail(monkeypatch, kind: str = "abort") -> None:
    """Every compiler session (forks too) runs an injected fault instead of CRASHING_ACTION."""
    resolve = CompilerSession.resolve

    def failing_resolve(self: CompilerSession, action):
        resolved = resolve(self, action)
        if resolved.name == CRASHING_ACTION:
            return Action(CRASHING_ACTION, f"cgym-inject-{kind}")
        return resolved

    monkeypatch.setattr(CompilerSession, "resolve", failing_resolve)


def crash_params(name: str) -> dict[str, object]:
    params = dict(AGENT_PARAMS[name])
    if name in ("coreset", "portfolio"):  # make the crash certain: two sequences run the action
        params["sequences"] = ["sroa gvn instcombine", "sroa instcombine", "mem2reg gvn"]
    return params


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_search_survives_a_compiler_abort(monkeypatch, make_env, name):
    make_action_fail(monkeypatch)
    reports: list[EpisodeOutcome] = []
    result = AGENTS[name](
        make_env, CRC32, Budget(steps=200), 0, report=reports.append, **crash_params(name)
    )
    assert CRASHING_ACTION not in result.best_state.commandline.split()
    assert result.best_reward > 0 and 0 < result.steps <= 200
    env = gym.make("llvm-ic-v0").unwrapped
    env.apply(result.best_state)
    assert env.episode_reward == pytest.approx(result.best_reward, abs=1e-12)
    env.close()
    failed = [r for r in reports if r.status == "error"]
    if name not in ("greedy", "beam"):  # try_actions searches never step into the crash
        assert failed, "the crashing action was never taken"
    for episode in failed:
        assert episode.steps[-1].action_name == CRASHING_ACTION
        assert "abort" in episode.error and episode.steps[-1].terminated
    if failed:  # the search went on after its first failure
        first = next(i for i, r in enumerate(reports) if r.status == "error")
        assert first < len(reports) - 1


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_random_search_survives_a_pass_that_hangs(monkeypatch):
    make_action_fail(monkeypatch, "hang")
    reports: list[EpisodeOutcome] = []
    make_env = lambda: gym.make("llvm-ic-v0", step_timeout_s=0.5).unwrapped  # noqa: E731
    result = AGENTS["random"](
        make_env, CRC32, Budget(steps=120), 0, report=reports.append, **AGENT_PARAMS["random"]
    )
    timeouts = [r for r in reports if r.status == "error"]
    assert timeouts and all("timeout" in r.error for r in timeouts)
    assert result.steps == 120 and result.best_reward > 0


@pytest.mark.parametrize("name", ["random", "greedy"])
def test_a_time_budget_bounds_a_pass_that_hangs(monkeypatch, name):
    # The step timeout (600 s) would hold the search; the budget's end plus the overrun ends it.
    from cgym_ray.search import common

    monkeypatch.setattr(common, "MIN_OVERRUN_S", 0.5)
    make_action_fail(monkeypatch, "hang")
    reports: list[EpisodeOutcome] = []
    make_env = lambda: gym.make("llvm-ic-v0", step_timeout_s=600).unwrapped  # noqa: E731
    result = AGENTS[name](
        make_env, CRC32, Budget(seconds=2), 0, report=reports.append, **AGENT_PARAMS[name]
    )
    assert result.best_reward > 0 and CRASHING_ACTION not in result.best_state.commandline.split()
    timed_out = [r for r in reports if r.status == "error"]
    for report in timed_out:
        seconds = float(report.error.split("no answer after ")[1].split(" s")[0])
        assert "timeout" in report.error and seconds <= 2 + 0.5
    if name == "random":
        assert timed_out, "the hanging action was never taken"
