"""A policy that picks, from the unoptimized module alone, one teacher list and where to stop it.

    >>> chooser = learn_chooser(store, run_id)                       # doctest: +SKIP
    >>> chooser.save("results/rl/bc-v3/chooser.json")                # doctest: +SKIP
    >>> chooser.choose(autophase_at_o0)                              # doctest: +SKIP
    (1, 27)                                                          # list 1, its first 27 passes

Issue 19's target (a) asks for a policy alone, at most 45 single passes. An
imitated step-by-step policy compounds its errors over 45 steps and cannot
tell when to stop (its observation says nothing about the reward so far), and
the teachers' best prefixes are where their gains are (results/rl.md). This
policy has neither problem, by being open loop: at -O0 it reads the module's
Autophase features, finds the `neighbours` nearest training programs (log1p
features, standardised on the training set, Euclidean), and plays the
(list, length) whose reward, averaged in log over those neighbours, is best;
it never looks at a reward. What it learns is the table: for each training
program, the reward after every prefix of every teacher list, recorded by
playing each list once (`teacher_table` reads it from a store), and the
number of neighbours, chosen by leave-one-out on the training programs.

The agent (`list_chooser_agent`, agent name `list_chooser`) plays the chosen
prefix as one episode; its final reward is the policy's result. With `guided`
the chooser's prefixes, best first, lead a search instead (the portfolio by
default), which then spends the budget: issue 19's target (c).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cgym_ray.errors import CompilerError
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import SearchRun

if TYPE_CHECKING:
    from cgym_ray.store.store import TrajectoryStore

FEATURES = "Autophase"
# A reward is floored here before its log is averaged: a prefix that makes the code bigger
# than -O0 (reward <= 0) counts as very bad, not as minus infinity.
REWARD_FLOOR = 0.5
NEIGHBOUR_CHOICES = (1, 2, 3, 5, 8, 13, 20, 1000)
# The saved table's precision (rewards and standardised features; far finer than a choice needs).
DIGITS = 6


@dataclass
class TeacherTable:
    """Per training program: its -O0 features and the reward after each prefix of each list."""

    benchmarks: list[str]
    lists: list[str]  # commandlines, each played once on every program
    features: np.ndarray  # (programs, features), raw Autophase at -O0
    rewards: np.ndarray  # (programs, lists, longest list + 1); [:, :, 0] is 0 (no pass)


@dataclass
class ListChooser:
    """The learned policy: the table it decides from, how it measures programs, how many it asks."""

    lists: list[str]
    benchmarks: list[str]
    features: list[list[float]]  # standardised log1p features of the training programs
    rewards: list[list[list[float]]]
    mean: list[float]
    scale: list[float]
    neighbours: int

    def scores(self, autophase: Any) -> np.ndarray:
        """(lists, lengths): the mean log reward of each prefix over the nearest programs."""
        point = (np.log1p(np.asarray(autophase, dtype=float)) - self.mean) / self.scale
        table = np.asarray(self.features)
        distances = np.linalg.norm(table - point, axis=1)
        nearest = np.argsort(distances, kind="stable")[: self.neighbours]
        rewards = np.log(np.maximum(np.asarray(self.rewards)[nearest], REWARD_FLOOR))
        return rewards.mean(axis=0)

    def choose(self, autophase: Any) -> tuple[int, int]:
        """(list index, number of its passes to play): the best score, shortest on a tie."""
        return self.ranked(autophase)[0]

    def ranked(self, autophase: Any) -> list[tuple[int, int]]:
        """Each list once, at its best length (shortest on a tie), the best-scored list first."""
        return ranked_prefixes(self.scores(autophase))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self)) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> ListChooser:
        file = Path(path)
        if not file.is_file():
            raise CompilerError(
                f"no list chooser at {file}: learn one with "
                "`python -m cgym_ray.rl.list_chooser STORE RUN_ID OUT.json`"
            )
        return cls(**json.loads(file.read_text()))


def ranked_prefixes(scores: np.ndarray) -> list[tuple[int, int]]:
    """From (lists, lengths) scores: each list at its best length, the best-scored list first.

    Length 0 (no pass) is never chosen. Within a list a tie goes to the
    shorter prefix; between lists to the shorter prefix, then to the list
    listed first.
    """
    scores = np.array(scores, dtype=float)  # a copy: the caller's scores stay as they are
    scores[:, 0] = -np.inf  # play at least one pass
    best = scores.max(axis=1, keepdims=True)
    lengths = np.argmax(scores >= best - 1e-12, axis=1)
    order = np.lexsort((np.arange(len(lengths)), lengths, -best[:, 0]))
    return [(int(i), int(lengths[i])) for i in order]


def prefix_texts(chooser: ListChooser, ranked: list[tuple[int, int]]) -> list[str]:
    """The commandlines of `ranked` (list index, length) prefixes of the chooser's lists."""
    return [" ".join(chooser.lists[i].split()[:n]) for i, n in ranked]


def teacher_table(
    store: TrajectoryStore, run_id: str, datasets: list[str] | None = None
) -> TeacherTable:
    """The table of a run that played each list once per program, recording its Autophase.

    datasets: keep only the programs of these datasets (`cgym-suite-v0`,
        `csmith-v0`, ...): the training programs, when the run also played others.

    A list that failed on a program keeps, for every longer prefix, the reward
    it had when it failed (an episode ends at a failed step). A program missing
    a list, or its -O0 features, is an error that names it.
    """
    from cgym_ray.datasets.benchmark import BenchmarkUri

    episodes = [
        episode
        for episode in store.query(
            "SELECT episode_id, benchmark, agent_params, initial_observation, observation_space "
            "FROM episodes WHERE run_id = $run_id ORDER BY benchmark, episode_id",
            {"run_id": run_id},
        ).to_pylist()
        if not datasets or BenchmarkUri.parse(episode["benchmark"]).dataset in datasets
    ]
    if not episodes:
        raise CompilerError(
            f"run {run_id} has no episodes to learn a list chooser from"
            + (f" in datasets {', '.join(datasets)}" if datasets else "")
        )
    steps = store.query(
        "SELECT episode_id, step, cumulative_reward, error FROM steps "
        "WHERE run_id = $run_id ORDER BY episode_id, step",
        {"run_id": run_id},
    ).to_pylist()
    by_episode: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        by_episode.setdefault(step["episode_id"], []).append(step)
    lists: list[str] = []
    curves: dict[tuple[str, int], list[float]] = {}
    features: dict[str, list[float]] = {}
    for episode in episodes:
        if episode["observation_space"] != FEATURES or episode["initial_observation"] is None:
            raise CompilerError(
                f"run {run_id}, {episode['benchmark']}: no {FEATURES} at -O0; record it with "
                f"`store: {{observations: [{FEATURES}]}}`"
            )
        sequences = json.loads(episode["agent_params"]).get("sequences") or []
        if len(sequences) != 1:
            raise CompilerError(
                f"run {run_id}: each episode must play one list (a `coreset` agent with one "
                f"sequence), {episode['benchmark']} has {len(sequences)}"
            )
        commandline = " ".join(sequences[0].split())
        if commandline not in lists:
            lists.append(commandline)
        curve = [0.0]
        for step in by_episode.get(episode["episode_id"], []):
            curve.append(float(step["cumulative_reward"]))
            if step["error"] is not None:
                break
        curves[episode["benchmark"], lists.index(commandline)] = curve
        features[episode["benchmark"]] = list(episode["initial_observation"])
    names = sorted(features)
    longest = max(len(commandline.split()) for commandline in lists)
    rewards = np.zeros((len(names), len(lists), longest + 1))
    for i, benchmark in enumerate(names):
        for j, commandline in enumerate(lists):
            played = curves.get((benchmark, j))
            if played is None:
                raise CompilerError(f"run {run_id}: {benchmark} never played list {commandline!r}")
            padded = played + [played[-1]] * (longest + 1 - len(played))
            rewards[i, j] = padded[: longest + 1]
    return TeacherTable(names, lists, np.asarray([features[b] for b in names]), rewards)


def chooser_from(table: TeacherTable, neighbours: int) -> ListChooser:
    """A chooser asking `neighbours` programs of the table (standardised on the table)."""
    logged = np.log1p(table.features)
    mean = logged.mean(axis=0)
    scale = logged.std(axis=0)
    scale[scale == 0] = 1.0
    return ListChooser(
        lists=table.lists,
        benchmarks=table.benchmarks,
        features=np.round((logged - mean) / scale, DIGITS).tolist(),
        rewards=np.round(table.rewards, DIGITS).tolist(),
        mean=mean.tolist(),
        scale=scale.tolist(),
        neighbours=min(neighbours, len(table.benchmarks)),
    )


def chosen_rewards(chooser: ListChooser, table: TeacherTable) -> np.ndarray:
    """Per program of `table` (played with the chooser's lists), the reward of its choice."""
    order = [table.lists.index(commandline) for commandline in chooser.lists]
    rewards = []
    for i, autophase in enumerate(table.features):
        list_index, length = chooser.choose(autophase)
        rewards.append(table.rewards[i, order[list_index], length])
    return np.asarray(rewards)


def leave_one_out(table: TeacherTable, neighbours: int) -> float:
    """The geomean reward on each training program of a chooser learned without it."""
    rewards = []
    for held in range(len(table.benchmarks)):
        keep = [i for i in range(len(table.benchmarks)) if i != held]
        rest = TeacherTable(
            [table.benchmarks[i] for i in keep],
            table.lists,
            table.features[keep],
            table.rewards[keep],
        )
        chooser = chooser_from(rest, neighbours)
        list_index, length = chooser.choose(table.features[held])
        rewards.append(table.rewards[held, list_index, length])
    return geomean(rewards)


def geomean(rewards: Any) -> float:
    """The geometric mean of rewards floored at `REWARD_FLOOR` (as the chooser scores them)."""
    from cgym_ray.jobs.runner import geomean as floored_geomean

    return floored_geomean([float(reward) for reward in rewards], floor=REWARD_FLOOR)


def learn_chooser(
    table: TeacherTable, choices: tuple[int, ...] = NEIGHBOUR_CHOICES
) -> tuple[ListChooser, dict[int, float]]:
    """The chooser whose number of neighbours does best in leave-one-out, and every score."""
    scores = {k: leave_one_out(table, k) for k in choices if k <= len(table.benchmarks) - 1}
    if not scores:
        raise CompilerError(f"a list chooser needs at least 2 training programs, not {scores}")
    best = max(scores, key=lambda k: (scores[k], -k))
    return chooser_from(table, best), scores


def list_chooser_agent(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    model: str,
    guided: bool = False,
    search: Literal["portfolio", "coreset_guided"] = "portfolio",
    k: int = 50,
    lead: Literal["all", "predicted_gains"] = "all",
) -> SearchResult:
    """The prefix the chooser of `model` (a JSON file) picks from the -O0 module; with `guided`, a search.

    Without `guided`: one episode, that prefix. The search result is its best
    prefix, as for every agent; the policy's own result is the episode's final
    reward (the store's `episodes.reward`).

    guided: then spend the budget on a search that the chooser leads with its
        prefixes: every list at its best length, best-scored first (the first
        of them is the policy's own choice). Under a time budget on a large
        program only the first few sequences fit, so the policy decides which
        are played; on a small one they are more tails and starts for walks.
    search: which search it guides. "portfolio": `Oz`, the chooser's prefixes,
        then the learned sequences, refined (`play_portfolio`) within `k`
        compilations; "coreset_guided": the chooser's prefixes, then
        `DEFAULT_CORESET`, polish and guided walks (`search_from`) until the
        budget is spent.
    k: the portfolio's most compilations (set it high to let a time budget decide).
    lead: which prefixes go before the search's own sequences. "all": every one.
        "predicted_gains": only those whose neighbours' mean log reward is above
        0 (predicted to beat -Oz); the others follow the search's sequences, so
        that where the policy expects no gain (large programs, in 10 s) the
        search's own sequences keep their places.
    """
    chooser = ListChooser.load(model)
    agent = "list_chooser+guided" if guided else "list_chooser"
    with SearchRun(agent, make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        scores = chooser.scores(env.observation[FEATURES])
        ranked = ranked_prefixes(scores)
        list_index, length = ranked[0]
        params: dict[str, object] = {
            "model": model,
            "list": list_index,
            "length": length,
            "guided": guided,
        }
        if not guided:
            episode = run.new_episode(env)
            actions = env.action_space.from_commandline(chooser.lists[list_index])[:length]
            for action in actions:
                if episode.failed or not run.can_afford(1):
                    break
                run.step(episode, action)
            run.check_final(episode)  # the policy's figure is this final state: run its program
            run.end_episode(episode)
            return run.result(params)
        prefixes = prefix_texts(chooser, ranked)
        gains = [scores[i, n] > 0 for i, n in ranked] if lead == "predicted_gains" else None
        first = [p for j, p in enumerate(prefixes) if gains is None or gains[j]]
        after = [p for j, p in enumerate(prefixes) if gains is not None and not gains[j]]
        rng = np.random.default_rng(seed)
        if search == "coreset_guided":
            from cgym_ray.search.coreset_guided import GuidedSearch, search_from
            from cgym_ray.search.default_coreset import DEFAULT_CORESET

            sequences = list(dict.fromkeys([*first, *DEFAULT_CORESET, *after]))
            search_from(run, env, sequences, rng, GuidedSearch())
            params.update(search=search, lead=lead, leading=len(first))
        else:
            from cgym_ray.search.portfolio import (
                FIRST,
                WALK_PATIENCE,
                Walks,
                learned_sequences,
                play_portfolio,
            )

            played = list(dict.fromkeys([FIRST, *first, *learned_sequences(), *after]))
            walks = Walks(run.action_indices(env, None), rng, WALK_PATIENCE)
            params.update(search=search, k=k, lead=lead, leading=len(first))
            params.update(play_portfolio(run, env, played, k, walks))
        return run.result(params)


def main(argv: list[str] | None = None) -> None:
    """`python -m cgym_ray.rl.list_chooser STORE RUN_ID OUT.json [--datasets NAME ...]`."""
    import argparse

    from cgym_ray.store.store import TrajectoryStore

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("store")
    parser.add_argument("run_id", help="a run that played each teacher list once per program")
    parser.add_argument("out")
    parser.add_argument(
        "--datasets", nargs="*", help="the training programs' datasets (default: all)"
    )
    args = parser.parse_args(argv)
    table = teacher_table(TrajectoryStore.open(args.store), args.run_id, args.datasets)
    chooser, scores = learn_chooser(table)
    chooser.save(args.out)
    print(
        json.dumps(
            {
                "programs": len(table.benchmarks),
                "lists": len(table.lists),
                "leave_one_out": scores,
                "neighbours": chooser.neighbours,
                "training": geomean(chosen_rewards(chooser, table)),
            }
        )
    )


if __name__ == "__main__":
    main()
