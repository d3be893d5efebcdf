"""LLVM 23's standard pipelines written out as explicit text (package data).

`default<O2>` and `default<O3>` as LLVM 23.1.4 builds them, in the text the
pipeline tree parses and prints; with minsize and optsize on every defined
function, O2's text is our Oz (docs/design.md). tests/llvm/test_pipelines.py runs
each text against the built-in level on every suite program and requires
identical IR. The files' header comments say what cannot be written as text
and how it was handled.
"""

from __future__ import annotations

from importlib import resources

from cgym_ray.errors import PipelineError
from cgym_ray.llvm.pipelines.tree import Pipeline

STANDARD_PIPELINE_FILES = {"O2": "o2-llvm23.pipeline", "O3": "o3-llvm23.pipeline"}
# The built-in pipeline each file writes out.
BUILT_IN = {"O2": "default<O2>", "O3": "default<O3>"}
OZ_ATTRIBUTES = ("minsize", "optsize")


def read_standard_text(name: str) -> str:
    """The pipeline text of `name` ("O2" or "O3"), without the file's comment lines."""
    if name not in STANDARD_PIPELINE_FILES:
        raise PipelineError(
            f"no written-out pipeline {name!r}; choose one of {sorted(STANDARD_PIPELINE_FILES)}"
        )
    raw = (
        resources.files("cgym_ray.llvm.pipelines")
        .joinpath(f"data/{STANDARD_PIPELINE_FILES[name]}")
        .read_text()
    )
    return "".join(
        line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


def standard_pipeline(name: str) -> Pipeline:
    """`standard_pipeline("O2")`: the parsed, level-checked tree of a standard pipeline."""
    from cgym_ray.llvm.pipelines.registry import load_table

    return load_table().check(read_standard_text(name))


def oz_pipeline() -> Pipeline:
    """-Oz's pipeline: O2's text, to run after adding `OZ_ATTRIBUTES` to every defined function."""
    return standard_pipeline("O2")
