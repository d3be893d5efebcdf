"""The learned portfolio of flat sequences: what it plays, its data file, and how it is learned."""

from __future__ import annotations

import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.search import Budget
from cgym_ray.search.portfolio import (
    DATA,
    DROP,
    LEARNED,
    best_prefix_counts,
    learn_portfolio,
    learned_file,
    learned_sequences,
    normalised,
    portfolio,
)
from tests.search.conftest import CRC32, SEQUENCES


def test_portfolio_plays_oz_first_then_at_most_k_sequences(make_env):
    reports = []
    result = portfolio(
        make_env, CRC32, Budget(steps=10_000), 0, report=reports.append, sequences=SEQUENCES, k=3
    )
    assert [r.state.commandline for r in reports] == ["Oz", *SEQUENCES[:2]]
    assert result.agent == "portfolio" and result.params["k"] == 3
    assert result.best_reward >= 1.0  # never worse than -Oz, which it plays first
    assert result.best_reward == max(
        sum(step.reward for step in r.steps[:n]) for r in reports for n in range(len(r.steps) + 1)
    )
    with pytest.raises(CompilerError, match="k must be at least 1"):
        portfolio(make_env, CRC32, Budget(steps=100), 0, sequences=SEQUENCES, k=0)
    assert learned_file(LEARNED) == DATA
    with pytest.raises(CompilerError, match="no learned portfolio at .*portfolio-v0.txt"):
        portfolio(make_env, CRC32, Budget(steps=100), 0, learned="v0")


def test_the_spare_compilations_refine_the_best_prefix_with_tails_then_walks(make_env):
    plain = portfolio(make_env, CRC32, Budget(steps=10_000), 0, sequences=SEQUENCES, refine=False)
    assert plain.params["compilations"] == 5  # Oz and the four: the rest of k is left unused
    reports = []
    result = portfolio(
        make_env, CRC32, Budget(steps=10_000), 0, report=reports.append, sequences=SEQUENCES, k=12
    )
    assert result.params["portfolio_reward"] == plain.best_reward
    assert result.best_reward >= result.params["tails_reward"] >= plain.best_reward
    # Every compilation counted: the five, and after them each tail or walk (reported) and
    # each replay of the best prefix it starts from (not reported, at least one).
    assert len(reports) < result.params["compilations"] == 12
    assert reports[5].state.commandline.startswith(plain.best_state.commandline + " ")
    assert result.best_reward == max(
        sum(step.reward for step in r.steps[:n]) for r in reports for n in range(len(r.steps) + 1)
    )
    # Without walks it stops once a whole round of tails finds nothing better, k unspent.
    reports = []
    tails_only = portfolio(
        make_env,
        CRC32,
        Budget(steps=10_000),
        0,
        report=reports.append,
        sequences=SEQUENCES,
        walk_patience=0,
    )
    assert len(reports) < tails_only.params["compilations"] < 50
    assert all(
        any(r.state.commandline.endswith(f" {tail}") for tail in ["Oz", *SEQUENCES])
        for r in reports[5:]
    )
    assert tails_only.best_reward == tails_only.params["tails_reward"]
    with pytest.raises(CompilerError, match="walk_patience must be 0 or more"):
        portfolio(make_env, CRC32, Budget(steps=100), 0, sequences=SEQUENCES, walk_patience=-1)


@pytest.mark.parametrize("path", sorted(DATA.parent.glob("portfolio-v*.txt")), ids=lambda p: p.name)
def test_each_learned_portfolio_is_at_most_49_sequences_of_the_catalogue(path):
    header = [line for line in path.read_text().splitlines() if line.startswith("#")]
    assert "python -m cgym_ray.search.portfolio" in header[0] and "Programs:" in "".join(header)
    learned = learned_sequences(path)
    assert 0 < len(learned) <= 49 and "Oz" not in learned
    catalogue = get_backend("libllvm").actions
    for commandline in learned:
        assert catalogue.from_commandline(commandline)
    # Learned on training programs only: no cBench or CHStone program among them.
    assert "cbench" not in "".join(header) and "chstone" not in "".join(header)


def test_normalised_drops_marks_taken_off_and_put_back():
    assert normalised(f"{DROP} size-attributes sroa gvn") == "sroa gvn"
    assert normalised(f"{DROP} sroa size-attributes gvn") == f"{DROP} sroa size-attributes gvn"


def test_learning_takes_the_sequence_that_covers_most_first(tmp_path):
    benchmarks = [CRC32, "benchmark://cgym-suite-v0/heapsort"]
    searched = ["sroa", "Oz instcombine simplifycfg", f"{DROP} sroa loop-rotate O2"]
    scores = tmp_path / "scores.jsonl"
    chosen, how = learn_portfolio(benchmarks, searched, scores, k=3, processes=1)
    assert 0 < len(chosen) <= 2 and how["chosen"] == len(chosen)
    # Scored once: learning again reads the scores and picks the same.
    written = scores.read_text()
    assert len(written.splitlines()) == 2
    assert learn_portfolio(benchmarks, searched, scores, k=3, processes=1) == (chosen, how)
    assert scores.read_text() == written
    # Scored by hand: the fraction of -Oz's instructions each candidate's best prefix removes.
    by_hand = {}
    for benchmark in benchmarks:
        oz, counts = best_prefix_counts(benchmark, chosen[:1] + searched)
        by_hand[benchmark] = [1 - c / oz for c in counts]
    first = sum(max(s[0], 0.0) for s in by_hand.values())
    assert all(first >= sum(max(s[i], 0.0) for s in by_hand.values()) for i in range(1, 4))
    assert how["train_mean_pct_below_oz"] >= 100 * first / len(benchmarks) - 1e-6
