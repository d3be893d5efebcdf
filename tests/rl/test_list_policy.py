"""The list policy: a learned marks rule, then learned passes appended one per step to an empty pipeline."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cgym_ray.envs.pipeline_env import PipelineEnv, validate_pipeline_state
from cgym_ray.errors import CompilerError
from cgym_ray.llvm.pipelines import Pipeline
from cgym_ray.llvm.pipelines.edits import learned_rules, units_at
from cgym_ray.rl.list_policy import (
    RELEASED,
    ListPolicy,
    climb,
    list_policy_agent,
    module_units,
    policy_from,
    propose,
    score_candidates,
)
from cgym_ray.search.common import Budget

CRC32 = "benchmark://cgym-suite-v0/crc32"
# "-Os's marks on main, ...": it gives every program with a `main` some marks.
MAIN_RULE = next(str(rule) for rule in learned_rules() if rule.main_os)


def test_module_units_insert_each_flat_pass_as_the_env_wraps_it():
    assert module_units("sroa ipsccp loop-rotate inline") == [
        "cgscc(function(sroa<modify-cfg>))",
        "ipsccp",
        "cgscc(function(loop-mssa(loop-rotate)))",
        "cgscc(inline)",
    ]
    texts = {str(unit) for unit in units_at("module")}
    assert set(module_units("gvn licm simplifycfg-aggressive")) <= texts


@pytest.mark.parametrize("action", ["Oz", "drop-size-attributes"])
def test_module_units_refuse_a_macro_or_an_attributes_action_by_name(action):
    with pytest.raises(CompilerError, match=f"flat action '{action}' is not one pass"):
        module_units(f"sroa {action} gvn")


def test_learning_takes_the_list_and_marks_with_the_best_training_geomean():
    lists = [["ipsccp"], ["globalopt"]]
    rules = len(learned_rules())
    table = np.ones((3, 2, 1 + rules))
    table[:, 1, 2] = [1.10, 1.05, 0.99]  # list 1 after rule 1: best in geomean
    table[:, 0, 0] = [1.30, 1.20, np.nan]  # a failed compile counts far below -Oz
    policy = policy_from(table, lists, ["a", "b", "c"])
    assert policy.units == ["globalopt"] and policy.rule == str(learned_rules()[1])
    assert policy.training_score == pytest.approx((1.10 * 1.05 * 0.99) ** (1 / 3), abs=1e-6)
    assert len(policy.candidates) == 2 * (1 + rules)


def run(policy: ListPolicy, path, benchmark=CRC32, **params):
    policy.save(path)
    outcomes: list = []
    result = list_policy_agent(
        lambda: PipelineEnv(benchmark=benchmark, start="empty"),
        benchmark,
        Budget(steps=45),
        seed=0,
        report=outcomes.append,
        model=str(path),
        **params,
    )
    return result, outcomes


def test_the_agent_plays_the_rule_then_appends_each_unit_and_scores_as_learning_did(tmp_path):
    units = module_units("sroa early-cse instcombine simplifycfg inline gvn")
    policy = ListPolicy(MAIN_RULE, units, [CRC32], 1.0)
    result, outcomes = run(policy, tmp_path / "policy.json")
    (episode,) = outcomes
    assert episode.status == "ok" and result.steps == len(episode.steps) == 1 + len(units)
    assert episode.steps[0].action_name.startswith("marks rule")
    assert all(step.action_name.startswith("insert") for step in episode.steps[1:])
    tree = Pipeline.parse(episode.state.commandline)
    assert [str(e) for e in tree.elements[1:]] == units
    assert str(tree.elements[0]).startswith("function-marks<main:")
    # What learning scored for this candidate is what the episode reached.
    scores = score_candidates(CRC32, [units])
    rule_index = 1 + [str(rule) for rule in learned_rules()].index(MAIN_RULE)
    assert result.best_reward == pytest.approx(scores[0][rule_index])
    assert sum(step.reward for step in episode.steps) == pytest.approx(result.best_reward)
    check = validate_pipeline_state(episode.state)
    assert check.ok, check
    assert check.reward == pytest.approx(result.best_reward)


def test_the_agent_stops_at_max_steps_and_plays_no_marks_without_a_rule(tmp_path):
    units = module_units("sroa early-cse instcombine simplifycfg gvn")
    result, outcomes = run(
        ListPolicy(MAIN_RULE, units, [CRC32], 1.0), tmp_path / "a.json", max_steps=3
    )
    assert result.steps == 3 and len(Pipeline.parse(result.best_state.commandline).elements) == 3
    result, outcomes = run(ListPolicy("", units, [CRC32], 1.0), tmp_path / "b.json")
    assert result.steps == len(units) and result.params["marks"] == ""
    assert [str(e) for e in Pipeline.parse(result.best_state.commandline).elements] == units


def test_a_policy_file_that_is_missing_stale_or_names_an_unknown_unit_or_rule_is_refused(tmp_path):
    with pytest.raises(CompilerError, match="cannot read the list policy"):
        ListPolicy.load(tmp_path / "missing.json")
    good = ListPolicy(MAIN_RULE, ["ipsccp"], [CRC32], 1.0)
    for change, message in (
        ({"edits_version": "pipeline-edits-v0"}, "have edits_version 'pipeline-edits-v0'"),
        (
            {"units": ["function(gvn)"]},
            "appends 'function\\(gvn\\)', which is not a module-level unit",
        ),
        ({"rule": "Os on everything"}, "plays marks rule 'Os on everything'"),
        ({"units": None}, "lacks or mistypes"),
    ):
        path = tmp_path / "policy.json"
        good.save(path)
        data = json.loads(path.read_text())
        data.update(change)
        path.write_text(json.dumps(data))
        with pytest.raises(CompilerError, match=message):
            ListPolicy.load(path)


def test_the_released_policy_loads_and_fits_the_step_bound():
    policy = ListPolicy.load(RELEASED)
    assert policy.rule in {str(rule) for rule in learned_rules()}
    assert len(policy.units) >= 40 and policy.training_score > 1.0
    assert policy.climb["history"][0]["edit"] == "start" and policy.climb["refused"]
    assert len(policy.learned_on) == 60 and not any(
        "cbench" in u or "chstone" in u for u in policy.learned_on
    )


def test_a_proposed_edit_keeps_the_list_length_but_for_a_delete_and_draws_from_the_passes():
    import random

    units = module_units("sroa early-cse instcombine simplifycfg gvn")
    passes = module_units("newgvn dse")
    rng = random.Random(0)
    kinds = set()
    for _ in range(200):
        edited, what = propose(units, passes, rng)
        kind = what.split()[0]
        kinds.add(kind)
        assert len(edited) == len(units) - (kind == "delete")
        assert set(edited) <= set(units) | set(passes)
        if kind == "swap":
            assert sorted(edited) == sorted(units) and edited != units
    assert kinds == {"replace", "insert", "delete", "swap"}


def test_climbing_never_lowers_the_training_score_and_records_each_kept_edit():
    start = ListPolicy(
        MAIN_RULE, module_units("sroa early-cse simplifycfg loop-rotate"), [CRC32], 0.0
    )
    climbed = climb(start, rounds=3, proposals=4, seed=0, passes=["instcombine", "gvn", "inline"])
    history = climbed.climb["history"]
    assert history[0]["edit"] == "start" and climbed.climb["rounds"] == 3
    scores = [entry["training_score"] for entry in history]
    assert scores == sorted(scores) and climbed.training_score == pytest.approx(
        scores[-1], abs=1e-6
    )
    assert len(history) >= 2  # on crc32 one of instcombine, gvn, inline in that list pays
    # What the climb scored is what the agent reaches with the climbed list.
    (row,) = score_candidates(CRC32, [climbed.units])
    rule_index = 1 + [str(rule) for rule in learned_rules()].index(MAIN_RULE)
    assert row[rule_index] == pytest.approx(climbed.training_score, abs=1e-6)


def test_climbing_refuses_an_edit_whose_program_misbehaves_though_it_pays(tmp_path):
    from tests.rl.test_edit_policy import UB_PROGRAM

    program = tmp_path / "ub.c"
    program.write_text(UB_PROGRAM)
    uri = f"file://{program}"
    start = ListPolicy("", module_units("sroa sroa sroa"), [uri], 0.0)
    climbed = climb(start, rounds=2, proposals=8, seed=0, passes=["instcombine"])
    refused = climbed.climb["refused"]
    # instcombine folds `x + 1 > x` to true, as every optimized build does: it pays and is refused.
    assert refused and all(
        "output differs" in why for entry in refused for why in entry["misbehaves"]
    )
    assert all("instcombine" in entry["edit"] for entry in refused)
    assert "cgscc(function(instcombine<no-verify-fixpoint>))" not in climbed.units
