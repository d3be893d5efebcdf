"""The coreset the `coreset` baseline tries when it is given none.

Learned on the built-in suite's training split (never its test split) with the
libllvm backend's catalogue and the IrInstructionCountOz reward, by

    python -m cgym_ray.search.default_coreset

which runs `learn_coreset` as `main()` below does and rewrites this file.
"""

from __future__ import annotations

DEFAULT_CORESET: tuple[str, ...] = ("Oz",)

LEARNED_WITH = "placeholder"


def main() -> None:
    import pprint
    import sys
    from pathlib import Path

    import gymnasium as gym
    import numpy as np

    import cgym_ray  # noqa: F401  (registers the environments)
    from cgym_ray.datasets import get_dataset
    from cgym_ray.search.annealing import annealing
    from cgym_ray.search.common import Budget
    from cgym_ray.search.coreset import learn_coreset

    suite = get_dataset("cgym-suite-v0")
    benchmarks = [suite.uri(name) for name in suite.benchmark_names("train")]
    recipe = "annealing, Budget(steps=3000) a program, seed 0, k=20"
    chosen, matrix = learn_coreset(
        lambda: gym.make("llvm-ic-v0").unwrapped,
        benchmarks,
        k=20,
        search=annealing,
        budget=Budget(steps=3000),
        seed=0,
    )
    rows = [matrix.sequences.index(s) for s in chosen]
    covered = matrix.rewards[rows].max(axis=0)
    geomean = float(np.exp(np.log(np.maximum(covered, 1e-9)).mean()))
    source = Path(__file__).read_text()
    head, _, rest = source.partition("DEFAULT_CORESET: tuple[str, ...] = ")
    _, _, tail = rest.partition("\n\nLEARNED_WITH = ")
    tail = tail.partition("\n")[2]
    learned = (
        f"{len(benchmarks)} train programs, {len(matrix.sequences)} candidates; {recipe}; "
        f"train geomean of the best of the coreset {geomean:.4f}"
    )
    Path(__file__).write_text(
        head
        + "DEFAULT_CORESET: tuple[str, ...] = "
        + pprint.pformat(tuple(chosen), width=96)
        + f"\n\nLEARNED_WITH = {learned!r}\n"
        + tail
    )
    print(learned, file=sys.stderr)


if __name__ == "__main__":
    main()
