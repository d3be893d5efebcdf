"""The searches over whole pipelines: never below -Oz, recorded, every best replays and behaves."""

from __future__ import annotations

import gymnasium as gym
import pytest

import cgym_ray  # noqa: F401  (registers the environments)
from cgym_ray.envs import validate
from cgym_ray.llvm.pipelines import oz_pipeline
from cgym_ray.search import PIPELINE_AGENTS
from cgym_ray.search.common import Budget, EpisodeCollector
from cgym_ray.search.pipeline_common import has_hazard
from cgym_ray.search.pipeline_coreset import pipeline_coreset, select_pipelines
from cgym_ray.search.pipeline_evolve import mutate, seed_pipelines

CRC32 = "benchmark://cgym-suite-v0/crc32"


def test_the_greedy_coreset_takes_what_raises_the_geomean_most_and_stops():
    scores = [
        [1.2, 1.0, 1.0],  # wins big on one program
        [1.05, 1.05, 1.05],  # a little on all
        [1.1, 0.5, float("-inf")],  # worse than -Oz or failed elsewhere: counted as -Oz there
        [1.0, 1.0, 1.0],  # adds nothing
    ]
    assert select_pipelines(scores, 10) == [0, 1]
    assert select_pipelines(scores, 1) == [0]
    assert select_pipelines([], 5) == []


def test_mutations_keep_pipelines_valid_and_free_of_hazards():
    import numpy as np

    from cgym_ray.llvm.pipelines import load_table

    rng = np.random.default_rng(0)
    pipeline = oz_pipeline()
    for _ in range(30):
        pipeline, _ = mutate(pipeline, rng, (4, 512, 160))
        if not has_hazard(pipeline):
            load_table().check(pipeline)
    for seed in seed_pipelines():
        load_table().check(seed)
        assert seed != oz_pipeline()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PIPELINE_AGENTS))
def test_a_pipeline_search_reports_every_compile_and_its_best_validates(name):
    collected = EpisodeCollector()
    params = {"pipelines": [str(p) for p in seed_pipelines()]} if name == "pipeline_coreset" else {}
    result = PIPELINE_AGENTS[name](
        lambda: gym.make("llvm-ic-v0"), CRC32, Budget(steps=5), 0, report=collected, **params
    )
    assert 0 < result.steps <= 5 and len(collected) == result.steps
    assert all(outcome.state.actions_version == "pipeline-edits-v1" for outcome in collected)
    assert result.best_reward >= 1.0 and result.best_state.reward == result.best_reward
    assert result.best_reward == max(1.0, *(o.state.reward for o in collected if o.status == "ok"))
    validation = validate(result.best_state)  # dispatched to the pipeline env by actions_version
    assert validation.ok, str(validation)
    assert validation.behaviour_checked


@pytest.mark.slow
def test_the_coreset_tries_at_most_k_pipelines():
    texts = [str(p) for p in seed_pipelines()]
    result = pipeline_coreset(
        lambda: gym.make("llvm-pipeline-ic-v0"), CRC32, Budget(steps=50), 0, pipelines=texts, k=1
    )
    assert result.steps == 1 and result.best_reward >= 1.0


def test_the_shipped_learned_pipelines_are_valid_and_free_of_hazards():
    from cgym_ray.llvm.pipelines import load_table
    from cgym_ray.search.pipeline_coreset import default_pipelines

    learned = default_pipelines()
    assert 0 < len(learned) <= 50
    for pipeline in learned:
        load_table().check(pipeline)
        assert not has_hazard(pipeline)


def test_a_flat_commandline_becomes_a_pipeline_with_each_pass_its_own_segment():
    from cgym_ray.llvm.backend import get_backend
    from cgym_ray.llvm.pipelines.flat import flat_to_pipeline
    from cgym_ray.llvm.pipelines.run import segments

    catalogue = get_backend("libllvm").actions
    flat = flat_to_pipeline(
        "drop-size-attributes sroa attributor-light Oz gvn O1 instcombine",
        catalogue,
        leave_out={"attributor-light"},
    )
    oz = oz_pipeline()
    sroa, gvn, instcombine = (catalogue.lookup(n).pipeline for n in ("sroa", "gvn", "instcombine"))
    marks = "function-marks<*:{0}minsize;*:{0}optsize>"
    assert str(flat.pipeline) == ",".join(
        [
            marks.format("-"),
            sroa,
            marks.format(""),  # the flat Oz sets -Oz's marks, then runs default<O2>
            str(oz),
            f"invalidate<all>,{gvn}",  # a new run: what Oz's text left cached is dropped
            instcombine,  # nothing cached after gvn: a run of its own anyway
        ]
    )
    assert flat.left_out == ("attributor-light", "O1")  # asked, and O1 has no written-out text
    parts = len(segments(oz))
    assert flat.ends == (1, 2, 3 + parts, 3 + parts + 2, 3 + parts + 3)  # invalidate<all> alone
    assert len(segments(flat.pipeline)) == flat.ends[-1]


def test_a_flat_sequence_as_a_pipeline_compiles_to_what_playing_it_gives():
    """The flat env's count after the sequence, and after each of its passes, in one compile."""
    from cgym_ray.llvm.backend import get_backend
    from cgym_ray.llvm.pipelines.flat import flat_to_pipeline

    catalogue = get_backend("libllvm").actions
    flat_env = gym.make("llvm-ic-v0", benchmark=CRC32).unwrapped
    pipeline_env = gym.make("llvm-pipeline-ic-v0", benchmark=CRC32).unwrapped
    try:
        for commandline in (
            "drop-size-attributes sroa mem2reg Oz gvn simplifycfg size-attributes instcombine",
            "mem2reg O3 licm loop-rotate Oz dce",
        ):
            flat_env.reset(options={"benchmark": CRC32})
            played = flat_env.play(
                flat_env.action_space.from_commandline(commandline), action_effect=False
            )
            flat = flat_to_pipeline(commandline, catalogue)
            pipeline_env.reset(options={"benchmark": CRC32, "start": "empty"})
            pipeline_env.set_pipeline(flat.pipeline)
            counts = pipeline_env.segment_instruction_counts()
            assert [counts[end - 1] for end in flat.ends] == [step.metric for step in played]
            assert pipeline_env.segment_scores()[-1] == pipeline_env.score
        # A longer pipeline resumes from a checkpoint, and keeps the counts before it.
        longer = flat_to_pipeline(f"{commandline} gvn", catalogue).pipeline
        pipeline_env.set_pipeline(longer)
        assert pipeline_env.segment_instruction_counts()[: len(counts)] == counts
    finally:
        flat_env.close()
        pipeline_env.close()


@pytest.mark.slow
def test_the_hybrid_appends_flat_passes_after_its_best_pipeline_and_its_best_validates():
    from cgym_ray.search.pipeline_hybrid import pipeline_hybrid

    actions = ["gvn", "instcombine", "simplifycfg", "reassociate", "sroa", "early-cse", "dse"]
    collected = EpisodeCollector()
    result = pipeline_hybrid(
        lambda: gym.make("llvm-pipeline-ic-v0"),
        CRC32,
        Budget(steps=60),
        0,
        report=collected,
        pipeline_fraction=0.2,
        actions=actions,
    )
    assert result.steps <= 60 + len(actions)
    edits = [outcome.steps[0].info["edit"] for outcome in collected]
    assert any(edit.startswith(("append ", "kick ")) for edit in edits)  # the flat phase ran
    assert result.best_reward >= 1.0 and result.best_state.reward == result.best_reward
    validation = validate(result.best_state)
    assert validation.ok, str(validation)
    assert validation.behaviour_checked


@pytest.mark.slow
def test_the_marks_search_chooses_marks_per_function_and_its_best_validates():
    from cgym_ray.search.pipeline_marks import OPTIONS, pipeline_marks

    collected = EpisodeCollector()
    result = pipeline_marks(
        lambda: gym.make("llvm-pipeline-ic-v0"),
        CRC32,
        Budget(steps=80),
        0,
        report=collected,
        marks_fraction=0.6,
        edits_fraction=0.2,
        actions=["gvn", "instcombine", "simplifycfg", "sroa"],
    )
    edits = [outcome.steps[0].info["edit"] for outcome in collected]
    tried = {tuple(edit.split()[1:]) for edit in edits if edit.startswith("mark ")}
    # Every option on each of the 11 functions (largest first, main), then edits, then the tail.
    assert {option for _, option in tried} >= set(OPTIONS)
    assert edits[0].startswith("mark main ") and len(tried) >= 11 * len(OPTIONS)
    assert any(edit.startswith("edit ") for edit in edits)  # the learned edits after them
    assert any(edit.startswith(("append ", "kick ")) for edit in edits)
    # On this crc32, -Os's marks on two functions pay (a step-budgeted run is deterministic).
    assert result.params["marks"] and result.best_reward > 1.0
    assert result.best_state.commandline.startswith("function-marks<")
    validation = validate(result.best_state)
    assert validation.ok, str(validation)
    assert validation.behaviour_checked


def _edits_played(search, steps: int, **params):
    """A pipeline search's result on crc32, and the edit each compiled pipeline was."""
    collected = EpisodeCollector()
    result = search(
        lambda: gym.make("llvm-pipeline-ic-v0"),
        CRC32,
        Budget(steps=steps),
        0,
        report=collected,
        **params,
    )
    return result, [outcome.steps[0].info["edit"] for outcome in collected]


@pytest.mark.slow
def test_the_pipeline_portfolio_plays_both_routes_and_its_best_validates():
    from cgym_ray.search.pipeline_portfolio import pipeline_portfolio

    # -Oz's route gets its share whatever the flat sequences found.
    result, edits = _edits_played(pipeline_portfolio, steps=40, oz_margin=1.0)
    # The learned marks rules first, one compilation each (a rule whose marks
    # another gave already is not compiled again).
    from cgym_ray.search.marks_rules import read_rules

    guesses = [e for e in edits if e.startswith("marks rule: ")]
    assert guesses and edits[: len(guesses)] == guesses
    assert {g.removeprefix("marks rule: ") for g in guesses} <= {str(r) for r in read_rules()}
    sequences = [e for e in edits if e.startswith("flat sequence ") and ", its first" not in e]
    assert len(sequences) == 18  # the learned portfolio v4, each once
    # Then -Oz's route (marks, `main` first, then learned edits), then the leading route.
    rest = edits[edits.index(sequences[-1]) + 1 :]
    assert rest[0].startswith("mark main ")
    assert all(e.startswith(("mark ", "edit ", "flat ", "append ", "kick ")) for e in rest)
    if result.params["led"] == "flat":
        assert rest[-1].startswith(("flat tail", "flat walk"))
    else:
        assert rest[-1].startswith(("edit ", "append ", "kick "))
    assert result.steps == len(edits) == 40  # each compiled pipeline is one step
    assert result.best_reward >= 1.0
    validation = validate(result.best_state)
    assert validation.ok, str(validation)


@pytest.mark.slow
def test_past_the_margin_oz_route_gets_its_least_share_all_for_edits():
    from cgym_ray.search.pipeline_portfolio import pipeline_portfolio

    # The flat sequences always lead by more than the margin.
    result, edits = _edits_played(pipeline_portfolio, steps=40, oz_margin=-1.0, oz_least=0.5)
    last = max(i for i, e in enumerate(edits) if e.startswith("flat sequence "))
    rest = edits[last + 1 :]
    # Half of what is left, learned edits only (no marks), then the leading route.
    route = [e for e in rest[: (len(rest) + 1) // 2] if not e.startswith("flat ")]
    assert route and all(e.startswith("edit ") for e in route), rest
    assert not any(e.startswith("mark ") for e in rest)
    assert result.params["oz_least"] == 0.5 and result.steps == 40


@pytest.mark.parametrize("share", ["oz_share", "oz_least"])
def test_the_pipeline_portfolio_refuses_a_share_outside_0_1(share):
    from cgym_ray.search.pipeline_portfolio import pipeline_portfolio

    with pytest.raises(ValueError, match=f"{share} must be in"):
        pipeline_portfolio(None, CRC32, Budget(steps=10), 0, **{share: 1.5})


def test_the_marks_search_refuses_fractions_over_the_budget_and_a_foreign_edit_list(tmp_path):
    from cgym_ray.errors import CompilerError
    from cgym_ray.llvm.pipelines.edits import read_edit_file
    from cgym_ray.search.pipeline_marks import pipeline_marks

    with pytest.raises(ValueError, match="sum to at most 1"):
        pipeline_marks(None, CRC32, Budget(steps=10), 0, marks_fraction=0.7, edits_fraction=0.5)
    stale = tmp_path / "old.json"
    stale.write_text('{"edits_version": "pipeline-edits-v0", "edits": []}')
    with pytest.raises(CompilerError, match="edits_version 'pipeline-edits-v0'"):
        read_edit_file(stale)
    with pytest.raises(CompilerError, match="cannot read the learned edits"):
        read_edit_file(tmp_path / "missing.json")
