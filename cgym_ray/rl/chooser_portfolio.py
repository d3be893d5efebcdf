"""The list chooser leading `pipeline_portfolio`: both routes, the policy's sequences first (issue 18/19).

    >>> result = chooser_portfolio(make_env, "benchmark://chstone-src-v0/adpcm", Budget(steps=50), 0,
    ...                            model="results/rl/bc-v3/chooser.json")  # doctest: +SKIP

The list chooser (`list_chooser`, learned on training programs) ranks its
teacher lists' prefixes from the program's -O0 Autophase; with `guided` it
leads the flat `portfolio`. This agent gives the same prefixes, best first,
as `pipeline_portfolio`'s `lead`, so they are played (as pipelines that
compile to what playing them gives) before the learned flat sequences, in the
search that also holds -Oz's pipeline with learned marks and edits. Its
states are pipeline texts (`llvm-pipeline-ic-v0`). The features are read
from the -O0 module in this process: the same Autophase the flat env
observes.
"""

from __future__ import annotations

import numpy as np

from cgym_ray.llvm.backend import get_backend
from cgym_ray.rl.list_chooser import ListChooser, prefix_texts
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.pipeline_portfolio import OZ_LEAST, OZ_MARGIN, pipeline_portfolio


def minus_o0_autophase(benchmark: str, backend: str = "libllvm") -> np.ndarray:
    """Autophase of the benchmark's -O0 module (what `LlvmEnv.observation["Autophase"]` gives at reset)."""
    from cgym_ray.datasets import get_benchmark

    found = get_benchmark(benchmark)
    with get_backend(backend).load(found.bitcode(), found.uri) as module:
        return np.asarray(module.autophase())


def chooser_portfolio(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    model: str,
    oz_share: float = 0.5,
    oz_margin: float = OZ_MARGIN,
    oz_least: float = OZ_LEAST,
) -> SearchResult:
    """`pipeline_portfolio` led by the list chooser of `model` (a JSON file).

    oz_share, oz_margin, oz_least: `pipeline_portfolio`'s (the share of -Oz's
        route, the flat sequences' lead past which it gets `oz_least` instead).
    """
    chooser = ListChooser.load(model)
    lead = prefix_texts(chooser, chooser.ranked(minus_o0_autophase(benchmark)))
    result = pipeline_portfolio(
        make_env,
        benchmark,
        budget,
        seed,
        report=report,
        lead=lead,
        oz_share=oz_share,
        oz_margin=oz_margin,
        oz_least=oz_least,
    )
    result.params["model"] = model
    return result
