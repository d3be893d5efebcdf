"""A learned portfolio of flat pass sequences (Coreset-NVP style), at most 50 compilations a program.

    >>> result = portfolio(make_env, "benchmark://cbench-src-v1/qsort", Budget(steps=5000), seed=0)
    ... # doctest: +SKIP

Issue 18's "learned pipelines" target: a fixed set of whole sequences,
learned on training programs only, each played once on a new program; the
best prefix of any of them wins (behaviour-checked, as every `SearchRun` best
is). On a new program the search plays `Oz` first (so it is never worse
than -Oz) and then the learned sequences in the order they were taken: one
compilation each, one request that runs the sequence's passes once,
counting the instructions after each pass. With `refine` (the default) the
compilations left of `k` refine the best prefix (`refine_best`): the played
sequences as tails after it, best first, round after round while a round
finds something better, then random walks from it; every replay of the best
prefix, tail and walk counts as one compilation, and the result's params
give the count (`compilations`).

Learning (`learn_portfolio`, run by `python -m cgym_ray.search.portfolio`),
on the `libllvm-v4` catalogue, whose `size-attributes` and `drop-size-attributes` let a sequence choose
where -Oz's minsize and optsize marks go:

1. **Candidates.** `coreset_guided` searches each training program for
   `seconds` (its bests behaviour-checked); the best prefixes of the
   `per_program` best distinct episodes of each are candidates, and so are
   `DEFAULT_CORESET`'s sequences as they are and after `size-attributes`.
2. **Scores.** Every candidate is played once on every training program:
   its score there is the fraction of -Oz's instructions its best prefix
   removes, `1 - count / Oz` (negative: worse than -Oz).
3. **Selection.** `coreset.select_coreset` with floor 0 (-Oz, played
   first, scores 0): greedily, the candidate that most raises the summed
   best-of-portfolio score over the training programs, until `k - 1` are
   taken or none raises it. That sum is `n` x the mean % below -Oz, the
   measure of the target, so the selection maximises what is measured.

The result is a data file, `data/portfolio-v4.txt` (the one played unless
`learned` names another): a header that says how it was learned (command,
programs, budget, date), then one commandline a line, in the order taken.
`data/portfolio-v5.txt` is learned the same way from v4's candidates and, as
more candidates, the training programs' bests after v4 with `refine`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.errors import CompilerError
from cgym_ray.search.common import Budget, EnvFactory, EpisodeCollector, Report, SearchResult
from cgym_ray.search.coreset_guided import DROP_SIZE_ATTRIBUTES as DROP
from cgym_ray.search.coreset_guided import play_sequences
from cgym_ray.search.episodes import Episode, SearchRun
from cgym_ray.search.random_search import random_walk

# The learned portfolio the agent plays unless told another (`learned`).
LEARNED = "v4"


def learned_file(version: str) -> Path:
    """The data file of a learned portfolio: `data/portfolio-VERSION.txt`."""
    return Path(__file__).parent / "data" / f"portfolio-{version}.txt"


DATA = learned_file(LEARNED)
# What the portfolio plays first, so that no program ends worse than -Oz.
FIRST = "Oz"
# Passes without a new best after which a refinement's random walk ends (`walk_patience`).
WALK_PATIENCE = 32


@functools.lru_cache(maxsize=4)
def _read(path: Path) -> tuple[str, ...]:
    if not path.exists():
        raise CompilerError(
            f"no learned portfolio at {path}: learn one with `python -m cgym_ray.search.portfolio`"
        )
    lines = path.read_text().splitlines()
    return tuple(" ".join(line.split()) for line in lines if line.strip() and line[0] != "#")


def learned_sequences(path: Path = DATA) -> list[str]:
    """The learned sequences (commandlines), in the order the selection took them."""
    return list(_read(path))


def portfolio(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    sequences: Sequence[str] | None = None,
    k: int = 50,
    refine: bool = True,
    walk_patience: int = WALK_PATIENCE,
    learned: str = LEARNED,
) -> SearchResult:
    """The best prefix of `Oz` and the learned sequences, then refined: at most `k` compilations.

    sequences: commandlines to play after `Oz` instead of the learned ones.
    k: the most compilations (sequences played, `Oz` included, and with
        `refine` the refinement's replays, tails and walks).
    refine: spend the compilations the portfolio leaves (`k` minus the
        sequences played) refining the best prefix (`refine_best`).
    walk_patience: the refinement's random walks end after this many passes
        without a new best (0: no walks, only tails).
    learned: which learned portfolio to play (`data/portfolio-LEARNED.txt`),
        when `sequences` is not given.

    A step budget counts passes, as in every flat search: give it enough for
    `k` whole sequences (the learned ones are at most a few hundred passes
    each) and let `k` bound the compilations. The result's params give the
    compilations used (`compilations`) and the reward after the portfolio
    (`portfolio_reward`) and after the tails (`tails_reward`). Without
    `refine` the search is deterministic; its walks depend on the seed.
    """
    if k < 1:
        raise CompilerError(f"portfolio: k must be at least 1 (one compilation), not {k}")
    if walk_patience < 0:
        raise CompilerError(f"portfolio: walk_patience must be 0 or more, not {walk_patience}")
    chosen = (
        learned_sequences(learned_file(learned))
        if sequences is None
        else [" ".join(s.split()) for s in sequences]
    )
    played = [FIRST, *(s for s in chosen if s != FIRST)][:k]
    with SearchRun("portfolio", make_env, benchmark, budget, seed, report) as run:
        env = run.open_env()
        walks = Walks(run.action_indices(env, None), np.random.default_rng(seed), walk_patience)
        counts = play_portfolio(run, env, played, k, walks if refine else None)
        return run.result(
            {
                "sequences": len(played),
                "k": k,
                "refine": refine,
                "walk_patience": walk_patience,
                "learned": learned if sequences is None else None,
                **counts,
            }
        )


def play_portfolio(
    run: SearchRun, env: LlvmEnv, played: Sequence[str], k: int, walks: Walks | None
) -> dict[str, object]:
    """`played` (at most `k`), then with `walks` the compilations left refine the best prefix.

    Returns what the result's params report: the compilations used, the
    reward after the sequences (`portfolio_reward`) and after the tails
    (`tails_reward`). A caller with better first sequences (a policy's
    choices) puts them at the head of `played`.
    """
    sequences_played = play_sequences(run, env, played[:k])
    compilations, portfolio_reward = len(sequences_played), run.best_reward
    refinement = Refinement(0, run.best_reward)
    if walks is not None and compilations < k:
        # The sequences that did best on this program first (ties: the portfolio's order).
        tails = [s for s, (reward, _) in sorted(sequences_played, key=lambda p: -p[1][0])]
        refinement = refine_best(run, env, tails, walks, k - compilations)
    return {
        "compilations": compilations + refinement.compilations,
        "portfolio_reward": portfolio_reward,
        "tails_reward": refinement.tails_reward,
    }


@dataclass
class Walks:
    """What the refinement's random walks draw from: actions, a generator, their patience."""

    actions: list[int]
    rng: np.random.Generator
    patience: int
    # The most passes a walk adds to the prefix it starts from.
    longest: int = 256


@dataclass
class Refinement:
    """The compilations a refinement used and the best reward once its tails were done."""

    compilations: int
    tails_reward: float


def refine_best(
    run: SearchRun, env: LlvmEnv, tails: Sequence[Sequence[int]], walks: Walks, most: int
) -> Refinement:
    """Tails, then random walks, after the best prefix so far: at most `most` compilations.

    Why: a learned sequence ends where its best prefix ends, and playing a
    second good sequence after it often removes more (an `Oz` after a long
    custom prefix, or a sequence without the marks after one with them);
    once no tail helps, random walks from the best prefix find the small
    local gains that coreset_guided's walks find, one compilation each.

    The best prefix is replayed (one compilation, on `env`) each time it
    changes; each tail, and each walk, is played on a fork of that replay
    (one compilation each; a walk is one sequence whose end its patience
    decides). Their best prefixes are considered as every new best is, so
    behaviour-checked. Tails go round, in order, until a whole round finds
    nothing better; walks follow until `most` compilations are used or the
    step budget runs out.
    """
    used, since_better, turn = 0, 0, 0
    tails_reward: float | None = None
    base: Episode | None = None  # the replay of the best prefix, on `env`
    while used < most and run.best_actions:
        if base is None or base.actions != run.best_actions:
            if not run.can_afford(len(run.best_actions)):
                break
            base = run.new_episode(env)
            used += 1
            if not run.play(base, list(run.best_actions)) or used >= most:
                break
        chaining = tails_reward is None and since_better < len(tails)
        if not chaining and tails_reward is None:
            tails_reward = run.best_reward
        if chaining:
            tail = tails[turn % len(tails)]
            turn += 1
            if not run.can_afford(len(tail)):
                break
        elif walks.patience == 0 or not run.can_afford(1):
            break
        before = run.best_reward
        child = run.fork(base)
        if chaining:
            run.play(child, tail)
        else:
            longest = len(child.steps) + walks.longest
            random_walk(run, child, walks.actions, walks.rng, walks.patience, longest)
        run.end_episode(child)
        run.discard(child)
        used += 1
        since_better = 0 if run.best_reward > before else since_better + 1
    return Refinement(used, run.best_reward if tails_reward is None else tails_reward)


def best_prefix_counts(benchmark: str, sequences: Sequence[str]) -> tuple[int, list[float | None]]:
    """-Oz's instruction count on `benchmark` and, per sequence, the fewest any prefix of it left.

    One `LlvmEnv.play` each (one request); None where the first step failed.
    Not behaviour-checked: a learning-time estimate.
    """
    env = LlvmEnv(benchmark=benchmark, reward_space="IrInstructionCountOz", backend="libllvm")
    counts: list[float | None] = []
    try:
        env.reset(options={"benchmark": benchmark})
        oz = int(env.references("instruction_count")["Oz"] or 0)
        o0 = float(env.references("instruction_count")["O0"] or 0)
        for commandline in sequences:
            env.reset(options={"benchmark": benchmark})
            try:
                played = env.play(
                    env.action_space.from_commandline(commandline), action_effect=False
                )
            except CompilerError:
                played = []
            metrics = [step.metric for step in played if step.metric is not None]
            counts.append(min([o0, *metrics]) if metrics else None)
    finally:
        env.close()
    return oz, counts


def _searched(args: tuple[str, float, int, int, bool]) -> list[str]:
    """The best prefixes of the `per_program` best distinct episodes coreset_guided played.

    With `marks` False the search starts from the module without -Oz's marks
    (`size_attributes=False`) and each prefix is returned after `DROP`, which
    gives that start in the default env.
    """
    from cgym_ray.search.coreset_guided import coreset_guided

    benchmark, seconds, seed, per_program, marks = args
    collected = EpisodeCollector()
    result = coreset_guided(
        lambda: LlvmEnv(
            benchmark=benchmark,
            reward_space="IrInstructionCountOz",
            backend="libllvm",
            size_attributes=marks,
        ),
        benchmark,
        Budget(seconds=seconds),
        seed,
        report=collected,
    )
    prefixes: dict[str, float] = {}
    for outcome in collected:
        reward, best, names = 0.0, (0.0, 0), [step.action_name for step in outcome.steps]
        for length, step in enumerate(outcome.steps, 1):
            if step.error is not None:
                break
            reward += step.reward
            if reward > best[0]:
                best = (reward, length)
        if best[1]:
            commandline = " ".join(names[: best[1]])
            prefixes[commandline] = max(prefixes.get(commandline, 0.0), best[0])
    best_first = [result.best_state.commandline] if result.best_state.commandline else []
    ranked = sorted(prefixes, key=lambda c: -prefixes[c])
    found = list(dict.fromkeys(best_first + ranked))[:per_program]
    return found if marks else [f"{DROP} {c}" for c in found]


def _scored(args: tuple[str, list[str]]) -> list[float]:
    """The fraction of -Oz's instructions each sequence's best prefix removes (-1: it failed)."""
    benchmark, sequences = args
    oz, counts = best_prefix_counts(benchmark, sequences)
    return [-1.0 if c is None else 1.0 - c / max(oz, 1) for c in counts]


def search_candidates(
    benchmarks: Sequence[str], seconds: float, per_program: int, seed: int, processes: int
) -> list[str]:
    """Step 1: the best prefixes `coreset_guided` found on each program, with and without the marks.

    Each program gets two searches of `seconds`: from the module as the env
    loads it (with -Oz's marks) and from the module without them.
    """
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(b, seconds, seed, per_program, marks) for b in benchmarks for marks in (True, False)]
    with ProcessPoolExecutor(processes) as pool:
        found = list(pool.map(_searched, jobs))
    return [c for cs in found for c in cs]


def normalised(commandline: str) -> str:
    """A commandline without a leading `drop-size-attributes size-attributes` (which undo each other)."""
    from cgym_ray.search.coreset_guided import SIZE_ATTRIBUTES

    words = commandline.split()
    if words[:2] == [DROP, SIZE_ATTRIBUTES]:
        words = words[2:]
    return " ".join(words)


def candidate_list(searched: Sequence[str]) -> list[str]:
    """The candidates: `DEFAULT_CORESET` as it is and without the marks, then the searched ones."""
    from cgym_ray.search.default_coreset import DEFAULT_CORESET

    both = (*DEFAULT_CORESET, *(f"{DROP} {s}" for s in DEFAULT_CORESET), *searched)
    return list(dict.fromkeys(normalised(c) for c in both))


def score_programs(
    benchmarks: Sequence[str], candidates: Sequence[str], scores_path: Path, processes: int = 2
) -> dict[str, list[float]]:
    """Step 2: each candidate's score on each program, kept in `scores_path` (JSON lines).

    A program already scored there for the same candidates (the sha1 of their
    list, `candidates` in each row) is not scored
    again, so an interrupted run resumes; each program is written as it ends.
    """
    import hashlib
    import json
    from concurrent.futures import ProcessPoolExecutor

    key = hashlib.sha1("\n".join(candidates).encode()).hexdigest()[:12]
    done: dict[str, list[float]] = {}
    if scores_path.exists():
        for line in scores_path.read_text().splitlines():
            row = json.loads(line)
            if row["candidates"] == key:
                done[row["benchmark"]] = row["scores"]
    todo = [b for b in benchmarks if b not in done]
    with ProcessPoolExecutor(processes) as pool, scores_path.open("a") as out:
        for benchmark, column in zip(
            todo, pool.map(_scored, [(b, list(candidates)) for b in todo]), strict=True
        ):
            done[benchmark] = column
            row = {"benchmark": benchmark, "candidates": key, "scores": column}
            out.write(json.dumps(row) + "\n")
            out.flush()
    return done


def select_portfolio(
    candidates: Sequence[str], columns: dict[str, list[float]], k: int = 50
) -> tuple[list[str], dict[str, object]]:
    """Step 3: the learned sequences (after `Oz`, in the order taken) and their training score."""
    from cgym_ray.search.coreset import select_coreset

    scores = np.array(list(columns.values())).T  # (candidates, programs)
    chosen = select_coreset(list(candidates), scores, k - 1, floor=0.0)
    rows = [list(candidates).index(c) for c in chosen]
    covered = np.maximum(scores[rows].max(axis=0), 0.0) if rows else np.zeros(len(columns))
    return chosen, {
        "programs": len(columns),
        "candidates": len(candidates),
        "chosen": len(chosen),
        "train_mean_pct_below_oz": round(100 * float(covered.mean()), 2),
    }


def learn_portfolio(
    benchmarks: Sequence[str],
    searched: Sequence[str],
    scores_path: Path,
    *,
    k: int = 50,
    processes: int = 2,
) -> tuple[list[str], dict[str, object]]:
    """Steps 2 and 3 on `benchmarks`, from the candidates `search_candidates` found."""
    candidates = candidate_list(searched)
    columns = score_programs(benchmarks, candidates, scores_path, processes)
    return select_portfolio(candidates, {b: columns[b] for b in benchmarks}, k)


def training_benchmarks(datasets: Sequence[str], split: str, csmith: int) -> list[str]:
    """The `split` programs of each dataset, then `csmith` Csmith programs (seeds 0, 1, ...)."""
    from cgym_ray.datasets import get_dataset

    uris = []
    for name in datasets:
        dataset = get_dataset(name)
        uris += [dataset.uri(b) for b in dataset.benchmark_names(split)]
    return uris + [f"generator://csmith-v0/{seed}" for seed in range(csmith)]


TRAINING = ("cgym-suite-v0", "polybench-src-v0", "npb-src-v0", "mibench-src-v1")


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import datetime
    import json

    parser = argparse.ArgumentParser(description="Learn the flat portfolio; rewrite its data file")
    parser.add_argument("--datasets", nargs="+", default=list(TRAINING))
    parser.add_argument("--split", default="train")
    parser.add_argument("--csmith", type=int, default=0, help="also this many Csmith programs")
    parser.add_argument("--seconds", type=float, default=6.0, help="each search's budget")
    parser.add_argument("--per-program", type=int, default=1, help="candidates kept a search")
    parser.add_argument("-k", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--candidates",
        type=Path,
        help="a JSON list of the searches' candidates: read if it exists, else written",
    )
    parser.add_argument(
        "--scores",
        type=Path,
        default=Path("portfolio-scores.jsonl"),
        help="the candidates' scores by program (JSON lines): read, and extended where missing",
    )
    parser.add_argument(
        "--scored-only",
        action="store_true",
        help="select from the programs --scores already holds; score nothing more",
    )
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    uris = training_benchmarks(args.datasets, args.split, args.csmith)
    if args.candidates is not None and args.candidates.exists():
        searched = json.loads(args.candidates.read_text())
    else:
        searched = search_candidates(
            uris, args.seconds, args.per_program, args.seed, args.processes
        )
        if args.candidates is not None:
            args.candidates.write_text(json.dumps(searched, indent=1))
    candidates = candidate_list(searched)
    if args.scored_only:
        scored = score_programs([], candidates, args.scores)
        uris = [u for u in uris if u in scored]
    else:
        scored = score_programs(uris, candidates, args.scores, args.processes)
    chosen, how = select_portfolio(candidates, {u: scored[u] for u in uris}, args.k)
    header = [
        f"# Learned by `python -m cgym_ray.search.portfolio --datasets {' '.join(args.datasets)} "
        f"--split {args.split} --csmith {args.csmith} --seconds {args.seconds:g} "
        f"--per-program {args.per_program} -k {args.k} --seed {args.seed}"
        f"{' --scored-only' if args.scored_only else ''} --candidates {args.candidates} "
        f"--scores {args.scores}` "
        f"on {datetime.date.today().isoformat()} (libllvm-v4, libllvm backend, IrInstructionCountOz).",
        "# " + ", ".join(f"{key} {value}" for key, value in how.items()),
        "# Programs: " + " ".join(u.split("://", 1)[1] for u in uris),
        f"# One commandline a line, in the order the greedy selection took them; `{FIRST}` is played first.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header + chosen) + "\n")
    print("\n".join(header[:2]))


if __name__ == "__main__":
    main()
