"""Run a pipeline tree in a compiler session (a worker process), with errors that point.

A pipeline runs as one action of the session: a crash or hang of LLVM ends
the worker, not the caller, as for flat actions. When LLVM rejects the text
(an option our table allows but this libLLVM does not know, say), the error
carries LLVM's message and the position of the element it rejected, found by
trying each element alone on a throwaway copy of the module.
"""

from __future__ import annotations

from collections.abc import Sequence

from cgym_ray.errors import PipelineError
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.pipelines.tree import Pipeline, PipelineSyntaxError, parse_with_positions
from cgym_ray.llvm.session import CompilerSession, StepResult


def pipeline_action(pipeline: Pipeline | str, attributes: Sequence[str] = ()) -> Action:
    """The session action that runs `pipeline` (after adding `attributes` to every function)."""
    text = str(pipeline)
    return Action(name=text or "(empty pipeline)", pipeline=text, kind="pipeline", attributes=tuple(attributes))


def wrapped_element(pipeline: Pipeline, path: tuple[int, ...]) -> str:
    """The element at `path` alone, inside the adaptors that enclose it: `cgscc(function(sroa))`."""
    text = str(pipeline.at(path))
    for depth in range(len(path) - 1, 0, -1):
        text = f"{pipeline.at(path[:depth]).head}({text})"
    return text


def run_pipeline(
    session: CompilerSession, pipeline: Pipeline, attributes: Sequence[str] = (), observations: Sequence[str] = ()
) -> StepResult:
    """Run `pipeline` on the session's module; `PipelineSyntaxError` with the position if LLVM rejects it."""
    if not pipeline.elements:
        if attributes:
            return session.apply(Action("(attributes)", "", kind="pipeline", attributes=tuple(attributes)), observations)
        measured = session.measure("instruction_count", *observations)
        return StepResult("(empty pipeline)", False, int(measured["instruction_count"]), 0.0, 0.0,  # type: ignore[arg-type]
                          {name: measured[name] for name in observations})  # fmt: skip
    try:
        return session.apply(pipeline_action(pipeline, attributes), observations)
    except PipelineSyntaxError:
        raise
    except PipelineError as error:
        raise locate_rejection(session, pipeline, error) from error


def locate_rejection(session: CompilerSession, pipeline: Pipeline, error: PipelineError) -> PipelineError:
    """LLVM's message, pointed at the first leaf element LLVM rejects when run alone."""
    text = str(pipeline)
    _, positions = parse_with_positions(text)
    leaves = [path for path, element, _ in pipeline.walk() if not element.is_adaptor]
    probes = [Action(f"probe {i}", wrapped_element(pipeline, path)) for i, path in enumerate(leaves)]
    message = str(error).rsplit(": ", 1)[-1]
    for path, result in zip(leaves, session.try_actions(probes), strict=True):
        if "error" in result:
            detail = str(result["error"]).rsplit(": ", 1)[-1]
            return PipelineSyntaxError(f"LLVM rejected {pipeline.at(path)}: {detail}", text, positions[path])
    return PipelineSyntaxError(f"LLVM rejected the pipeline: {message}", text, 0)
