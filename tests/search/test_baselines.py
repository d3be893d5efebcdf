"""Every baseline: a valid, replayable result; determinism; the budget; reports; closed envs."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.errors import CompilerError
from cgym_ray.search import AGENTS, Budget, EpisodeOutcome, SearchResult
from tests.search.conftest import ACTIONS, AGENT_PARAMS, CRC32

STEP_BUDGET = 200


def run_agent(name: str, make_env, seed: int = 0, steps: int = STEP_BUDGET):
    reports: list[EpisodeOutcome] = []
    result = AGENTS[name](
        make_env, CRC32, Budget(steps=steps), seed, report=reports.append, **AGENT_PARAMS[name]
    )
    return result, reports


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[SearchResult, list[EpisodeOutcome]]]:
    """Each baseline run once on crc32, shared by the tests that only read the outcome."""
    make_env = lambda: gym.make("llvm-ic-v0").unwrapped  # noqa: E731
    return {name: run_agent(name, make_env) for name in AGENTS}


def replayed_reward(state) -> float:
    env = gym.make("llvm-ic-v0").unwrapped
    try:
        env.apply(state)
        return env.episode_reward
    finally:
        env.close()


def test_registry_names_the_baselines():
    assert set(AGENTS) == {
        "random",
        "greedy",
        "beam",
        "epsilon_greedy",
        "annealing",
        "genetic",
        "guided_random",
        "coreset",
        "coreset_guided",
        "portfolio",
    }


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_best_state_replays_to_the_claimed_reward(runs, name):
    result, _ = runs[name]
    assert result.agent == name and result.benchmark == CRC32
    assert result.best_state.benchmark == CRC32
    assert result.best_state.reward == result.best_reward
    assert result.best_reward > 0.5  # every baseline finds something on crc32
    assert replayed_reward(result.best_state) == pytest.approx(result.best_reward, abs=1e-12)


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_step_budget_is_respected(runs, name):
    result, reports = runs[name]
    assert 0 < result.steps <= STEP_BUDGET
    assert sum(len(r.steps) for r in reports) <= result.steps


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_reports_are_well_formed_episodes(runs, name):
    result, reports = runs[name]
    assert len(reports) == result.episodes > 0
    names = gym.make("llvm-ic-v0").unwrapped.action_space.names
    for episode in reports:
        assert episode.benchmark == CRC32 and episode.seed == 0 and episode.steps
        for step in episode.steps:
            assert names[step.action] == step.action_name
            assert step.walltime_s >= 0 and math.isfinite(step.reward)
        completed = [s for s in episode.steps if s.error is None]
        assert episode.state.commandline == " ".join(s.action_name for s in completed)
        assert episode.state.reward == pytest.approx(sum(s.reward for s in completed), abs=1e-12)
        if episode.status == "error":
            assert episode.steps[-1].error and episode.steps[-1].terminated
            assert episode.error == episode.steps[-1].error
        else:
            assert episode.status == "ok" and episode.error is None
            assert all(s.error is None for s in episode.steps)
            assert all(s.instruction_count is not None for s in episode.steps)
    best_reported = max(r.state.reward for r in reports)
    assert result.best_reward >= best_reported - 1e-12  # the best prefix is at least as good


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_same_seed_and_step_budget_give_the_same_search(runs, make_env, name):
    first, first_reports = runs[name]
    second, second_reports = run_agent(name, make_env)
    assert second.best_state.commandline == first.best_state.commandline
    assert second.best_reward == first.best_reward
    assert (second.steps, second.episodes) == (first.steps, first.episodes)
    assert [r.state.commandline for r in second_reports] == [
        r.state.commandline for r in first_reports
    ]


@pytest.mark.parametrize(
    "name", ["random", "annealing", "genetic", "guided_random", "coreset_guided"]
)
def test_another_seed_gives_another_search(runs, make_env, name):
    first, first_reports = runs[name]
    other, other_reports = run_agent(name, make_env, seed=1)
    assert [r.state.commandline for r in other_reports] != [
        r.state.commandline for r in first_reports
    ]


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_every_env_opened_or_forked_is_closed(make_env, monkeypatch, name):
    opened: list[LlvmEnv] = []
    original_fork = LlvmEnv.fork

    def recording_make_env() -> LlvmEnv:
        opened.append(make_env())
        return opened[-1]

    def recording_fork(self: LlvmEnv) -> LlvmEnv:
        opened.append(original_fork(self))
        return opened[-1]

    monkeypatch.setattr(LlvmEnv, "fork", recording_fork)
    run_agent(name, recording_make_env, steps=100)
    assert opened and all(env._session is None for env in opened)


def test_time_budget_stops_the_search(make_env):
    # No step limit: only the time budget can end this search. The thread's join limit only turns
    # a search that never stops into a failure instead of a hang; it is no claim about speed.
    import threading

    results = []
    search = threading.Thread(
        target=lambda: results.append(
            AGENTS["random"](make_env, CRC32, Budget(seconds=1.0), 0, **AGENT_PARAMS["random"])
        )
    )
    search.start()
    search.join(timeout=300)
    assert not search.is_alive(), "the search did not stop at its time budget"
    (result,) = results
    assert result.steps > 0


def test_beam_of_width_one_is_greedy(make_env):
    params = dict(AGENT_PARAMS["greedy"])
    greedy = AGENTS["greedy"](make_env, CRC32, Budget(steps=STEP_BUDGET), 0, **params)
    beam = AGENTS["beam"](
        make_env, CRC32, Budget(steps=STEP_BUDGET), 0, width=1, actions=params["actions"]
    )
    assert beam.best_state.commandline == greedy.best_state.commandline
    assert beam.best_reward == greedy.best_reward


def test_greedy_budget_too_small_for_a_sweep_returns_the_unoptimized_module(make_env):
    result = AGENTS["greedy"](make_env, CRC32, Budget(steps=5), 0, **AGENT_PARAMS["greedy"])
    assert result.steps == 0 and result.episodes == 0
    assert result.best_reward == 0.0 and result.best_state.commandline == ""


def test_coreset_guided_is_at_least_as_good_as_its_coreset(runs):
    coreset, _ = runs["coreset"]
    chained, reports = runs["coreset_guided"]
    assert chained.best_reward >= coreset.best_reward
    # It played the coreset first, each sequence also without -Oz's size marks (llvm-ic-v0
    # loads the module with them), then went on with the rest of the budget.
    sequences = AGENT_PARAMS["coreset_guided"]["sequences"]
    played = [s for sequence in sequences for s in (sequence, f"drop-size-attributes {sequence}")]
    assert [r.state.commandline for r in reports[: len(played)]] == played
    assert len(reports) > len(played) and chained.steps > coreset.steps


def test_size_variants_flip_the_marks_the_env_loads_with():
    from cgym_ray.search.coreset_guided import with_size_variants

    names = ["sroa", "size-attributes", "drop-size-attributes"]
    assert with_size_variants(["sroa"], names, True, marked=True) == [
        "sroa",
        "drop-size-attributes sroa",
    ]
    assert with_size_variants(["sroa"], names, True, marked=False) == [
        "sroa",
        "size-attributes sroa",
    ]
    assert with_size_variants(["sroa"], names, False, marked=True) == ["sroa"]
    assert with_size_variants(["sroa"], names[:2], True, marked=True) == ["sroa"]  # a v3 catalogue


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 8 * 24 * 3600.0])
def test_an_endless_time_budget_needs_a_step_limit(seconds):
    with pytest.raises(CompilerError, match="finite|week|positive"):
        Budget(seconds=seconds)
    if seconds == 8 * 24 * 3600.0:
        assert Budget(steps=100, seconds=seconds).steps == 100


def test_greedy_from_oz_never_ends_worse_than_oz(make_env):
    params = {**AGENT_PARAMS["greedy"], "start": "Oz"}
    result = AGENTS["greedy"](make_env, CRC32, Budget(steps=STEP_BUDGET), 0, **params)
    assert result.best_state.commandline.split()[0] == "Oz"
    assert result.best_reward >= 1.0 - 1e-9


def test_greedy_without_macros_never_tries_them(make_env):
    tried: list[int] = []

    def recording_make_env():
        env = make_env()
        original = env.try_actions

        def try_actions(actions):
            tried.extend(actions)
            return original(actions)

        env.try_actions = try_actions
        return env

    AGENTS["greedy"](recording_make_env, CRC32, Budget(steps=400), 0, start="O0", macros=False)
    catalogue = make_env().action_space.catalogue
    assert tried and not any(catalogue[index].is_macro for index in tried)


def test_annealing_from_an_initial_sequence_plays_it_first(make_env):
    initial = "sroa instcombine simplifycfg gvn dce"
    reports: list = []
    AGENTS["annealing"](
        make_env,
        CRC32,
        Budget(steps=20),
        0,
        report=reports.append,
        actions=ACTIONS,
        sequence_length=10,
        initial=initial,
    )
    first = reports[0].state.commandline.split()
    assert first[:5] == initial.split() and len(reports) == 2
