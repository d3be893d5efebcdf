"""New-pass-manager pipeline text as a tree: parse, print, and check levels.

A pipeline is a sequence of elements at module level. An element is a pass
name with optional parameters in angle brackets and, for adaptors, a nested
pipeline in parentheses:

    function<eager-inv>(sroa<modify-cfg>,loop-mssa(licm<allowspeculation>))

`parse` then `str` gives back the text exactly (empty parameter lists such as
`early-cse<>` and empty items such as `loop-vectorize<a;b;>` included), so
the text a commandline stores is the tree's canonical form.

Adaptors change the level of their children (LLVM's own nesting):

| adaptor | allowed at | children at |
|---|---|---|
| `cgscc` | module | cgscc |
| `function` | module, cgscc | function |
| `devirt<N>` | cgscc | cgscc |
| `loop`, `loop-mssa` | function | loop |

A pass goes only at a level the pass table (`registry.py`) lists for it; LLVM
would otherwise wrap it silently in an adaptor, and the same text would mean
two things.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cgym_ray.errors import PipelineError

LEVELS = ("module", "cgscc", "function", "loop")

# adaptor name -> (levels where it may appear, level of its children)
ADAPTORS: dict[str, tuple[tuple[str, ...], str]] = {
    "cgscc": (("module",), "cgscc"),
    "function": (("module", "cgscc"), "function"),
    "devirt": (("cgscc",), "cgscc"),
    "loop": (("function",), "loop"),
    "loop-mssa": (("function",), "loop"),
}


class PipelineSyntaxError(PipelineError):
    """Pipeline text that is not well formed, or breaks a level or parameter rule.

    `position` is the character offset (0-based) of the offending element in
    the text, when there is a text.
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.text = text
        self.position = position
        if text and position is not None:
            message = f"{message} at character {position}:\n  {text}\n  {' ' * position}^"
        super().__init__(message)


@dataclass(frozen=True)
class Element:
    """One pass, or an adaptor with its nested pipeline.

    `params` is the text between `<` and `>` split on `;` (None: no brackets);
    `children` is the nested pipeline (None: no parentheses).
    """

    name: str
    params: tuple[str, ...] | None = None
    children: tuple[Element, ...] | None = None

    @property
    def is_adaptor(self) -> bool:
        return self.children is not None

    @property
    def head(self) -> str:
        """The element without its children: `simplifycfg<keep-loops>`, `function<eager-inv>`."""
        if self.params is None:
            return self.name
        return f"{self.name}<{';'.join(self.params)}>"

    def __str__(self) -> str:
        if self.children is None:
            return self.head
        return f"{self.head}({','.join(str(child) for child in self.children)})"

    def with_params(self, params: tuple[str, ...] | None) -> Element:
        return Element(self.name, params, self.children)

    def with_children(self, children: tuple[Element, ...]) -> Element:
        return Element(self.name, self.params, children)


@dataclass(frozen=True)
class Pipeline:
    """A module-level pipeline: the root of the tree.

    >>> str(Pipeline.parse("function(sroa<modify-cfg>,instcombine)"))
    'function(sroa<modify-cfg>,instcombine)'
    """

    elements: tuple[Element, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Pipeline:
        """Parse pipeline text; `PipelineSyntaxError` with the position on malformed text.

        This checks the form only; `registry.check` checks levels and parameters.
        """
        return parse_with_positions(text)[0]

    def __str__(self) -> str:
        return ",".join(str(element) for element in self.elements)

    def __len__(self) -> int:
        return len(self.elements)

    def walk(self) -> Iterator[tuple[tuple[int, ...], Element, str]]:
        """Every element with its path (indices from the root) and its level, depth first."""
        yield from _walk(self.elements, (), "module")

    def at(self, path: tuple[int, ...]) -> Element:
        element = self.elements[path[0]]
        for index in path[1:]:
            assert element.children is not None
            element = element.children[index]
        return element

    def children_at(self, path: tuple[int, ...]) -> tuple[Element, ...]:
        """The pipeline at `path`: () is the module level, otherwise an adaptor's children."""
        if not path:
            return self.elements
        element = self.at(path)
        if element.children is None:
            raise PipelineError(f"{element.head} at {list(path)} is a pass, not an adaptor")
        return element.children

    def level_at(self, path: tuple[int, ...]) -> str:
        """The level of the elements inside the pipeline at `path` (() is module)."""
        level = "module"
        elements = self.elements
        for index in path:
            element = elements[index]
            if element.children is None:
                raise PipelineError(f"{element.head} at {list(path)} is a pass, not an adaptor")
            level = ADAPTORS[element.name][1]
            elements = element.children
        return level

    def replace_children(self, path: tuple[int, ...], children: tuple[Element, ...]) -> Pipeline:
        """A copy with the pipeline at `path` replaced by `children`."""
        return Pipeline(_replace(self.elements, path, children))


def _walk(
    elements: tuple[Element, ...], prefix: tuple[int, ...], level: str
) -> Iterator[tuple[tuple[int, ...], Element, str]]:
    for index, element in enumerate(elements):
        path = (*prefix, index)
        yield path, element, level
        if element.children is not None and element.name in ADAPTORS:
            yield from _walk(element.children, path, ADAPTORS[element.name][1])


def _replace(
    elements: tuple[Element, ...], path: tuple[int, ...], children: tuple[Element, ...]
) -> tuple[Element, ...]:
    if not path:
        return children
    index, rest = path[0], path[1:]
    element = elements[index]
    assert element.children is not None
    updated = element.with_children(_replace(element.children, rest, children))
    return elements[:index] + (updated,) + elements[index + 1 :]


class _Parser:
    """Recursive descent over LLVM's grammar: `name[<params>][(pipeline)]`, comma separated."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        # Where each parsed element starts, for error messages (by id of the element object).
        self.positions: dict[int, int] = {}

    def pipeline(self) -> list[Element]:
        elements = [self.element()]
        while self.pos < len(self.text) and self.text[self.pos] == ",":
            self.pos += 1
            elements.append(self.element())
        return elements

    def element(self) -> Element:
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] not in ",()<>;":
            self.pos += 1
        name = text[start : self.pos]
        if not name:
            raise PipelineSyntaxError("expected a pass name", text, start)
        params: tuple[str, ...] | None = None
        if self.pos < len(text) and text[self.pos] == "<":
            close = text.find(">", self.pos)
            if close < 0:
                raise PipelineSyntaxError(f"'<' after {name!r} is never closed", text, self.pos)
            inside = text[self.pos + 1 : close]
            if any(c in inside for c in "(),<"):
                raise PipelineSyntaxError(
                    f"unexpected character in the parameters of {name!r}", text, self.pos
                )
            params = tuple(inside.split(";"))
            self.pos = close + 1
        children: tuple[Element, ...] | None = None
        if self.pos < len(text) and text[self.pos] == "(":
            self.pos += 1
            if self.pos < len(text) and text[self.pos] == ")":
                children = ()
            else:
                children = tuple(self.pipeline())
            if self.pos >= len(text) or text[self.pos] != ")":
                raise PipelineSyntaxError(f"'(' after {name!r} is never closed", text, self.pos)
            self.pos += 1
        if self.pos < len(text) and text[self.pos] not in ",)":
            raise PipelineSyntaxError(
                f"unexpected {text[self.pos]!r} after {name!r}", text, self.pos
            )
        element = Element(name, params, children)
        self.positions.setdefault(id(element), start)
        return element


def parse_with_positions(text: str) -> tuple[Pipeline, dict[tuple[int, ...], int]]:
    """`Pipeline.parse`, plus the character offset of every element by its path."""
    if not text.strip():
        return Pipeline(()), {}
    parser = _Parser(text)
    elements = parser.pipeline()
    if parser.pos != len(text):
        raise PipelineSyntaxError("unexpected ')'", text, parser.pos)
    pipeline = Pipeline(tuple(elements))
    positions: dict[tuple[int, ...], int] = {}
    for path, element, _ in pipeline.walk():
        positions[path] = parser.positions.get(id(element), 0)
    return pipeline, positions
