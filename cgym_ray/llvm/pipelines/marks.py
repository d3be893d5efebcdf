"""Per-function marks: attributes on named functions, as one element of a pipeline.

-Oz is `default<O2>` run on functions marked `minsize` and `optsize`, and the
inliner reads `noinline` and `alwaysinline`. So the same pipeline does
different things to a function depending on its marks, and the best marks
differ from function to function: on CHStone, taking `minsize` off `main` and
keeping a few callees out of line makes -Oz's own pipeline 8–15 % smaller on
9 of its 12 programs (results/pipelines.md, "Per-function marks"). A mark never changes what the
program does.

A pipeline says which marks change with one element at module level:

    function-marks<main:-minsize;main:-optsize;crc32_update:noinline>

Each item is `FUNCTION:MARK` (the function's name in the module) or
`FUNCTION:-MARK` (take the mark off); `*` names every function the module
defines (`function-marks<*:-minsize;*:-optsize>` is the flat catalogue's
`drop-size-attributes`, `*:minsize;*:optsize` its `size-attributes`). Before
the elements after it run, the items apply in their order (so
`*:-minsize;main:minsize` leaves only `main` with `minsize`); a name that is
not a function defined in the module is an error then. LLVM has no such pass: the runner makes the
element a segment of its own (`run.segments`), so analyses cached before it
are dropped, and the worker sets the attributes through the C API
(`Module.add_function_attributes` with `@FUNCTION:MARK` names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cgym_ray.llvm.pipelines.tree import Element

MARKS_ELEMENT = "function-marks"
# The attributes a mark may set or take off: the size goals and the inliner's two.
MARKS = ("minsize", "optsize", "noinline", "alwaysinline")
# The name that stands for every function the module defines.
EVERY_FUNCTION = "*"
# What a function may carry instead of -Oz's marks (-Oz puts minsize and optsize on every
# function), as the marks that give it: -Os's, -O2's, or -Oz's with an inlining choice.
MARK_OPTIONS: dict[str, tuple[str, ...]] = {
    "Os": ("-minsize",),
    "O2": ("-minsize", "-optsize"),
    "noinline": ("noinline",),
    "alwaysinline": ("alwaysinline",),
}
# A C function's name as clang writes it in IR (`foo`, `foo.1` for a renamed static).
_FUNCTION_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_.$]*")


def is_marks(element: Element) -> bool:
    return element.name == MARKS_ELEMENT


def parse_mark(item: str) -> tuple[str, str]:
    """`main:-minsize` -> ("main", "-minsize"); ValueError naming what is wrong."""
    function, colon, mark = item.partition(":")
    if not colon:
        raise ValueError(f"{item!r} is not FUNCTION:MARK")
    if function != EVERY_FUNCTION and not _FUNCTION_NAME.fullmatch(function):
        raise ValueError(f"{function!r} is not a function name this element can hold")
    if mark.removeprefix("-") not in MARKS:
        raise ValueError(
            f"unknown mark {mark!r} (marks: {', '.join(MARKS)}, each with or without -)"
        )
    return function, mark


def marks_problem(element: Element, level: str) -> str | None:
    """Why a `function-marks` element may not stand here (None: it may)."""
    if level != "module":
        return f"{MARKS_ELEMENT} sets marks on the module's functions: it goes at module level only"
    if element.children is not None:
        return f"{MARKS_ELEMENT} takes no nested pipeline"
    if not element.params or element.params == ("",):
        return f"{MARKS_ELEMENT} needs at least one FUNCTION:MARK item"
    seen: dict[tuple[str, str], str] = {}
    inline: dict[str, str] = {}
    for item in element.params:
        try:
            function, mark = parse_mark(item)
        except ValueError as error:
            return f"{MARKS_ELEMENT}: {error}"
        key = (function, mark.removeprefix("-"))
        if key in seen:
            earlier = seen[key]
            if earlier == item:
                return f"{MARKS_ELEMENT}: {item!r} is given twice"
            return f"{MARKS_ELEMENT}: {item!r} contradicts {earlier!r}"
        seen[key] = item
        if mark in ("noinline", "alwaysinline"):
            if inline.setdefault(function, mark) != mark:
                return f"{MARKS_ELEMENT}: {function} cannot be both noinline and alwaysinline"
    return None


def marks_element(marks: Iterable[tuple[str, str]]) -> Element:
    """The element for (function, mark) pairs, in the order given.

    >>> str(marks_element([("main", "-minsize"), ("f", "noinline")]))
    'function-marks<main:-minsize;f:noinline>'
    """
    return Element(MARKS_ELEMENT, tuple(f"{function}:{mark}" for function, mark in marks))


def function_attributes(element: Element) -> tuple[str, ...]:
    """The element as `Module.add_function_attributes` names, in order.

    `main:-minsize` -> `@main:-minsize` (one function), `*:-minsize` ->
    `-minsize` (every defined function).
    """
    assert element.params is not None
    names = []
    for item in element.params:
        if not item:
            continue
        function, mark = parse_mark(item)
        names.append(mark if function == EVERY_FUNCTION else f"@{item}")
    return tuple(names)
