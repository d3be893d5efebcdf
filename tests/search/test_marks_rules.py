"""Learned marks rules: the facts they read, the marks they give, how they are chosen and scored."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.search.marks_rules import (
    LEARNED_RULES,
    FunctionFacts,
    MarksRule,
    choose_rules,
    coverage,
    function_facts,
    read_rules,
    rule_grid,
    score_rules,
)

IR = """\
define internal i32 @get(ptr %p) {
  %v = load i32, ptr %p
  ret i32 %v
}

define i32 @sum(ptr %p) {
  %a = call i32 @get(ptr %p)
  %b = call i32 @get(ptr %p)
  %c = tail call i32 @get(ptr %p)
  %d = call i32 @puts(ptr %p)
  %s = add i32 %a, %b
  ret i32 %s
}

define i32 @main() {
  %x = call i32 @sum(ptr null)
  %y = call i32 (ptr, ...) @printf(ptr null, i32 %x)
  ret i32 0
}

declare i32 @puts(ptr)
declare i32 @printf(ptr, ...)
"""


def test_facts_count_direct_calls_to_each_defined_function():
    facts = function_facts(IR, {"get": 2, "sum": 7, "main": 3})
    assert facts == [
        FunctionFacts("get", 2, 3),  # `call` and `tail call`
        FunctionFacts("sum", 7, 1),
        FunctionFacts("main", 3, 0),  # declared functions (puts, printf) are not counted
    ]


def test_a_rule_marks_main_the_largest_and_small_much_called_functions():
    facts = [
        FunctionFacts("main", 500, 0),
        FunctionFacts("big", 900, 1),
        FunctionFacts("mid", 300, 2),
        FunctionFacts("helper", 20, 6),
        FunctionFacts("rare", 20, 1),
        FunctionFacts("large_helper", 200, 6),
    ]
    rule = MarksRule(main_os=True, os_largest=1, noinline_max_instructions=48, noinline_min_calls=4)
    assert rule.marks(facts) == {"main": "Os", "big": "Os", "helper": "noinline"}
    # A function -Os's marks are already on is not also kept out of line.
    both = MarksRule(os_largest=3, noinline_max_instructions=1000, noinline_min_calls=2)
    assert both.marks(facts) == {
        "big": "Os",
        "mid": "Os",
        "large_helper": "Os",
        "helper": "noinline",
    }
    assert MarksRule().marks(facts) == {} and str(MarksRule()) == "no marks"
    assert "main" not in MarksRule(main_os=True).marks(facts[1:])  # a module without main


def test_the_grid_holds_distinct_rules_that_each_mark_something():
    rules = rule_grid()
    assert len(set(rules)) == len(rules) and MarksRule() not in rules
    assert MarksRule(main_os=True) in rules  # the guess pipeline_portfolio played before


def test_rules_are_chosen_by_what_they_add_to_the_best_so_far_and_stop_when_nothing_pays():
    scores = np.array(
        [
            [1.10, 1.00, 1.05, 0.90],
            [1.00, 1.00, 1.05, np.nan],  # NaN: the compiler failed, counted as -Oz
            [1.00, 1.20, 1.00, 0.80],
        ]
    )
    # 1 adds most alone; then 2 (a little on two programs) before 0 (more on one).
    assert choose_rules(scores, 10) == [1, 2, 0]
    assert choose_rules(scores, 1) == [1]
    assert choose_rules(np.full((2, 3), 0.9), 3) == []
    # Mean % fewer instructions than -Oz of the best rule per program, -Oz where none pays.
    assert coverage(scores, [1, 0]) == pytest.approx(100 * (1 - 1 / 1.1 + 1 - 1 / 1.2) / 3)


def test_the_released_rules_read_back_and_a_wrong_version_is_refused(tmp_path):
    rules = read_rules()
    assert rules and all(rule in rule_grid() for rule in rules)
    data = json.loads(LEARNED_RULES.read_text())
    assert len(data["learned_on"]) == 60 and data["training_coverage_percent"] > 0
    (tmp_path / "old.json").write_text(json.dumps({**data, "version": 0}))
    with pytest.raises(CompilerError, match="marks rules .*old.json have version 0, not 1"):
        read_rules(tmp_path / "old.json")
    (tmp_path / "bad.json").write_text(json.dumps({**data, "rules": [{"main": 1}]}))
    with pytest.raises(CompilerError, match="bad.json: not a list of marks rules"):
        read_rules(tmp_path / "bad.json")
    with pytest.raises(CompilerError, match="cannot read the marks rules"):
        read_rules(tmp_path / "missing.json")


@pytest.mark.slow
def test_a_rule_is_scored_by_compiling_oz_after_its_marks():
    rules = [MarksRule(main_os=True), MarksRule(main_os=True, noinline_max_instructions=1)]
    scores = score_rules("benchmark://cgym-suite-v0/crc32", rules)
    assert len(scores) == 2 and scores[0] is not None
    assert scores[0] == scores[1]  # crc32 has no function of one instruction: the same marks
    assert scores[0] != 1.0  # -Os's marks on main change what -Oz's pipeline gives crc32
