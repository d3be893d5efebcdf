"""The shared bookkeeping: budget accounting, best-prefix tracking, helpers."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.search.annealing import mutate
from cgym_ray.search.common import Budget, BudgetClock, behaviour_note
from cgym_ray.search.episodes import SearchRun, best_action
from tests.search.conftest import CRC32


def index(env, name: str) -> int:
    return env.action_space.names.index(name)


def test_run_keeps_the_best_prefix_not_the_last_state(make_env):
    with SearchRun("test", make_env, CRC32, Budget(steps=10), 0) as run:
        episode = run.new_episode()
        env = episode.env
        run.step(episode, index(env, "Oz"))
        after_oz = run.best_reward
        run.step(episode, index(env, "reg2mem"))  # undoes much of it
        assert episode.reward < after_oz == run.best_reward
        run.end_episode(episode)
        result = run.result({})
    assert result.best_state.commandline == "Oz" and result.best_reward == pytest.approx(1.0)
    assert result.steps == 2 and result.episodes == 1
    assert env._session is None  # closed with the run


def test_can_afford_counts_steps_and_tries(make_env):
    with SearchRun("test", make_env, CRC32, Budget(steps=5), 0) as run:
        episode = run.new_episode()
        assert run.can_afford(5) and not run.can_afford(6)
        rewards = run.try_actions(episode, [0, 1, 2])
        assert len(rewards) == 3 and run.clock.steps == 3
        assert run.play(episode, [index(episode.env, "sroa")] * 3) is False
        assert run.clock.steps == 5 and len(episode.steps) == 2


def test_an_episode_without_steps_is_not_reported(make_env):
    reports = []
    with SearchRun("test", make_env, CRC32, Budget(steps=5), 0, report=reports.append) as run:
        run.end_episode(run.new_episode())
        assert reports == [] and run.episodes == 0


def test_unknown_action_names_are_a_clear_error(make_env):
    with SearchRun("test", make_env, CRC32, Budget(steps=5), 0) as run:
        env = run.open_env()
        with pytest.raises(CompilerError, match="unknown action 'no-such-pass'"):
            run.action_indices(env, ["sroa", "no-such-pass"])


def test_budget_fraction_used_follows_the_larger_of_steps_and_time():
    clock = BudgetClock(Budget(steps=10, seconds=1000))
    assert clock.fraction_used < 0.01
    clock.spend(4)
    assert clock.fraction_used == pytest.approx(0.4)
    clock.spend(20)
    assert clock.fraction_used == 1.0


def test_best_action_breaks_ties_by_order_and_skips_failures():
    assert best_action([5, 3, 9], [0.2, 0.2, None]) == (5, 0.2)
    assert best_action([5, 3], [None, None])[0] == -1


def test_mutate_keeps_the_length_and_changes_little():
    rng = np.random.default_rng(0)
    sequence = list(range(20))
    for _ in range(100):
        neighbour = mutate(sequence, [100, 101], rng)
        assert len(neighbour) == 20
        assert sum(a != b for a, b in zip(neighbour, sequence, strict=True)) >= 1


def test_an_env_without_reward_is_refused_and_a_wrapped_one_is_unwrapped():
    with pytest.raises(CompilerError, match="no reward space"):
        with SearchRun("test", lambda: gym.make("llvm-v0"), CRC32, Budget(steps=5), 0) as run:
            run.open_env()
    with SearchRun("test", lambda: gym.make("llvm-ic-v0"), CRC32, Budget(steps=5), 0) as run:
        episode = run.new_episode()
        run.step(episode, index(episode.env, "sroa"))
        assert run.best_reward > 0


# On LLVM 23.1.4 these three passes miscompile lzw: its program never ends (and
# with O2 after them, main folds to `unreachable` and exits with 44). Found by
# random search; reduced by deleting actions one by one.
LZW = "benchmark://cgym-suite-v0/lzw"
MISCOMPILING = ["early-cse-memssa", "dse", "newgvn"]


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_a_prefix_whose_program_misbehaves_never_becomes_the_best(make_env):
    with SearchRun("test", make_env, LZW, Budget(steps=100), 0) as run:
        episode = run.new_episode()
        actions = [index(episode.env, name) for name in MISCOMPILING]
        run.play(episode, actions[:2])
        trusted_reward = run.best_reward
        assert trusted_reward > 0 and run.best_actions == actions[:2]
        run.step(episode, actions[2])
        assert episode.reward > trusted_reward  # the miscompiled module is smaller...
        assert (
            run.best_reward == trusted_reward and run.best_actions == actions[:2]
        )  # ...but not taken
        assert not episode.trusts(3) and episode.trusts(2)
        assert len(run.miscompiles) == 1 and run.miscompiles[0].endswith(
            "early-cse-memssa dse newgvn"
        )
        assert run.evaluate(episode.env, actions) is None  # whole-sequence searches see a failure
        result = run.result({})
    assert result.params["miscompiles"] == 2 and result.best_state.commandline == " ".join(
        MISCOMPILING[:2]
    )
    # The job's line for the task says why its result stopped short, and at which prefix.
    assert result.params["first_miscompile"] == run.miscompiles[0]
    note = behaviour_note(result.params)
    assert note is not None and note.startswith("2 best(s) refused by the behaviour check")
    assert note.endswith(run.miscompiles[0]) and "early-cse-memssa dse newgvn" in note


def test_a_search_without_refused_bests_has_no_behaviour_note(make_env):
    with SearchRun("test", make_env, CRC32, Budget(steps=2), 0) as run:
        episode = run.new_episode()
        run.step(episode, index(episode.env, "Oz"))
        result = run.result({})
    assert result.params["miscompiles"] == 0 and "first_miscompile" not in result.params
    assert behaviour_note(result.params) is None


def test_behaviour_checks_can_be_turned_off(make_env):
    with SearchRun("test", make_env, LZW, Budget(steps=100), 0, check_behaviour=False) as run:
        episode = run.new_episode()
        run.play(episode, [index(episode.env, name) for name in MISCOMPILING])
        assert run.best_actions and len(run.best_actions) == 3 and run.behaviour_checks == 0


@pytest.mark.slow  # runs lzw's program: over 4 s on a quiet machine
def test_a_policy_final_state_that_misbehaves_is_reported_so(make_env):
    reports = []
    with SearchRun("test", make_env, LZW, Budget(steps=100), 0, report=reports.append) as run:
        fine = run.new_episode()
        run.play(fine, [index(fine.env, "early-cse-memssa")])
        assert run.check_final(fine) == ""  # its final state is the best: checked already
        run.end_episode(fine)
        bad = run.new_episode()
        run.play(bad, [index(bad.env, name) for name in MISCOMPILING])
        failure = run.check_final(bad)
        run.end_episode(bad)
        result = run.result({})
    assert failure and bad.misbehaves == failure
    assert [r.status for r in reports] == ["ok", "misbehaves"] and reports[1].error == failure
    assert result.params["final_misbehaves"] == f"{failure}: {' '.join(MISCOMPILING)}"
    note = behaviour_note(result.params)
    assert note is not None and note.endswith(
        f"the policy's final state misbehaves: {result.params['final_misbehaves']}"
    )
