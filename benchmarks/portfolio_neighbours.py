"""Does the order of a program's nearest training programs beat the portfolio's one order? (no compiling)

    scripts/bench portfolio_neighbours [--learned v4] [--neighbours 1 3 5 8 13 20]
        [--chooser results/rl/bc-v3/chooser.json] [--out results/pipelines.md]

Coreset-NVP ranks a coreset's sequences per program by a learned value
predictor, so that a few tries find a good one. The question here is whether
a nearest-neighbour predictor over the -O0 Autophase would beat the
portfolio's fixed order. It needs no compilation: the learning's own score
table (`portfolio-LEARNED-scores.jsonl`) gives every candidate's score on every
training program, and the list chooser's table gives those programs' -O0
features.

Leave one program out at a time, and learn three orders from the others:
- the portfolio, by the same greedy coverage selection as `learn_portfolio`;
- the candidates by their mean score over the held-out program's `K` nearest
  programs;
- the greedy coverage selection over those `K` programs alone.

A candidate found by searching the held-out program itself is left out of
all three orders. For each order, the report gives the held-out program's
best score among its first `m` candidates, floored at 0 (-Oz is played
first), averaged over the programs: the % below -Oz that `m` compilations
after `Oz` would reach before any refinement.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from _provenance import print_and_append, provenance_line

from cgym_ray.search.coreset import select_coreset
from cgym_ray.search.coreset_guided import DROP_SIZE_ATTRIBUTES
from cgym_ray.search.portfolio import (
    LEARNED,
    TRAINING,
    candidate_list,
    learned_file,
    normalised,
    training_benchmarks,
)

TRIES = (1, 2, 3, 5, 8, 12, 18, 30)


def score_table(learned: str) -> tuple[list[str], list[str], np.ndarray, dict[str, set[str]]]:
    """Programs, candidates, scores (candidates x programs) and each candidate's source programs."""
    data = learned_file(learned).parent
    searched = json.loads((data / f"portfolio-{learned}-candidates.json").read_text())
    candidates = candidate_list(searched)
    rows = {}
    for line in (data / f"portfolio-{learned}-scores.jsonl").read_text().splitlines():
        row = json.loads(line)
        rows[row["benchmark"]] = row["scores"]
    uris = training_benchmarks(TRAINING, "train", 0)
    # `search_candidates` searched each program twice (with -Oz's marks, then without them).
    sources: dict[str, set[str]] = {}
    for index, commandline in enumerate(searched[: 2 * len(uris)]):
        flipped = commandline if index % 2 == 0 else f"{DROP_SIZE_ATTRIBUTES} {commandline}"
        sources.setdefault(normalised(flipped), set()).add(uris[index // 2])
    programs = [uri for uri in uris if uri in rows]
    return programs, candidates, np.array([rows[u] for u in programs]).T, sources


def features(chooser: Path, programs: list[str]) -> np.ndarray:
    """The programs' log1p Autophase at -O0, from a list chooser's table (it stores them standardised)."""
    table = json.loads(chooser.read_text())
    logged = np.asarray(table["features"]) * table["scale"] + np.asarray(table["mean"])
    by_name = dict(zip(table["benchmarks"], logged, strict=True))
    missing = [p for p in programs if p not in by_name]
    if missing:
        raise SystemExit(
            f"{chooser} has no features for {len(missing)} programs, e.g. {missing[0]}"
        )
    return np.asarray([by_name[p] for p in programs])


def coverage_order(allowed: list[int], scores: np.ndarray, then: list[int]) -> list[int]:
    """The greedy coverage selection over `scores` (allowed x programs), then `then`'s order."""
    chosen = [int(c) for c in select_coreset([str(c) for c in allowed], scores, 49, floor=0.0)]
    return chosen + [c for c in then if c not in chosen]


def orders(held: int, programs, candidates, scores, sources, logged, neighbours: int):
    """The three orders of candidates for the held-out program, learned without it."""
    others = [p for p in range(len(programs)) if p != held]
    allowed = [
        c for c in range(len(candidates)) if programs[held] not in sources.get(candidates[c], set())
    ]
    portfolio = coverage_order(allowed, scores[np.ix_(allowed, others)], allowed)
    rest = logged[others]
    scale = rest.std(axis=0)
    scale[scale == 0] = 1.0
    distances = np.linalg.norm((rest - logged[held]) / scale, axis=1)
    nearest = [others[i] for i in np.argsort(distances, kind="stable")[:neighbours]]
    mean = scores[np.ix_(allowed, nearest)].mean(axis=1)
    ranked = [allowed[i] for i in np.argsort(-mean, kind="stable")]
    covered = coverage_order(allowed, scores[np.ix_(allowed, nearest)], ranked)
    return {"portfolio": portfolio, "nearest, by mean": ranked, "nearest, by coverage": covered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learned", default=LEARNED)
    parser.add_argument("--neighbours", type=int, nargs="+", default=[1, 3, 5, 8, 13, 20])
    parser.add_argument("--chooser", type=Path, default=Path("results/rl/bc-v3/chooser.json"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    programs, candidates, scores, sources = score_table(args.learned)
    logged = features(args.chooser, programs)
    lines = [
        f"\n### Neighbours' order against the portfolio's ({args.learned}, leave one out)\n",
        provenance_line(),
        f"{len(programs)} training programs, {len(candidates)} candidates; mean % below -Oz of "
        "the best of the first m candidates (floored at 0):\n",
        "| K | order | " + " | ".join(f"m={m}" for m in TRIES) + " |",
        "|---:|---|" + "---:|" * len(TRIES),
    ]
    for neighbours in args.neighbours:
        reached: dict[str, list[list[float]]] = {}
        for held in range(len(programs)):
            found = orders(held, programs, candidates, scores, sources, logged, neighbours)
            for name, order in found.items():
                best = [max(0.0, float(scores[order[:m], held].max())) for m in TRIES]
                reached.setdefault(name, []).append(best)
        for name, rows in reached.items():
            if name == "portfolio" and neighbours != args.neighbours[0]:
                continue  # the same for every K
            means = 100 * np.asarray(rows).mean(axis=0)
            k = "-" if name == "portfolio" else str(neighbours)
            lines.append(f"| {k} | {name} | " + " | ".join(f"{v:.2f}" for v in means) + " |")
    print_and_append("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
