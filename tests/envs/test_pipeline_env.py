"""The pipeline environments: edits, -Oz as the first state, incremental compiles, crashes."""

from __future__ import annotations

import random

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import cgym_ray  # noqa: F401  (registers the envs)
from cgym_ray.envs.pipeline_env import PipelineEnv
from cgym_ray.errors import StepFailed
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.baselines import reference_counts
from cgym_ray.llvm.pipelines import Pipeline, load_table, oz_pipeline
from cgym_ray.llvm.pipelines.edits import apply_edit
from cgym_ray.llvm.pipelines.run import IncrementalCompiler, pipeline_action, segments
from cgym_ray.llvm.session import CompilerSession

CRC32 = "benchmark://cgym-suite-v0/crc32"
SIZE = ("minsize", "optsize")


@pytest.fixture
def env():
    environment = PipelineEnv(benchmark=CRC32)
    yield environment
    environment.close()


@pytest.mark.parametrize("program", ["crc32", "dijkstra", "sha256"])
def test_an_episode_from_oz_starts_at_exactly_oz(suite_bitcode, program):
    with PipelineEnv(benchmark=f"benchmark://cgym-suite-v0/{program}") as environment:
        observation, info = environment.reset(seed=0)
        oz = reference_counts(
            suite_bitcode[program], f"benchmark://cgym-suite-v0/{program}", "libllvm", SIZE
        )["Oz"]
        assert info["score"] == 1.0 and environment.episode_reward == 1.0
        assert int(observation[0]) == oz


def test_an_episode_from_empty_starts_at_o0(env, suite_bitcode):
    _, info = env.reset(options={"start": "empty"})
    references = reference_counts(suite_bitcode["crc32"], CRC32, "libllvm", SIZE)
    assert info["score"] == 0.0 and info["instruction_count"] == references["O0"]
    assert env.commandline() == ""


@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_gymnasium_check_env_passes():
    environment = gym.make("llvm-pipeline-codesize-v0", benchmark=CRC32)
    check_env(environment.unwrapped, skip_render_check=True)
    environment.close()


def test_every_edit_gives_a_pipeline_the_table_accepts():
    table = load_table()
    pipeline = oz_pipeline()
    rng = random.Random(0)
    for _ in range(2000):
        pipeline, _ = apply_edit(pipeline, rng.randrange(4), rng.randrange(512), rng.randrange(200))
        table.check(pipeline)
        assert str(Pipeline.parse(str(pipeline))) == str(pipeline)


def test_a_parameter_edit_changes_its_setting_in_place_and_setting_it_back_gives_the_text_again():
    from cgym_ray.llvm.pipelines.edits import parameter_edits

    oz = oz_pipeline()
    (path, element) = next(
        (p, e) for p, e, _ in oz.walk() if e.name == "simplifycfg" and "keep-loops" in e.params
    )
    edits = parameter_edits(element)
    assert element.params is not None
    flipped = next(p for p in edits if p is not None and "no-keep-loops" in p)
    # Only that setting differs, at its own place: the rest of the text is as it was.
    assert [a for a, b in zip(flipped, element.params, strict=True) if a != b] == ["no-keep-loops"]
    back = parameter_edits(element.with_params(flipped))
    assert element.params in back
    # A setting the element did not have goes at the end.
    added = [p for p in edits if p is not None and len(p) > len(element.params)]
    assert added and all(p[: len(element.params)] == element.params for p in added)


def test_rewards_sum_to_the_score_and_the_state_validates(env):
    env.reset(seed=1)
    rng = np.random.default_rng(1)
    for _ in range(6):
        _, _, terminated, _, info = env.step(rng.integers(env.action_space.nvec))
        assert not terminated
        assert env.episode_reward == pytest.approx(info["score"])
    result = env.validate()
    assert result.ok, str(result)
    assert result.behaviour_checked


def test_a_state_with_a_wrong_reward_fails_validation(env):
    env.reset()
    from dataclasses import replace

    result = env.validate(replace(env.state, reward=env.state.reward + 0.5), check_behaviour=False)
    assert [failure.kind for failure in result.failures] == ["reward"]


def test_fork_is_independent(env):
    env.reset()
    child = env.fork()
    # delete the whole late function pipeline in the child only
    position = next(
        i
        for i, e in enumerate(oz_pipeline().elements)
        if e.head == "function<eager-inv>" and i > 20
    )
    child.step(np.array([1, position, 0]))
    assert child.commandline() != env.commandline()
    assert env.score == 1.0
    env.step(np.array([0, 0, 0]))
    child.close()


@pytest.mark.parametrize(
    "every_segment", [True, False], ids=["checkpoint-every-segment", "default"]
)
@pytest.mark.slow  # over 4 s on a quiet machine: kept out of the fast lane
def test_incremental_compiles_equal_compiling_from_scratch(suite_bitcode, every_segment):
    """After each random edit, the cached compile gives the IR of compiling the whole text afresh."""
    rng = random.Random(3)
    pipeline = oz_pipeline()
    with CompilerSession(suite_bitcode["expr_calc"], "expr_calc", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["expr_calc"], SIZE, every_segment)
        compiler.compile(pipeline)
        for _ in range(8):
            pipeline, _ = apply_edit(
                pipeline, rng.choice([0, 1, 2]), rng.randrange(512), rng.randrange(200)
            )
            before = compiler.segments_run
            cached = compiler.compile(pipeline, ("ir_sha1",))["ir_sha1"]
            assert compiler.segments_run - before <= len(segments(pipeline))
            fresh = CompilerSession(suite_bitcode["expr_calc"], "expr_calc", attributes=SIZE)
            fresh.apply(pipeline_action(pipeline))
            assert fresh.measure("ir_sha1")["ir_sha1"] == cached
            fresh.close()
        compiler.close()


def test_an_edit_in_the_late_pipeline_recompiles_only_the_late_pipeline(suite_bitcode):
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["crc32"], SIZE, every_segment=True)
        pipeline = oz_pipeline()
        compiler.compile(pipeline)
        parts = len(segments(pipeline))
        assert compiler.segments_run == parts
        longer = Pipeline(pipeline.elements + Pipeline.parse("globaldce").elements)
        assert len(segments(longer)) == parts  # the last part grew
        compiler.compile(longer)
        assert compiler.segments_run == parts + 1
        compiler.compile(pipeline)
        assert compiler.segments_run == parts + 2
        compiler.close()


def test_going_back_to_an_earlier_pipeline_reuses_its_checkpoint(suite_bitcode):
    """A population's pattern: A, then B with another early part, then A edited late."""
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["crc32"], SIZE)
        first = oz_pipeline()
        compiler.compile(first)
        other = Pipeline(first.elements[1:])  # drops memprof-remove-attributes: an early edit
        compiler.compile(other)
        assert len(compiler.checkpoints) == 2
        before = compiler.segments_run
        late = Pipeline(first.elements + Pipeline.parse("globaldce").elements)
        cached = compiler.compile(late, ("ir_sha1",))["ir_sha1"]
        assert compiler.segments_run == before + 1
        fresh = CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE)
        fresh.apply(pipeline_action(late))
        assert fresh.measure("ir_sha1")["ir_sha1"] == cached
        fresh.close()
        compiler.close()


def test_a_pipeline_that_crashes_llvm_raises_step_failed(suite_bitcode):
    # licm outside loop-mssa makes LLVM abort; the table refuses it, so build the tree by hand.
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["crc32"], SIZE)
        with pytest.raises(StepFailed) as caught:
            compiler.compile(Pipeline.parse("function(loop(licm))"))
        assert caught.value.cause == "abort"
        compiler.close()


def test_a_crash_in_a_step_ends_the_episode(env, monkeypatch):
    env.reset()
    crashing = Pipeline.parse("function(loop(licm))")
    monkeypatch.setattr(
        "cgym_ray.envs.pipeline_env.apply_edit", lambda *_: (crashing, "insert a crash")
    )
    monkeypatch.setattr(env, "_compile", lambda p: env._compiler.compile(p, env._needed()))
    observation, reward, terminated, _, info = env.step(np.array([0, 0, 0]))
    assert terminated and reward == 0.0 and info["error"]["cause"] == "abort"
    assert observation.shape == env.observation_space.shape


def test_a_pipeline_action_runs_like_the_built_in_level(suite_bitcode):
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        other = session.fork()
        session.apply(Action("Oz", "default<O2>"))
        other.apply(pipeline_action(oz_pipeline()))
        assert session.measure("ir_sha1") == other.measure("ir_sha1")
        other.close()


def test_a_rejected_element_is_pointed_at_in_the_whole_text(suite_bitcode):
    from cgym_ray.llvm.pipelines import PipelineSyntaxError

    text = "sroa-is-not-here,globaldce,function(simplifycfg<keep-loops;bogus>)"
    pipeline = Pipeline(oz_pipeline().elements + Pipeline.parse(text).elements[1:])
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["crc32"], SIZE)
        with pytest.raises(PipelineSyntaxError, match="bogus") as caught:
            compiler.compile(pipeline)
        assert caught.value.position == str(pipeline).index("simplifycfg<keep-loops;bogus>")
        compiler.close()


TAILS = ["recompute-globalsaa,function(gvn)", "recompute-globalsaa,function(reassociate)"]


@pytest.mark.parametrize("program", ["crc32", "expr_calc"])
def test_a_flat_tail_compiles_the_same_in_parts_and_whole(suite_bitcode, program):
    """Each tail unit is its own segment, and cutting there changes nothing."""
    longer = Pipeline(oz_pipeline().elements + Pipeline.parse(",".join(TAILS)).elements)
    assert len(segments(longer)) == len(segments(oz_pipeline())) + len(TAILS)
    with CompilerSession(suite_bitcode[program], program, attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode[program], SIZE)
        compiler.compile(oz_pipeline())
        cached = compiler.compile(longer, ("ir_sha1",))["ir_sha1"]
        compiler.close()
    with CompilerSession(suite_bitcode[program], program, attributes=SIZE) as fresh:
        fresh.apply(pipeline_action(longer))
        assert fresh.measure("ir_sha1")["ir_sha1"] == cached


def test_trying_tails_gives_the_scores_of_compiling_the_longer_pipelines(env):
    env.reset()
    tails = [Pipeline.parse(text) for text in TAILS]
    tried = env.try_appending(tails)
    assert env.commandline() == str(oz_pipeline()) and env.score == 1.0  # unchanged
    for tail, score in zip(tails, tried, strict=True):
        env.set_pipeline(Pipeline(oz_pipeline().elements + tail.elements))
        assert score == env.score
        env.set_pipeline(oz_pipeline())


def test_a_tail_that_would_join_the_last_segment_is_refused(env):
    from cgym_ray.errors import CompilerError

    env.reset()
    with pytest.raises(CompilerError, match="begin it with recompute-globalsaa"):
        env.try_appending([Pipeline.parse("function(gvn)")])


def test_a_timeout_set_on_the_compiler_holds_for_the_sessions_its_checkpoints_give(suite_bitcode):
    with CompilerSession(suite_bitcode["crc32"], "crc32", attributes=SIZE) as session:
        compiler = IncrementalCompiler(session, suite_bitcode["crc32"], SIZE)
        first = oz_pipeline()
        compiler.compile(first)
        compiler.compile(Pipeline(first.elements[1:]))  # an early edit: a checkpoint is kept
        compiler.timeout_s = 7.5
        compiler.compile(Pipeline(first.elements + Pipeline.parse("globaldce").elements))
        assert compiler.session.timeout_s == 7.5  # the session forked from the checkpoint
        compiler.close()


def test_a_marks_step_puts_the_rules_marks_first_and_one_delete_gives_oz_back(env):
    from cgym_ray.llvm.pipelines.edits import OPERATIONS
    from cgym_ray.llvm.pipelines.marks import is_marks
    from cgym_ray.llvm.pipelines.marks_rules import read_rules

    env.reset()
    marks = env.marks_choices()
    rules = read_rules()
    assert len(marks) == len(rules) and all(m is not None for m in marks)  # crc32 has callees
    assert marks[0] == rules[0].element(env.function_facts())
    operation = OPERATIONS.index("marks")
    _, reward, terminated, _, info = env.step(np.array([operation, 17, 0]))  # position is not read
    assert not terminated and info["edit"].startswith("marks rule 0: function-marks<")
    assert env.pipeline.elements[0] == marks[0]
    assert env.pipeline.elements[1:] == oz_pipeline().elements
    assert info["score"] == pytest.approx(1.0 + reward)
    with PipelineEnv(benchmark=CRC32) as fresh:  # the same pipeline compiled whole scores the same
        fresh.reset()
        assert fresh.set_pipeline(env.pipeline)["score"] == pytest.approx(info["score"])
    _, _, _, _, info = env.step(np.array([operation, 0, len(marks) + 1]))  # choice modulo the rules
    assert env.pipeline.elements[0] == marks[1] and not is_marks(env.pipeline.elements[1])
    _, _, _, _, info = env.step(np.array([OPERATIONS.index("delete"), 0, 0]))
    assert env.pipeline == oz_pipeline() and info["score"] == 1.0
    assert env.state.commandline == str(oz_pipeline())


def test_a_marks_edit_without_marks_or_with_none_for_the_rule_changes_nothing():
    from cgym_ray.llvm.pipelines.edits import OPERATIONS
    from cgym_ray.llvm.pipelines.marks import marks_element

    oz = oz_pipeline()
    operation = OPERATIONS.index("marks")
    assert apply_edit(oz, operation, 0, 0) == (
        oz,
        "marks: no marks rules for this module: no change",
    )
    element = marks_element([("main", "-minsize")])
    unchanged, what = apply_edit(oz, operation, 0, 1, marks=[element, None])
    assert unchanged == oz and what == "marks rule 1: no marks on this module: no change"
    marked, what = apply_edit(oz, operation, 0, 0, marks=[element, None])
    assert marked.elements == (element, *oz.elements) and what == f"marks rule 0: {element}"
