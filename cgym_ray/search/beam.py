"""Beam search: keep the `width` best states; extend each by every improving action.

    >>> result = beam(make_env, "benchmark://cgym-suite-v0/crc32", Budget(seconds=60),
    ...               seed=0, width=4)  # doctest: +SKIP

Each beam is a running episode in its own compiler process (`env.fork()`). A
round asks every beam for the reward of every action (`env.try_actions`), ranks
the (beam, action) pairs by the reward the extended path would have, and keeps
the best `width` that improve by more than `min_improvement`, skipping
duplicates (the same passes in another order reaching the same reward). Each
kept pair becomes a new beam: a fork of its parent that takes the action. The
search ends when no beam can improve. With `width=1` it is greedy search.

Episodes: a beam that is not extended (dropped, or at the end) is reported as
one episode, its whole path from the unoptimized module.

Budget: every tried action is one step and so is every step taken; a round
the remaining step budget cannot pay for is not started, and a round that runs
out of time is abandoned (the search may still overrun a time budget by one
sweep of `try_actions`). Ties go to the
earlier beam, then the earlier action in `actions`, so the search does not
depend on the seed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import Episode, SearchRun


def beam(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    width: int = 4,
    min_improvement: float = 1e-9,
    max_episode_length: int = 1000,
    actions: Sequence[str | int] | None = None,
) -> SearchResult:
    """Beam search of `width` beams; the best path found.

    width: how many paths are kept at each depth.
    min_improvement: an action that earns no more than this does not extend a beam.
    max_episode_length: the deepest a beam may go.
    actions: the action names (or indices) to try; default all of them.
    """
    with SearchRun("beam", make_env, benchmark, budget, seed, report) as run:
        beams: list[Episode] = [run.new_episode()]
        candidates = run.action_indices(beams[0].env, actions)
        depth = 0
        while beams and depth < max_episode_length:
            if not run.can_afford(len(beams) * len(candidates) + width):
                break
            # Score every (beam, action) extension that improves its beam.
            extensions: list[tuple[float, int, int]] = []  # (score, beam, position in candidates)
            swept = 0
            for i, parent in enumerate(beams):
                if run.clock.exhausted:  # out of time in mid-round: the beams so far are the result
                    break
                rewards = run.try_actions(parent, candidates)
                swept += 1
                for position, reward in enumerate(rewards):
                    if reward is not None and reward > min_improvement:
                        extensions.append((parent.reward + reward, i, position))
            if swept < len(beams):
                break
            extensions.sort(key=lambda e: (-e[0], e[1], e[2]))
            chosen, seen = [], set()
            for score, i, position in extensions:
                action = candidates[position]
                key = (score, tuple(sorted(beams[i].actions + [action])))
                if key not in seen:
                    seen.add(key)
                    chosen.append((i, action))
                if len(chosen) == width:
                    break
            # Grow the chosen children, then retire the parents (reporting the leaves).
            children = []
            for i, action in chosen:
                child = run.fork(beams[i])
                run.step(child, action)
                if child.failed:
                    run.end_episode(child)
                    run.discard(child)
                else:
                    children.append(child)
            extended = {i for i, _ in chosen}
            for i, parent in enumerate(beams):
                if i not in extended:
                    run.end_episode(parent)
                run.discard(parent)
            beams = children
            depth += 1
        for leaf in beams:
            run.end_episode(leaf)
        return run.result(
            {
                "width": width,
                "min_improvement": min_improvement,
                "max_episode_length": max_episode_length,
                "actions": actions,
            }
        )
