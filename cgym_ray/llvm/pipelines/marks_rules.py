"""Marks rules: per-function marks for -Oz's pipeline, chosen from two facts of each function of the -O0 module.

    >>> rule = MarksRule(main_os=True, noinline_max_instructions=48, noinline_min_calls=4)
    >>> rule.marks([FunctionFacts("main", 300, 0), FunctionFacts("get", 12, 9)])
    {'main': 'Os', 'get': 'noinline'}
    >>> str(rule.element([FunctionFacts("main", 300, 0), FunctionFacts("get", 12, 9)]))
    'function-marks<main:-minsize;get:noinline>'

The best marks differ from function to function (`search.pipeline_marks`).
A rule reads each function's instruction count and the direct calls to it,
and gives the marks in one compilation:

- `main_os`: -Os's marks on `main`;
- `os_largest`: -Os's marks on that many of the largest other functions;
- `noinline_max_instructions`, `noinline_min_calls`: `noinline` on every other
  function of at most that many instructions called from at least that many
  places.

The learned rules (`LEARNED_RULES`, learned by `python -m cgym_ray.search.marks_rules`
on training programs only) are part of the pipeline env's action space: its
`marks` operation puts rule `choice`'s element first in the pipeline
(`cgym_ray.llvm.pipelines.edits`), so the file is versioned (`RULES_VERSION`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.pipelines.learned import read_learned
from cgym_ray.llvm.pipelines.marks import MARK_OPTIONS, marks_element
from cgym_ray.llvm.pipelines.tree import Element

# The learned rules: `pipeline_portfolio` tries them first, and the pipeline env's `marks` operation plays them.
LEARNED_RULES = Path(__file__).parent / "data" / "marks-rules-v1.json"
RULES_VERSION = 1

# A direct call or invoke in textual IR, and the name it calls.
_DIRECT_CALL = re.compile(r"\b(?:call|invoke)\b[^@]*?@([-\w.$]+)\(")
_DEFINE = re.compile(r"^define\b[^@]*@([-\w.$]+)\(")


@dataclass(frozen=True)
class FunctionFacts:
    """What a rule reads of one defined function of the -O0 module."""

    name: str
    instructions: int
    call_sites: int  # direct calls to it from the module's functions


def function_facts(ir_text: str, sizes: Mapping[str, int]) -> list[FunctionFacts]:
    """Each function of `sizes` (name -> instructions, module order) with its direct call sites."""
    calls: Counter[str] = Counter()
    inside = False
    for line in ir_text.splitlines():
        if _DEFINE.match(line):
            inside = True
        elif line.startswith("}"):
            inside = False
        elif inside:
            calls.update(name for name in _DIRECT_CALL.findall(line) if name in sizes)
    return [FunctionFacts(name, count, calls[name]) for name, count in sizes.items()]


def module_facts(bitcode: bytes, uri: str, backend: str = "libllvm") -> list[FunctionFacts]:
    """The facts of each function defined in a module (its -O0 bitcode)."""
    from cgym_ray.llvm.backend import get_backend

    with get_backend(backend).load(bitcode, uri) as module:
        return function_facts(module.ir_text(), module.function_sizes())


@dataclass(frozen=True)
class MarksRule:
    """Marks from a module's function facts: -Os's on `main` and the largest, `noinline` on small, much-called ones."""

    main_os: bool = False
    os_largest: int = 0
    noinline_max_instructions: int = 0  # 0: no function is kept out of line
    noinline_min_calls: int = 2

    def marks(self, facts: Sequence[FunctionFacts]) -> dict[str, str]:
        """Function -> `MARK_OPTIONS` key; functions it leaves alone keep -Oz's marks."""
        choice: dict[str, str] = {}
        names = {fact.name for fact in facts}
        if self.main_os and "main" in names:
            choice["main"] = "Os"
        others = [fact for fact in facts if fact.name != "main"]
        for fact in sorted(others, key=lambda f: -f.instructions)[: self.os_largest]:
            choice[fact.name] = "Os"
        for fact in others:
            if (
                fact.name not in choice
                and 0 < fact.instructions <= self.noinline_max_instructions
                and fact.call_sites >= self.noinline_min_calls
            ):
                choice[fact.name] = "noinline"
        return choice

    def element(self, facts: Sequence[FunctionFacts]) -> Element | None:
        """The `function-marks` element of this rule's marks; None if it gives none here."""
        return marks_for(self.marks(facts))

    def __str__(self) -> str:
        parts = (["Os on main"] if self.main_os else []) + (
            [f"Os on the {self.os_largest} largest"] if self.os_largest else []
        )
        if self.noinline_max_instructions:
            parts.append(
                f"noinline at <= {self.noinline_max_instructions} instructions and "
                f">= {self.noinline_min_calls} calls"
            )
        return ", ".join(parts) or "no marks"


def marks_for(choice: Mapping[str, str]) -> Element | None:
    """The `function-marks` element for `choice` (function -> `MARK_OPTIONS` key); None if it is empty."""
    pairs = [
        (function, mark) for function, option in choice.items() for mark in MARK_OPTIONS[option]
    ]
    return marks_element(pairs) if pairs else None


def read_rules(path: str | Path = LEARNED_RULES) -> list[MarksRule]:
    """The rules of a learned file, in the order to try them; `CompilerError` naming what is wrong."""
    data = read_learned(path, "marks rules", "version", RULES_VERSION)
    try:
        return [MarksRule(**rule) for rule in data["rules"]]
    except (KeyError, TypeError) as error:
        raise CompilerError(f"{path}: not a list of marks rules: {error}") from error
