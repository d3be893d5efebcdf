"""The pass table: where each pass may go in a pipeline, and which parameters it takes.

The table is versioned data (`data/passes-llvm23-v2.json`), fixed for a
version so that a stored pipeline always means the same passes. (v2 is v1
and `invalidate<all>`, the cut `pipelines.run.segments` reads as "nothing
cached after this": every v1 text checks and means the same under v2.) Its levels
come from libLLVM itself (`python -m cgym_ray.llvm.pipelines.derive` runs
every pass wrapped at every level and reads LLVM's pass trace to see at which
level it really ran); its parameter ranges are ours, each option checked to be
accepted by LLVM (tests/llvm/test_pipelines.py). A change of either makes a
new version.

`check` refuses, with the position in the text, a pass at a level the table
does not list for it, a parameter it does not know or a number outside its
range, so that LLVM never sees them (LLVM would wrap a misplaced pass in an
adaptor silently, and accept `instcombine<max-iterations=0>`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources

from cgym_ray.llvm.pipelines.marks import is_marks, marks_problem
from cgym_ray.llvm.pipelines.tree import (
    ADAPTORS,
    Element,
    Pipeline,
    PipelineSyntaxError,
    parse_with_positions,
)

TABLE_FILE = "passes-llvm23-v2.json"
# Passes whose parameters name an analysis: the table lists them with it (`require<globals-aa>`).
ANALYSIS_UTILITIES = ("require", "invalidate")


@dataclass(frozen=True)
class ParameterSpec:
    """What may go between a pass's angle brackets, items separated by `;`.

    `flags` may be given as `x` or `no-x`; `words` only as written; `integers`
    as `name=N` with min <= N <= max; `count` is a bare number (`devirt<4>`).
    Empty items (`early-cse<>`, a trailing `;`) are accepted, as LLVM does.
    """

    flags: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    integers: dict[str, tuple[int, int]] = field(default_factory=dict)
    count: tuple[int, int] | None = None

    def problem(self, item: str) -> str | None:
        """Why `item` is not a valid parameter (None: it is)."""
        if item == "" or item in self.words or item in self.flags:
            return None
        if item.startswith("no-") and item[3:] in self.flags:
            return None
        key, equals, value = item.partition("=")
        if equals and key in self.integers:
            low, high = self.integers[key]
            return _integer_problem(value, low, high, key)
        if not equals and self.count is not None and item.lstrip("-").isdigit():
            return _integer_problem(item, *self.count, "the count")
        return f"unknown parameter {item!r}"

    def options(self) -> list[str]:
        """Every option, as it may be written (integers at their lower bound)."""
        return (
            sorted(self.words)
            + sorted(self.flags)
            + [f"no-{flag}" for flag in sorted(self.flags)]
            + [f"{key}={low}" for key, (low, _) in sorted(self.integers.items())]
            + ([str(self.count[0])] if self.count else [])
        )


def _integer_problem(value: str, low: int, high: int, what: str) -> str | None:
    try:
        number = int(value)
    except ValueError:
        return f"{what} must be an integer, not {value!r}"
    if not low <= number <= high:
        return f"{what}={number} is outside its range {low}..{high}"
    return None


@dataclass(frozen=True)
class PassInfo:
    """One pass of the table: its levels, and whether it needs `loop-mssa`."""

    name: str
    levels: tuple[str, ...]
    memory_ssa: bool = False


@dataclass(frozen=True)
class PassTable:
    version: str
    llvm_version: str
    passes: dict[str, PassInfo]
    parameters: dict[str, ParameterSpec]

    @staticmethod
    def key(element: Element) -> str:
        """The table's name for an element: its name, or its head for `require<...>`."""
        return element.head if element.name in ANALYSIS_UTILITIES else element.name

    def passes_at(self, level: str) -> list[str]:
        """Names of the passes that may go at `level`, sorted."""
        return sorted(name for name, info in self.passes.items() if level in info.levels)

    def problem(self, element: Element, level: str, memory_ssa: bool = False) -> str | None:
        """Why `element` may not stand at `level` (None: it may). Children are not checked.

        `memory_ssa`: the enclosing loop adaptor is `loop-mssa`.
        """
        if is_marks(element):  # ours, not LLVM's: set through the C API
            return marks_problem(element, level)
        if element.name in ADAPTORS and element.children is not None:
            allowed, _ = ADAPTORS[element.name]
            if level not in allowed:
                return f"{element.name}(...) cannot stand at {level} level (only at {', '.join(allowed)})"
            return self._parameter_problem(element, f"{element.name}@{level}")
        if element.children is not None:
            return f"{element.name!r} is not an adaptor and cannot have a nested pipeline"
        info = self.passes.get(self.key(element))
        if info is None:
            return f"unknown pass {self.key(element)!r} (not in pass table {self.version})"
        if level not in info.levels:
            return f"{element.name!r} is a {'/'.join(info.levels)} pass and cannot stand at {level} level"
        if info.memory_ssa and not memory_ssa:
            return f"{element.name!r} needs MemorySSA: put it in loop-mssa(...), not loop(...)"
        if element.name in ANALYSIS_UTILITIES:
            return None
        return self._parameter_problem(element)

    def _parameter_problem(self, element: Element, key: str | None = None) -> str | None:
        """`key`: the parameter spec's name when it depends on the level (`function@cgscc`)."""
        if element.params is None:
            return None
        spec = self.parameters.get(key or element.name) or self.parameters.get(element.name)
        if spec is None:
            return f"{element.name!r} takes no parameters"
        for item in element.params:
            problem = spec.problem(item)
            if problem:
                return f"{element.name}: {problem}"
        return None

    def check(self, pipeline: Pipeline | str) -> Pipeline:
        """The pipeline, if every element stands where it may; else `PipelineSyntaxError`.

        Given text, the error points at the offending element's position in it.
        """
        if isinstance(pipeline, str):
            text = pipeline
            tree, positions = parse_with_positions(text)
        else:
            tree, positions, text = pipeline, {}, ""
        for path, element, level in tree.walk():
            memory_ssa = len(path) > 1 and tree.at(path[:-1]).name == "loop-mssa"
            problem = self.problem(element, level, memory_ssa)
            if problem:
                where = "" if text else f" (at {list(path)})"
                raise PipelineSyntaxError(problem + where, text, positions.get(path))
        return tree


@functools.lru_cache(maxsize=1)
def load_table() -> PassTable:
    """The pass table shipped with this version of cgym-ray."""
    raw = json.loads(
        resources.files("cgym_ray.llvm.pipelines").joinpath(f"data/{TABLE_FILE}").read_text()
    )
    return table_from_dict(raw)


def table_from_dict(raw: dict) -> PassTable:
    passes = {
        name: PassInfo(name, tuple(entry["levels"]), bool(entry.get("memory_ssa", False)))
        for name, entry in raw["passes"].items()
    }
    parameters = {
        name: ParameterSpec(
            flags=frozenset(entry.get("flags", ())),
            words=frozenset(entry.get("words", ())),
            integers={
                key: (int(low), int(high)) for key, (low, high) in entry.get("integers", {}).items()
            },
            count=(int(entry["count"][0]), int(entry["count"][1])) if "count" in entry else None,
        )
        for name, entry in raw["parameters"].items()
    }
    return PassTable(raw["version"], raw["llvm_version"], passes, parameters)
