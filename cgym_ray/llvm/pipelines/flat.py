"""A flat pass sequence written as one pipeline that compiles to what playing it gives.

    >>> from cgym_ray.llvm.backend import get_backend
    >>> catalogue = get_backend("libllvm").actions
    >>> str(flat_pipeline("drop-size-attributes sroa gvn", catalogue))
    'function-marks<*:-minsize;*:-optsize>,function(sroa<modify-cfg>),function(gvn<>)'

A flat env runs each action in a run of its own (`LLVMRunPasses` with empty
analysis managers); a pipeline env runs its text cut into segments
(`run.segments`). The two give the same module when every flat action
becomes its own segment with nothing cached at its start:

- a pass is its action's text (with its adaptor);
- an attributes action (`size-attributes`, `drop-size-attributes`) is a
  `function-marks` element naming every function (`*:minsize;*:optsize`),
  a segment of its own;
- a macro is its written-out standard pipeline (`standard_pipeline`): `Oz`
  is `function-marks<*:minsize;*:optsize>` then `default<O2>` written out, as
  the flat `Oz` sets the marks and runs `default<O2>`; `O2` and `O3` are
  theirs; `O1` has no written-out text and is left out (`left_out` says so);
- where the elements before leave a module analysis cached (after a macro's
  `require<globals-aa>`), the action starts with `invalidate<all>`, which
  drops it, as a new run would (`run.DROP_ALL`).

The pipeline env loads the module with -Oz's marks on every function, as the
flat `llvm-ic-v0` family does, so both start from the same module.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from cgym_ray.llvm.actions import Action, ActionCatalogue
from cgym_ray.llvm.pipelines.marks import EVERY_FUNCTION, marks_element
from cgym_ray.llvm.pipelines.run import DROP_ALL, segments
from cgym_ray.llvm.pipelines.standard import standard_pipeline
from cgym_ray.llvm.pipelines.tree import Element, Pipeline

# The macro-actions with a written-out standard pipeline: action name -> level.
MACRO_LEVELS = {"Oz": "O2", "O2": "O2", "O3": "O3"}


@dataclass(frozen=True)
class FlatPipeline:
    """A commandline as a pipeline: the pipeline, and the actions it could not hold."""

    pipeline: Pipeline
    # The actions the pipeline holds, in order, and its segment count after each
    # (so the counts after one compile give every prefix of the sequence).
    held: tuple[str, ...]
    ends: tuple[int, ...]
    left_out: tuple[str, ...]

    def prefix(self, actions: int) -> Pipeline:
        """The pipeline of the first `actions` actions held."""
        if actions == 0:
            return Pipeline(())
        parts = segments(self.pipeline)[: self.ends[actions - 1]]
        return Pipeline(tuple(element for part in parts for element in part.elements))


def action_elements(action: Action) -> tuple[Element, ...] | None:
    """One flat action as pipeline elements (None: it has no pipeline text)."""
    elements: tuple[Element, ...] = ()
    if action.attributes:
        elements += (marks_element((EVERY_FUNCTION, mark) for mark in action.attributes),)
    if action.is_macro:
        if action.name not in MACRO_LEVELS:
            return None
        elements += standard_pipeline(MACRO_LEVELS[action.name]).elements
    elif action.pipeline:
        elements += Pipeline.parse(action.pipeline).elements
    return elements


def flat_to_pipeline(
    commandline: str, catalogue: ActionCatalogue, leave_out: Collection[str] = ()
) -> FlatPipeline:
    """`commandline` (action names of `catalogue`) as one pipeline, and where each action ends.

    leave_out: pass names whose actions are left out (a search's hazards).
    """
    elements: tuple[Element, ...] = ()
    held_names: list[str] = []
    ends: list[int] = []
    left_out: list[str] = []
    for index in catalogue.from_commandline(commandline):
        action = catalogue[index]
        held = action_elements(action)
        if held is None or any(leaf.name in leave_out for _, leaf, _ in Pipeline(held).walk()):
            left_out.append(action.name)
            continue
        before = ends[-1] if ends else 0  # the segments so far
        if elements and len(segments(Pipeline(elements + held[:1]))) == before:
            held = Pipeline.parse(DROP_ALL).elements + held  # would join a run with analyses cached
        elements += held
        held_names.append(action.name)
        ends.append(len(segments(Pipeline(elements))))
    return FlatPipeline(Pipeline(elements), tuple(held_names), tuple(ends), tuple(left_out))


def flat_pipeline(
    commandline: str, catalogue: ActionCatalogue, leave_out: Collection[str] = ()
) -> Pipeline:
    """`commandline` as one pipeline (`flat_to_pipeline`'s pipeline)."""
    return flat_to_pipeline(commandline, catalogue, leave_out).pipeline
