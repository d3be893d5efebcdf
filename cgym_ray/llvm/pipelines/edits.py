"""Edits of a pipeline tree: the actions of the pipeline environments.

An edit is (operation, position, choice), three integers, so that Gymnasium
can describe and check the space (`MultiDiscrete`):

- `position` picks a place in the current tree: each element of each nested
  pipeline, depth first, and after each pipeline's last element an end slot
  (where `insert` appends). Taken modulo the number of places.
- `insert`: put unit `choice` before the place; `replace`: put it instead of
  the element there; `delete`: remove the element (an adaptor left empty goes
  too); `parameter`: apply parameter edit `choice` of the element there.
  `choice` is taken modulo the number of units (or parameter edits) that fit.
- `marks`: put learned marks rule `choice`'s `function-marks` element first in
  the pipeline (`marks_rules.LEARNED_RULES`; `position` is not read), or in
  place of the marks element that stands first. A rule's marks depend on the
  module's functions, so the env computes the elements (`marks` of
  `apply_edit`); a rule that gives this module no marks changes nothing.

A unit is a pass with the parameters it is used with, wrapped in the adaptors
it needs to stand at the place's level (`function(loop-mssa(licm))` at
module level, `licm` in a loop pipeline). The units are the `libllvm-v2`
catalogue's passes and the parameter settings -Oz's pipeline uses, so every
edit gives a tree the pass table accepts: valid by construction. An edit
with nothing to act on (delete at an end slot) leaves the tree as it was.

The unit list is part of the versioned contract (`EDITS_VERSION`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from cgym_ray.llvm.pipelines.learned import read_learned
from cgym_ray.llvm.pipelines.marks import is_marks
from cgym_ray.llvm.pipelines.marks_rules import MarksRule, read_rules
from cgym_ray.llvm.pipelines.registry import ANALYSIS_UTILITIES, PassTable, load_table
from cgym_ray.llvm.pipelines.tree import ADAPTORS, LEVELS, Element, Pipeline, PipelineError

EDITS_VERSION = "pipeline-edits-v1"
# `marks` came after the other four, so the others' indices (and a stored action's meaning) held.
OPERATIONS = ("insert", "delete", "replace", "parameter", "marks")
# The operations that need nothing but the tree (random proposals of the searches draw from these).
TREE_OPERATIONS = OPERATIONS[:4]


def tree_edit_space(nvec: Sequence[int]) -> tuple[int, int, int]:
    """An edit space's sizes with only `TREE_OPERATIONS` (what a random tree edit draws from)."""
    return len(TREE_OPERATIONS), int(nvec[1]), int(nvec[2])


MAX_POSITIONS = 512
# Integer parameters are set to these values, where their range allows.
INTEGER_SETTINGS = (0, 1, 2, 4, 8)
# How a unit of one level is wrapped to stand at a higher level.
_WRAPPERS = {"cgscc": "cgscc", "function": "function", "loop": "loop-mssa"}


@dataclass(frozen=True)
class Place:
    """A place in a tree: the pipeline at `parent` and an index in it (== its length: the end slot)."""

    parent: tuple[int, ...]
    index: int
    is_end: bool


def places(pipeline: Pipeline) -> list[Place]:
    """Every place of the tree, in a stable order (the module level first, then depth first)."""
    found = [Place((), i, False) for i in range(len(pipeline.elements))]
    found.append(Place((), len(pipeline.elements), True))
    for path, element, _ in pipeline.walk():
        if element.children is not None and element.name in ADAPTORS:
            found += [Place(path, i, False) for i in range(len(element.children))]
            found.append(Place(path, len(element.children), True))
    return found


def _unit_level(table: PassTable, element: Element) -> str:
    return table.passes[PassTable.key(element)].levels[0]


def _wrap(element: Element, unit_level: str, level: str) -> Element:
    """`element` (of `unit_level`) inside the adaptors that let it stand at `level`."""
    depth = LEVELS.index(level)
    for inner in reversed(LEVELS[depth + 1 : LEVELS.index(unit_level) + 1]):
        element = Element(_WRAPPERS[inner], None, (element,))
    return element


@functools.lru_cache(maxsize=1)
def units() -> tuple[Element, ...]:
    """Every pass an edit can insert, bare, sorted by text (the versioned unit list)."""
    from cgym_ray.llvm.libllvm.passes import PASSES
    from cgym_ray.llvm.pipelines.standard import read_standard_text

    table = load_table()
    found: dict[str, Element] = {}
    texts = [action.pipeline for action in PASSES] + [read_standard_text("O2")]
    for text in texts:
        for _, element, _ in Pipeline.parse(text).walk():
            if (
                element.is_adaptor
                or element.name in ANALYSIS_UTILITIES
                or PassTable.key(element) not in table.passes
            ):
                continue
            if element.name in (
                "verify",
                "annotation-remarks",
                "transform-warning",
                "recompute-globalsaa",
            ):
                continue  # they check or report, and change nothing
            found.setdefault(str(element), element)
    return tuple(found[text] for text in sorted(found))


@functools.lru_cache(maxsize=8)
def units_at(level: str, memory_ssa: bool = True) -> tuple[Element, ...]:
    """The units that can stand at `level`, wrapped as needed.

    `memory_ssa=False`: inside `loop(...)`, where passes that need MemorySSA may not go.
    """
    table = load_table()
    depth = LEVELS.index(level)
    placed = []
    for unit in units():
        unit_level = _unit_level(table, unit)
        if level == "loop" and not memory_ssa and table.passes[PassTable.key(unit)].memory_ssa:
            continue
        if LEVELS.index(unit_level) >= depth:
            placed.append(_wrap(unit, unit_level, level))
    return tuple(placed)


@functools.lru_cache(maxsize=1)
def learned_rules() -> tuple[MarksRule, ...]:
    """The marks rules the `marks` operation plays, in order (`marks_rules.LEARNED_RULES`)."""
    return tuple(read_rules())


def max_units() -> int:
    return max(len(units_at(level)) for level in LEVELS)


def parameter_edits(element: Element) -> list[tuple[str, ...] | None]:
    """The parameter lists one edit can give `element`: each flag turned on or off, each integer set.

    Words (`O2`, `modify-cfg`) are swapped for each other where the pass has several.
    A setting takes the place of the one it changes, so the rest of the text
    stays as it was and the edit that sets it back gives the same text again;
    a setting the element did not have goes at the end.
    """
    spec = load_table().parameters.get(element.name)
    if spec is None or element.is_adaptor:
        return []
    current = [item for item in (element.params or ()) if item]
    edits: list[tuple[str, ...]] = []

    def setting(replaced: tuple[str, ...], new: str, is_key: bool = False) -> tuple[str, ...]:
        """`current` with its first item in `replaced` (or `key=`) turned into `new`, the others dropped."""

        def matches(item: str) -> bool:
            return any(item == r or (is_key and item.startswith(r + "=")) for r in replaced)

        result: list[str] = []
        placed = False
        for item in current:
            if matches(item):
                if not placed:
                    result.append(new)
                    placed = True
            else:
                result.append(item)
        return tuple(result if placed else [*result, new])

    for flag in sorted(spec.flags):
        for value in (flag, f"no-{flag}"):
            if value not in current:
                edits.append(setting((flag, f"no-{flag}"), value))
    for key, (low, high) in sorted(spec.integers.items()):
        for number in INTEGER_SETTINGS:
            if low <= number <= high and f"{key}={number}" not in current:
                edits.append(setting((key,), f"{key}={number}", is_key=True))
    for word in sorted(spec.words):
        if word not in current:
            edits.append(setting(tuple(w for w in spec.words if w != word), word))
    return [tuple(edit) for edit in edits]


def apply_edit(
    pipeline: Pipeline,
    operation: int,
    position: int,
    choice: int,
    marks: Sequence[Element | None] = (),
) -> tuple[Pipeline, str]:
    """The edited tree and what the edit did (for `info`); the same tree if it had nothing to act on.

    `marks`: the element each learned marks rule gives this module (None: no
    marks here), for the `marks` operation; without them it changes nothing.
    """
    if OPERATIONS[operation % len(OPERATIONS)] == "marks":
        return _apply_marks(pipeline, choice, marks)
    found = places(pipeline)
    place = found[position % len(found)]
    siblings = pipeline.children_at(place.parent)
    level = pipeline.level_at(place.parent)
    name = OPERATIONS[operation % len(OPERATIONS)]
    if name in ("delete", "replace", "parameter") and place.is_end:
        return pipeline, f"{name} at an end slot: no change"
    if name == "insert" or name == "replace":
        memory_ssa = not place.parent or pipeline.at(place.parent).name != "loop"
        candidates = units_at(level, memory_ssa)
        unit = candidates[choice % len(candidates)]
        end = place.index + (1 if name == "replace" else 0)
        updated = siblings[: place.index] + (unit,) + siblings[end:]
        return pipeline.replace_children(place.parent, updated), f"{name} {unit} at {level} level"
    element = siblings[place.index]
    if name == "delete":
        edited = pipeline.replace_children(
            place.parent, siblings[: place.index] + siblings[place.index + 1 :]
        )
        return _drop_empty_adaptors(
            edited
        ), f"delete {element.head if element.is_adaptor else element}"
    edits = parameter_edits(element)
    if not edits:
        return pipeline, f"parameter of {element.head}: it has none to change"
    params = edits[choice % len(edits)]
    updated = siblings[: place.index] + (element.with_params(params),) + siblings[place.index + 1 :]
    return pipeline.replace_children(
        place.parent, updated
    ), f"parameter {element} -> {element.with_params(params)}"


def _apply_marks(
    pipeline: Pipeline, choice: int, marks: Sequence[Element | None]
) -> tuple[Pipeline, str]:
    if not marks:
        return pipeline, "marks: no marks rules for this module: no change"
    rule = choice % len(marks)
    element = marks[rule]
    if element is None:
        return pipeline, f"marks rule {rule}: no marks on this module: no change"
    rest = pipeline.elements
    if rest and is_marks(rest[0]):  # a marks element first: this one takes its place
        rest = rest[1:]
    return Pipeline((element, *rest)), f"marks rule {rule}: {element}"


def _drop_empty_adaptors(pipeline: Pipeline) -> Pipeline:
    def clean(elements: tuple[Element, ...]) -> tuple[Element, ...]:
        kept = []
        for element in elements:
            if element.children is not None:
                children = clean(element.children)
                if not children:
                    continue
                element = element.with_children(children)
            kept.append(element)
        return tuple(kept)

    return Pipeline(clean(pipeline.elements))


# Single edits by their place in a tree, undoable: what a learned list of edits holds.

Operation = Literal["insert", "delete", "parameter", "marks"]


@dataclass(frozen=True)
class Edit:
    """One edit of a tree: `operation` at (`parent`, `index`), in that tree's coordinates.

    `element` is the inserted unit, the deleted element, or the element after a
    parameter change; `before` is the element that must stand at the place for
    the edit to apply ("" for an insert, which fits any place). A `marks` edit
    is a learned marks rule (`element` is the rule's text, at (), 0): its
    element depends on the module, so `realised` turns it into the insert it
    made once it is made.
    """

    operation: Operation
    parent: tuple[int, ...]
    index: int
    element: str
    before: str = ""

    def __str__(self) -> str:
        where = "/".join(str(i) for i in (*self.parent, self.index))
        if self.operation == "parameter":
            return f"parameter {self.before} -> {self.element} at {where}"
        return f"{self.operation} {self.element} at {where}"


def action_for(
    tree: Pipeline, edit: Edit, marks: Sequence[Element | None] = ()
) -> tuple[int, int, int] | None:
    """The env action (operation, position, choice) that makes exactly `edit` on `tree`; None if none does.

    A `marks` edit needs `marks`, the elements the module's rules give
    (`PipelineEnv.marks_choices`); it is made only where no marks element
    stands first, so that one delete undoes it.
    """
    if edit.operation == "marks":
        rules = [str(rule) for rule in learned_rules()]
        if edit.element not in rules or len(marks) != len(rules):
            return None
        choice = rules.index(edit.element)
        if marks[choice] is None or (tree.elements and is_marks(tree.elements[0])):
            return None
        return OPERATIONS.index("marks"), 0, choice
    try:
        siblings = tree.children_at(edit.parent)
        level = tree.level_at(edit.parent)
    except (PipelineError, IndexError):  # the place is not in this tree
        return None
    if not 0 <= edit.index <= len(siblings):
        return None
    at_end = edit.index == len(siblings)
    if edit.operation != "insert" and (at_end or str(siblings[edit.index]) != edit.before):
        return None
    position = places(tree).index(Place(edit.parent, edit.index, at_end))
    if position >= MAX_POSITIONS:
        return None
    operation = OPERATIONS.index(edit.operation)
    if edit.operation == "delete":
        choice = 0
    elif edit.operation == "insert":
        memory_ssa = not edit.parent or tree.at(edit.parent).name != "loop"
        texts = [str(unit) for unit in units_at(level, memory_ssa)]
        if edit.element not in texts:
            return None
        choice = texts.index(edit.element)
    else:
        element = siblings[edit.index]
        settings = [str(element.with_params(p)) for p in parameter_edits(element)]
        if edit.element not in settings:
            return None
        choice = settings.index(edit.element)
    return operation, position, choice


def inverse(edit: Edit) -> Edit:
    """The edit that undoes `edit`, in the coordinates of the tree `edit` made (they are its own)."""
    if edit.operation == "marks":
        raise ValueError(
            f"{edit}: a marks edit's element depends on the module; undo realised(edit)"
        )
    if edit.operation == "insert":
        return Edit("delete", edit.parent, edit.index, edit.element, edit.element)
    if edit.operation == "delete":
        return Edit("insert", edit.parent, edit.index, edit.before)
    return Edit("parameter", edit.parent, edit.index, edit.before, edit.element)


def realised(edit: Edit, result: Pipeline) -> Edit:
    """`edit` as the tree it made (`result`) shows it: a `marks` edit is the insert of its element first."""
    if edit.operation != "marks":
        return edit
    return Edit("insert", (), 0, str(result.elements[0]))


def edited(tree: Pipeline, edit: Edit, marks: Sequence[Element | None] = ()) -> Pipeline | None:
    """`tree` with `edit` made, or None if it does not apply there or cannot be undone in one edit."""
    action = action_for(tree, edit, marks)
    if action is None:
        return None
    result, _ = apply_edit(tree, *action, marks=marks)
    if result == tree:
        return None
    back = action_for(result, inverse(realised(edit, result)))
    if back is None or apply_edit(result, *back)[0] != tree:
        return None
    return result


def shifted(edit: Edit, kept: Sequence[Edit]) -> Edit | None:
    """`edit`, written for -Oz's tree, moved to the tree after the `kept` edits (in order); None if it is gone.

    An insert moves the places after it in its pipeline one on; a delete moves
    them one back and removes what was inside the deleted element.
    """
    if edit.operation == "marks":
        return edit  # it puts its element first, whatever came before
    path = (*edit.parent, edit.index)
    for done in kept:
        depth = len(done.parent)
        if done.operation == "parameter" or path[:depth] != done.parent or len(path) <= depth:
            continue
        index = path[depth]
        if done.operation == "insert" and index >= done.index:
            path = (*path[:depth], index + 1, *path[depth + 1 :])
        elif done.operation == "delete":
            if index == done.index and len(path) > depth + 1:
                return None  # it was inside the deleted element
            if index > done.index:
                path = (*path[:depth], index - 1, *path[depth + 1 :])
    return replace(edit, parent=path[:-1], index=path[-1])


def read_edit_file(path: str | Path) -> tuple[list[Edit], dict[str, Any]]:
    """A learned list of edits (an edit policy's file) and the file's other fields.

    `CompilerError` if it cannot be read or was learned for another `EDITS_VERSION`.
    """
    data = read_learned(path, "learned edits", "edits_version", EDITS_VERSION)
    edits = [Edit(**{**item, "parent": tuple(item["parent"])}) for item in data["edits"]]
    return edits, data
