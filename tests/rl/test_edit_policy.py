"""The edit policy: learned edits of -Oz's pipeline, each kept only if its step did not cost instructions."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from cgym_ray.envs.pipeline_env import PipelineEnv, validate_pipeline_state
from cgym_ray.errors import CompilerError
from cgym_ray.llvm.pipelines import Pipeline, oz_pipeline
from cgym_ray.llvm.pipelines.edits import (
    Edit,
    action_for,
    apply_edit,
    edited,
    inverse,
    learned_rules,
    realised,
    shifted,
)
from cgym_ray.llvm.pipelines.marks import marks_element
from cgym_ray.rl.edit_policy import (
    EditPolicy,
    candidate_edits,
    edit_policy_agent,
    order_edits,
    score_edits,
)
from cgym_ray.search.common import Budget

CRC32 = "benchmark://cgym-suite-v0/crc32"


@pytest.fixture(scope="module")
def candidates() -> list[Edit]:
    return candidate_edits()


def test_every_candidate_applies_to_oz_and_its_inverse_gives_oz_back(candidates):
    oz = oz_pipeline()
    assert {e.operation for e in candidates} == {"insert", "delete", "parameter", "marks"}
    rules = [str(rule) for rule in learned_rules()]
    assert [e.element for e in candidates if e.operation == "marks"] == rules
    for edit in candidates:
        if edit.operation == "marks":  # its element depends on the program: checked below
            assert edited(oz, edit) is None and (edit.parent, edit.index) == ((), 0)
            continue
        result = edited(oz, edit)
        assert result is not None and result != oz, edit
        back = action_for(result, inverse(edit))
        assert back is not None, edit
        assert apply_edit(result, *back)[0] == oz, edit


def test_no_candidate_inserts_a_hazard_or_deletes_an_adaptor(candidates):
    oz = oz_pipeline()
    for edit in candidates:
        assert "attributor" not in edit.element and "iroutliner" not in edit.element
        if edit.operation == "delete":
            assert not oz.at((*edit.parent, edit.index)).is_adaptor


def test_an_edit_does_not_apply_where_another_element_stands():
    oz = oz_pipeline()
    edit = next(e for e in candidate_edits() if e.operation == "delete")
    moved = Edit("delete", edit.parent, edit.index + 1, edit.element, edit.before)
    assert str(oz.at((*moved.parent, moved.index))) != edit.before  # the next element differs
    assert edited(oz, moved) is None


def _place(edit: Edit) -> tuple[int, ...]:
    return (*edit.parent, edit.index)


def test_shifted_edits_commute_with_the_edit_kept_before_them(candidates):
    """Two edits at different places, made in either order (each shifted past the other), give one tree."""
    oz = oz_pipeline()
    rng = random.Random(0)
    tree_edits = [e for e in candidates if e.operation != "marks"]  # a rule: the test below
    checked = 0
    while checked < 300:
        first, second = rng.sample(tree_edits, 2)
        a, b = _place(first), _place(second)
        if (
            a == b or a[: len(b)] == b or b[: len(a)] == a
        ):  # the same place, or one inside the other
            continue
        one = shifted(second, [first])
        two = shifted(first, [second])
        assert one is not None and two is not None
        after_first = edited(oz, first)
        after_second = edited(oz, second)
        assert after_first is not None and after_second is not None
        left = edited(after_first, one)
        right = edited(after_second, two)
        assert left is not None, (first, second)
        assert right is not None, (first, second)
        assert str(left) == str(right), (first, second)
        checked += 1


def test_an_edit_inside_a_deleted_element_is_gone():
    kept = Edit("delete", (5,), 2, "x", "x")
    assert shifted(Edit("delete", (5, 2), 0, "y", "y"), [kept]) is None
    assert shifted(Edit("delete", (5,), 3, "y", "y"), [kept]).index == 2
    assert shifted(Edit("insert", (5,), 1, "y"), [kept]).index == 1
    assert shifted(Edit("parameter", (6,), 0, "y", "z"), [kept]).parent == (6,)


def test_order_takes_the_edit_that_covers_most_programs_first():
    # Three programs, four edits: edit 2 pays a little on all, edit 0 much on one, edit 3 never.
    scores = np.array(
        [
            [1.30, 0.90, 1.02, 0.99],
            [0.95, 1.00, 1.02, 0.99],
            [0.95, 1.05, 1.02, np.nan],
        ]
    )
    order = order_edits(scores)
    assert order[0] == 0  # log 1.30 > 3 log 1.02
    assert set(order) == {0, 1, 2}  # edit 3 paid nowhere: never tried
    assert order.index(2) < 3


def test_the_policy_file_round_trips_and_bad_files_are_named(tmp_path, candidates):
    policy = EditPolicy(candidates[:3], [CRC32], 1.01)
    path = tmp_path / "policy.json"
    policy.save(path)
    loaded = EditPolicy.load(path)
    assert loaded.edits == policy.edits and loaded.learned_on == [CRC32]
    data = json.loads(path.read_text())
    data["edits_version"] = "pipeline-edits-v0"
    path.write_text(json.dumps(data))
    with pytest.raises(
        CompilerError, match="pipeline-edits-v0.*not .pipeline-edits-v1.: learn them again"
    ):
        EditPolicy.load(path)
    with pytest.raises(CompilerError, match="cannot read the learned edits"):
        EditPolicy.load(tmp_path / "missing.json")


def run_on_crc32(path, benchmark=CRC32, **params):
    """The agent with the policy saved at `path`, on crc32 (or `benchmark`), 45 steps: its result and reported episodes."""
    outcomes: list = []
    result = edit_policy_agent(
        lambda: PipelineEnv(benchmark=benchmark),
        benchmark,
        Budget(steps=45),
        seed=0,
        report=outcomes.append,
        model=str(path),
        **params,
    )
    return result, outcomes


def _paying_and_costing(candidates: list[Edit]) -> tuple[Edit, Edit, list[float | None]]:
    """On crc32: the edit that pays most alone, and one that costs instructions."""
    scores = score_edits(CRC32, candidates)
    known = [(s, e) for s, e in zip(scores, candidates, strict=True) if s is not None]
    paying = max(known, key=lambda pair: pair[0])
    costing = min(known, key=lambda pair: pair[0])
    assert paying[0] > 1.0 > costing[0]
    return paying[1], costing[1], scores


@pytest.mark.slow
def test_the_agent_undoes_what_costs_keeps_what_pays_and_its_final_state_replays(tmp_path):
    # Deleting a pass, and inserting newgvn: on crc32 some of each cost and some pay.
    edits = [e for e in candidate_edits() if e.operation == "delete" or e.element == "newgvn"]
    paying, costing, _ = _paying_and_costing(edits)
    path = tmp_path / "policy.json"
    EditPolicy([costing, paying], [CRC32], 1.0).save(path)
    result, outcomes = run_on_crc32(path)
    assert result.params["tried"] == 2 and result.params["undone"] == 1
    assert result.params["kept"] == 1 and result.params["final_misbehaves"] == ""
    assert result.best_reward > 1.0
    (episode,) = outcomes
    assert (
        episode.status == "ok" and len(episode.steps) == 3
    )  # the costing edit, its undo, the paying one
    assert episode.steps[0].reward < 0 and episode.steps[1].reward == pytest.approx(
        -episode.steps[0].reward
    )
    assert Pipeline.parse(episode.state.commandline) == edited(oz_pipeline(), paying)
    check = validate_pipeline_state(episode.state)
    assert check.ok, check
    assert check.reward == pytest.approx(result.best_reward)


@pytest.mark.slow
def test_the_agent_stops_where_an_undo_would_not_fit(tmp_path):
    edits = [e for e in candidate_edits() if e.operation == "delete"][:10]
    path = tmp_path / "policy.json"
    EditPolicy(edits, [CRC32], 1.0).save(path)
    result, _ = run_on_crc32(path, max_steps=5)
    assert result.steps <= 5
    assert result.best_reward >= 1.0  # every edit that cost instructions was undone


def test_the_released_policy_loads_and_each_of_its_edits_applies_to_oz_and_can_be_undone():
    from cgym_ray.rl.edit_policy import RELEASED

    policy = EditPolicy.load(RELEASED)
    assert len(policy.edits) > 22 and policy.training_score > 1.0
    assert any(edit.operation == "marks" for edit in policy.edits[:22])
    oz = oz_pipeline()
    marks = [marks_element([("main", "-minsize")])] * len(learned_rules())  # any program's marks
    for edit in policy.edits:
        assert edited(oz, edit, marks) is not None, edit


def test_a_step_that_crashes_llvm_ends_the_episode_at_the_last_good_pipeline(tmp_path, monkeypatch):
    """The compiler aborts on the first edit: the episode ends there, as an error, at -Oz's pipeline."""
    edit = next(e for e in candidate_edits() if e.operation == "delete")
    path = tmp_path / "policy.json"
    EditPolicy([edit], [CRC32], 1.0).save(path)
    # licm outside loop-mssa makes LLVM abort (the pass table refuses it, so bypass the check).
    crashing = Pipeline.parse("function(loop(licm))")
    monkeypatch.setattr(
        "cgym_ray.envs.pipeline_env.apply_edit", lambda *_: (crashing, "insert a crash")
    )
    monkeypatch.setattr(
        PipelineEnv, "_compile", lambda env, p: env._compiler.compile(p, env._needed())
    )
    result, outcomes = run_on_crc32(path)
    (episode,) = outcomes
    assert episode.status == "error" and "abort" in (episode.error or "").lower()
    assert len(episode.steps) == 1 and episode.steps[0].terminated
    assert result.best_reward == pytest.approx(1.0) and result.params["kept"] == 0
    assert Pipeline.parse(episode.state.commandline) == oz_pipeline()


def test_a_marks_rule_is_undone_or_kept_like_an_edit_and_later_edits_move_past_its_element(
    tmp_path,
):
    """On crc32 the first learned rule costs and the second pays; a module-level delete comes after."""
    rules = [e for e in candidate_edits() if e.operation == "marks"]
    costing, paying = rules[0], rules[1]
    scores = score_edits(CRC32, [costing, paying])
    assert scores[0] < 1.0 < scores[1]  # what the test is about: if LLVM changes, pick others
    later = next(e for e in candidate_edits() if e.operation == "delete" and e.parent == ())
    path = tmp_path / "policy.json"
    EditPolicy([costing, paying, later], [CRC32], 1.0).save(path)
    assert EditPolicy.load(path).edits == [costing, paying, later]
    result, (episode,) = run_on_crc32(path)
    assert result.params["tried"] == 3 and result.params["undone"] >= 1
    edits = [step.info["edit"] for step in episode.steps]
    assert edits[0].startswith("marks rule 0: function-marks<") and episode.steps[0].reward < 0
    assert edits[1] == f"delete {edits[0].removeprefix('marks rule 0: ')}"  # the undo
    assert edits[2].startswith("marks rule 1: ") and episode.steps[2].reward > 0
    assert episode.steps[3].info["edit"] == f"delete {later.element}"  # moved one place on
    final = Pipeline.parse(episode.state.commandline)
    with PipelineEnv(benchmark=CRC32) as env:
        env.reset()
        assert final.elements[0] == env.marks_choices()[1]
    kept = realised(paying, final)
    assert kept == Edit("insert", (), 0, str(final.elements[0]))
    assert shifted(paying, [kept]) == paying  # a rule always goes first
    assert shifted(later, [kept]) == Edit(
        "delete", (), later.index + 1, later.element, later.before
    )
    with pytest.raises(ValueError, match="realised"):
        inverse(paying)
    assert result.best_reward >= scores[1] - 1e-9  # the delete was kept only if it did not cost
    check = validate_pipeline_state(episode.state)
    assert check.ok, check
    assert check.reward == pytest.approx(result.best_reward)


# Signed overflow is undefined: -O0 prints 0 for grows(INT_MAX), any optimized build 1, so every
# optimized state of this program behaves differently from the unoptimized one (a real run).
UB_PROGRAM = r"""
#include <limits.h>
#include <stdio.h>
static unsigned table[256];
static unsigned crc(const unsigned char *p, int n) {
    unsigned c = ~0u;
    for (int i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}
static int grows(int x) { return x + 1 > x; }
int main(void) {
    for (unsigned i = 0; i < 256; i++) {
        unsigned c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    volatile int big = INT_MAX;
    unsigned char text[64];
    for (int i = 0; i < 64; i++) text[i] = (unsigned char)(i * 7 + 3);
    printf("%08x %d\n", crc(text, 64), grows(big));
    return 0;
}
"""


@pytest.mark.slow
def test_a_step_whose_program_misbehaves_is_undone_even_though_it_paid(tmp_path):
    program = tmp_path / "ub.c"
    program.write_text(UB_PROGRAM)
    uri = f"file://{program}"
    rules = [e for e in candidate_edits() if e.operation == "marks"]
    scores = score_edits(uri, rules)
    paying = [rule for rule, score in zip(rules, scores, strict=True) if score and score > 1.0]
    assert paying  # what the test is about: a step that pays
    path = tmp_path / "policy.json"
    EditPolicy(paying[:1], [uri], 1.0).save(path)

    def run(**params):
        result, (episode,) = run_on_crc32(path, uri, **params)
        return result, episode

    checked, episode = run()
    assert checked.params["kept"] == 0 and checked.params["undone"] == 1
    (why,) = checked.params["refused"]
    assert why.startswith("insert function-marks<") and "output differs" in why
    assert [step.reward > 0 for step in episode.steps] == [True, False]  # the step, its undo
    assert checked.best_reward == pytest.approx(1.0)
    assert Pipeline.parse(episode.state.commandline) == oz_pipeline()
    unchecked, episode = run(check_each=False)
    assert unchecked.params["kept"] == 1 and unchecked.params["refused"] == []
    assert episode.status == "misbehaves" and unchecked.best_reward > 1.0


@pytest.mark.slow
def test_keep_neutral_none_undoes_every_step_that_changes_no_count(tmp_path):
    candidates = [e for e in candidate_edits() if e.operation == "delete"]
    scores = score_edits(CRC32, candidates)
    neutral = [e for e, s in zip(candidates, scores, strict=True) if s == 1.0][:4]
    assert len(neutral) == 4  # what the test is about: edits that change no count alone
    path = tmp_path / "policy.json"
    EditPolicy(neutral, [CRC32], 1.0).save(path)
    strict, (episode,) = run_on_crc32(path, keep_neutral="none")
    assert strict.params["kept"] == 0 and strict.params["undone"] == 4
    assert [step.reward for step in episode.steps] == [0.0] * 8  # each edit, then its undo
    assert Pipeline.parse(episode.state.commandline) == oz_pipeline()
    kept_all, _ = run_on_crc32(path)  # keep_neutral="all", the default
    assert kept_all.params["tried"] == 4 and kept_all.params["kept"] >= 1
    with pytest.raises(CompilerError, match="keep_neutral must be"):
        run_on_crc32(path, keep_neutral="some")
