"""The list chooser: from the -O0 features, the teacher list and the stop its neighbours did best with."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401  (registers the env ids)
from cgym_ray.errors import CompilerError
from cgym_ray.rl.list_chooser import (
    ListChooser,
    TeacherTable,
    chooser_from,
    learn_chooser,
    leave_one_out,
    list_chooser_agent,
    teacher_table,
)
from cgym_ray.search.common import Budget
from cgym_ray.search.default_coreset import DEFAULT_CORESET
from cgym_ray.search.portfolio import FIRST, learned_sequences
from cgym_ray.store import EpisodeRecord, StepRecord, TrajectoryStore

CRC32 = "benchmark://cgym-suite-v0/crc32"
SMALL, BIG = [3.0, 10.0, 1.0], [300.0, 900.0, 50.0]
A, B = "benchmark://set-a/one", "benchmark://set-b/two"


def curve(*rewards: float) -> list[float]:
    """Reward after 0, 1, 2, 3 passes."""
    return [0.0, *rewards]


def chooser_on_crc32(table: TeacherTable, model, budget: Budget, **params):
    """The agent with a chooser of `table` (one neighbour) saved at `model`: result, outcomes."""
    chooser_from(table, neighbours=1).save(model)
    outcomes: list = []
    result = list_chooser_agent(
        lambda: gym.make("llvm-ic-v0").unwrapped,
        CRC32,
        budget,
        0,
        report=outcomes.append,
        model=str(model),
        **params,
    )
    return result, outcomes


def crc32_two_lists() -> TeacherTable:
    """crc32 alone: list 1 whole does best, list 0 stopped after 2 passes next."""
    return TeacherTable(
        [CRC32],
        ["sroa instcombine simplifycfg loop-rotate", "mem2reg gvn"],
        np.asarray([[1.0] * 56]),
        np.asarray([[curve(0.6, 0.7, 0.7, 0.7), curve(0.7, 0.9, 0.9, 0.9)]]),
    )


def two_kinds_table() -> TeacherTable:
    """Small programs do best with list 0 stopped after 2 passes, big ones with list 1 whole."""
    features = np.asarray([SMALL, [4.0, 11.0, 1.0], BIG, [320.0, 880.0, 60.0]])
    small = [curve(0.9, 1.1, 0.7), curve(0.8, 0.9, 0.95)]
    big = [curve(0.9, 0.95, 0.97), curve(0.7, 0.9, 1.2)]
    return TeacherTable(
        ["b://p/s1", "b://p/s2", "b://p/b1", "b://p/b2"],
        ["sroa instcombine simplifycfg", "mem2reg gvn dce"],
        features,
        np.asarray([small, small, big, big]),
    )


def test_the_nearest_programs_choose_the_list_and_where_to_stop(tmp_path):
    table = two_kinds_table()
    chooser = chooser_from(table, neighbours=2)
    assert chooser.choose([5.0, 12.0, 2.0]) == (0, 2)  # small: list 0, stopped before its 3rd
    assert chooser.choose([280.0, 1000.0, 40.0]) == (1, 3)  # big: list 1 whole
    # Asked all four, one compromise for every program: list 1 whole (log mean is best).
    assert chooser_from(table, neighbours=4).choose(SMALL) == (1, 3)
    # Leave-one-out: the other program of its kind decides, and it decides right.
    assert leave_one_out(table, 1) == pytest.approx((1.1 * 1.1 * 1.2 * 1.2) ** 0.25)
    learned, scores = learn_chooser(table, choices=(1, 3))
    assert learned.neighbours == 1 and scores[1] > scores[3]
    learned.save(tmp_path / "chooser.json")
    assert ListChooser.load(tmp_path / "chooser.json") == learned


def test_ranked_gives_every_list_at_its_best_length_best_first():
    chooser = chooser_from(two_kinds_table(), neighbours=2)
    assert chooser.ranked([5.0, 12.0, 2.0]) == [(0, 2), (1, 3)]  # 1.1 > 0.95
    assert chooser.ranked([280.0, 1000.0, 40.0]) == [(1, 3), (0, 3)]  # 1.2 > 0.97
    # A tie between lists: the shorter prefix first, then the list listed first.
    tied = TeacherTable(
        ["b://p/t"],
        ["sroa gvn dce", "mem2reg dce"],
        np.asarray([SMALL]),
        np.asarray([[curve(0.5, 0.9, 0.9), [0.0, 0.5, 0.9, 0.9]]]),
    )
    assert chooser_from(tied, neighbours=1).ranked(SMALL) == [(0, 2), (1, 2)]


def test_a_missing_chooser_file_says_how_to_make_one(tmp_path):
    with pytest.raises(CompilerError, match=r"python -m cgym_ray.rl.list_chooser"):
        ListChooser.load(tmp_path / "none.json")


def test_the_teacher_table_is_read_from_a_run_that_played_each_list_once(tmp_path):
    store = TrajectoryStore.open(tmp_path / "store")
    run_id = store.begin_run(config={}, name="probe")
    lists = ["sroa instcombine simplifycfg", "mem2reg gvn"]
    with store.writer(run_id) as writer:
        for benchmark, observation in ((A, SMALL), (B, BIG)):
            for index, commandline in enumerate(lists):
                episode_id = f"{benchmark[-3]}{index}"
                rewards = [0.5, 0.75, 0.25][: len(commandline.split())]
                for step, reward in enumerate(rewards):
                    writer.add_step(
                        StepRecord(
                            episode_id=episode_id,
                            step=step,
                            benchmark=benchmark,
                            action=step,
                            action_name=commandline.split()[step],
                            reward=0.0,
                            cumulative_reward=reward,
                            instruction_count=1,
                            walltime_s=0.0,
                            # The second list fails at its second pass on program b.
                            error="abort" if (benchmark, index, step) == (B, 1, 1) else None,
                        )
                    )
                writer.add_episode(
                    EpisodeRecord(
                        episode_id=episode_id,
                        benchmark=benchmark,
                        agent="coreset",
                        num_steps=len(rewards),
                        reward=rewards[-1],
                        observation_space="Autophase",
                        initial_observation=observation,
                        agent_params=json.dumps({"sequences": [commandline]}),
                    )
                )
    table = teacher_table(store, run_id)
    assert table.benchmarks == [A, B] and table.lists == lists
    assert table.features.tolist() == [SMALL, BIG]
    assert table.rewards[0, 0].tolist() == [0.0, 0.5, 0.75, 0.25]
    assert table.rewards[0, 1].tolist() == [0.0, 0.5, 0.75, 0.75]  # shorter: held at its end
    assert table.rewards[1, 1].tolist() == [0.0, 0.5, 0.75, 0.75]  # failed: held there
    assert teacher_table(store, run_id, datasets=["set-a"]).benchmarks == [A]
    with pytest.raises(CompilerError, match="no episodes.*in datasets set-c"):
        teacher_table(store, run_id, datasets=["set-c"])


def test_the_agent_plays_the_chosen_prefix_as_one_episode(tmp_path):
    env = gym.make("llvm-ic-v0", benchmark=CRC32).unwrapped
    try:
        env.reset()
        crc32 = list(env.observation["Autophase"])
    finally:
        env.close()
    far = [value * 50 + 100 for value in crc32]
    table = TeacherTable(
        [CRC32, "b://p/far"],
        ["sroa instcombine simplifycfg loop-rotate", "mem2reg gvn"],
        np.asarray([crc32, far]),
        np.asarray([[curve(0.7, 0.8, 0.9, 0.85), curve(0.6, 0.7, 0.7, 0.7)]] * 2),
    )
    result, outcomes = chooser_on_crc32(table, tmp_path / "chooser.json", Budget(steps=45))
    assert len(outcomes) == 1
    assert outcomes[0].state.commandline == "sroa instcombine simplifycfg"
    assert result.params["list"] == 0 and result.params["length"] == 3


@pytest.mark.parametrize("search", ["portfolio", "coreset_guided"])
def test_guided_plays_the_chooser_prefixes_first_then_searches(tmp_path, search):
    table = crc32_two_lists()
    model = tmp_path / "chooser.json"
    result, outcomes = chooser_on_crc32(
        table, model, Budget(steps=2000), guided=True, search=search, k=30
    )
    played = [" ".join(step.action_name for step in outcome.steps) for outcome in outcomes]
    # The chooser's choice (list 1, whole), then list 0 at its best length; the portfolio
    # plays -Oz before them, then its learned sequences; coreset_guided its coreset after them.
    chosen = ["mem2reg gvn", "sroa instcombine"]
    if search == "portfolio":
        learned = learned_sequences()
        assert played[:3] == [FIRST, *chosen]
        assert played[3:5] == learned[:2]
        assert result.params["compilations"] == 30  # k: sequences, replays, tails and walks
    else:
        assert played[:2] == chosen
        assert played[2:4] == [" ".join(s.split()) for s in DEFAULT_CORESET[:2]]
        assert len(outcomes) > 2 + len(DEFAULT_CORESET)
    assert result.steps <= 2000
    assert {"model": str(model), "list": 1, "length": 2, "guided": True}.items() <= (
        result.params.items()
    )
    chosen_reward = sum(step.reward for step in outcomes[played.index(chosen[0])].steps)
    assert result.best_reward >= chosen_reward - 1e-9  # the search keeps the policy's own result


def test_guided_leads_with_the_prefixes_predicted_to_beat_oz_only_when_asked(tmp_path):
    table = TeacherTable(
        [CRC32],
        ["sroa instcombine simplifycfg loop-rotate", "mem2reg gvn"],
        np.asarray([[1.0] * 56]),
        np.asarray([[curve(0.6, 0.7, 0.7, 0.7), curve(0.7, 1.2, 1.2, 1.2)]]),
    )
    result, outcomes = chooser_on_crc32(
        table,
        tmp_path / "chooser.json",
        Budget(steps=4000),
        guided=True,
        k=30,
        lead="predicted_gains",
    )
    played = [" ".join(step.action_name for step in outcome.steps) for outcome in outcomes]
    learned = learned_sequences()
    # List 1 is predicted above -Oz (1.2) and leads; list 0 (0.7) follows the learned ones.
    assert played[:2] == [FIRST, "mem2reg gvn"] and played[2:4] == learned[:2]
    assert played[2 + len(learned)] == "sroa instcombine"
    assert result.params["leading"] == 1 and result.params["lead"] == "predicted_gains"


def test_the_chooser_leads_the_pipeline_portfolio_with_its_prefixes(tmp_path):
    from cgym_ray.llvm.backend import get_backend
    from cgym_ray.llvm.pipelines.flat import flat_pipeline
    from cgym_ray.rl.chooser_portfolio import chooser_portfolio, minus_o0_autophase
    from cgym_ray.search.common import EpisodeCollector

    env = gym.make("llvm-ic-v0", benchmark=CRC32).unwrapped
    try:
        env.reset()
        assert minus_o0_autophase(CRC32).tolist() == list(env.observation["Autophase"])
    finally:
        env.close()
    table = crc32_two_lists()
    model = tmp_path / "chooser.json"
    chooser_from(table, neighbours=1).save(model)
    collected = EpisodeCollector()
    result = chooser_portfolio(
        lambda: gym.make("llvm-pipeline-ic-v0"),
        CRC32,
        Budget(steps=25),
        0,
        report=collected,
        model=str(model),
    )
    texts = [outcome.state.commandline for outcome in collected]
    catalogue = get_backend("libllvm").actions
    # The learned marks rules' guesses, then the chooser's choice (list 1, whole) and
    # list 0 at its best length, as pipelines, before the learned sequences.
    edits = [outcome.steps[0].info["edit"] for outcome in collected]
    guesses = sum(1 for edit in edits if edit.startswith("marks rule: "))
    assert guesses and all(edit.startswith("marks rule: ") for edit in edits[:guesses])
    assert texts[guesses] == str(flat_pipeline("mem2reg gvn", catalogue))
    assert str(flat_pipeline("sroa instcombine", catalogue)) in texts[guesses + 1 : guesses + 3]
    assert result.params["lead"] == 2 and result.params["model"] == str(model)
    assert result.steps == 25 and result.best_reward >= 1.0
