"""Token sequences of a module: CompilerGym's LexedIr and inst2vec-style statements.

- `lex_ir(text)`: the IR text as tokens, in the spirit of LLVM's own lexer
  (`LLLexer`, which CompilerGym's LexedIr ran): each token has a kind named
  as LLVM names it (`LocalVar`, `GlobalVar`, `APSInt`, `kw_add`, `comma`, ...),
  a category (`keyword`, `strval`, `uintval`, `type`, `apsint`, `apfloat`),
  its text, and an id: the kind's index in `TOKEN_KINDS` (all keywords share
  the `keyword` id; their kind says which). Comments are skipped.
- `inst2vec_statements(text)`: every instruction and global definition as one
  normalised statement, as inst2vec (Ben-Nun et al., NeurIPS 2018) defines
  them: local names become `<%ID>`, global names `<@ID>`, integer immediates
  `<INT>` (not alignments, not array sizes), floating-point ones `<FLOAT>`,
  string constants `<STRING>`, named types `<TYPE>`; metadata attachments
  and comments are dropped.
- `Inst2vecVocabulary`: statements to indices. Ours, built from the built-in
  suite and datasets (`cgym-ray llvm build-inst2vec-vocabulary`), versioned
  and shipped in the package; index 0 is the unknown statement `!UNK`.

Both are defined on IR text, and these regular expressions are the
definition. The libllvm backend serves the observations from the worker
without running them (cgym_ray/llvm/libllvm/token_cache.py: a native lexer,
and only the functions a step changed); the tests check both agree.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

VOCABULARY_FILE = Path(__file__).with_name("data") / "inst2vec_vocabulary.json"
UNKNOWN = "!UNK"

# Token kinds (LLVM's lltok names where it has one) and their categories.
_PUNCTUATION = {
    "...": "dotdotdot",
    "=": "equal",
    ",": "comma",
    "*": "star",
    "[": "lsquare",
    "]": "rsquare",
    "{": "lbrace",
    "}": "rbrace",
    "<": "less",
    ">": "greater",
    "(": "lparen",
    ")": "rparen",
    "!": "exclaim",
    "|": "bar",
    ":": "colon",
}
TOKEN_KINDS: tuple[tuple[str, str], ...] = (
    *((kind, "keyword") for kind in _PUNCTUATION.values()),
    ("keyword", "keyword"),
    ("LabelStr", "strval"),
    ("LabelID", "uintval"),
    ("LocalVar", "strval"),
    ("LocalVarID", "uintval"),
    ("GlobalVar", "strval"),
    ("GlobalID", "uintval"),
    ("ComdatVar", "strval"),
    ("MetadataVar", "strval"),
    ("AttrGrpID", "uintval"),
    ("SummaryID", "uintval"),
    ("StringConstant", "strval"),
    ("Type", "type"),
    ("APSInt", "apsint"),
    ("APFloat", "apfloat"),
    ("Error", "marker"),
)
TOKEN_IDS = {kind: index for index, (kind, _) in enumerate(TOKEN_KINDS)}
_CATEGORIES = dict(TOKEN_KINDS)

_NAME = r'(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|"[^"]*")'
_LEXER = re.compile(
    "|".join(
        (
            r"(?P<comment>;[^\n]*)",
            r"(?P<space>\s+)",
            rf"(?P<LabelStr>{_NAME}):",
            r"(?P<LabelID>\d+):",
            rf"%(?P<LocalVar>{_NAME})",
            r"%(?P<LocalVarID>\d+)",
            rf"@(?P<GlobalVar>{_NAME})",
            r"@(?P<GlobalID>\d+)",
            rf"\$(?P<ComdatVar>{_NAME})",
            r"!(?P<MetadataVar>[-a-zA-Z$._][-a-zA-Z$._0-9]*)",
            r"#(?P<AttrGrpID>\d+)",
            r"\^(?P<SummaryID>\d+)",
            r'(?P<StringConstant>"(?:[^"\\]|\\.)*")',
            r"(?P<APFloat>0x[KLMHR]?[0-9A-Fa-f]+|[-+]?\d+\.\d*(?:[eE][-+]?\d+)?)",
            r"(?P<APSInt>[-+]?\d+)",
            r"(?P<Type>i\d+\b|(?:void|half|bfloat|float|double|x86_fp80|fp128|ppc_fp128|label"
            r"|metadata|x86_amx|token|ptr)\b)",
            r"(?P<keyword>[a-zA-Z_][a-zA-Z0-9_]*)",
            r"(?P<punctuation>\.\.\.|[=,*\[\]{}<>()!|:])",
            r"(?P<Error>.)",
        )
    )
)


@dataclass(frozen=True, eq=False)
class LexedIr:
    """CompilerGym's LexedIr: four parallel sequences, one entry per token.

    In the form the `LexedIr` observation hands out (ids an int64 array, the
    rest tuples), so a step builds it once.
    """

    token_id: np.ndarray
    token_kind: tuple[str, ...]
    token_category: tuple[str, ...]
    token_value: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "token_id": self.token_id,
            "token_kind": self.token_kind,
            "token_category": self.token_category,
            "token_value": self.token_value,
        }

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LexedIr)
            and np.array_equal(self.token_id, other.token_id)
            and self.token_kind == other.token_kind
            and self.token_category == other.token_category
            and self.token_value == other.token_value
        )

    __hash__ = None  # type: ignore[assignment]


def lex_ir(text: str) -> LexedIr:
    """The tokens of IR text (see the module docstring)."""
    ids: list[int] = []
    kinds: list[str] = []
    categories: list[str] = []
    values: list[str] = []
    for match in _LEXER.finditer(text):
        group = match.lastgroup
        if group is None or group in ("comment", "space"):
            continue
        value = match.group(group)
        if group == "punctuation":
            kind = _PUNCTUATION[value]
            category = "keyword"
            token = TOKEN_IDS[kind]
        elif group == "keyword":
            kind, category, token = f"kw_{value}", "keyword", TOKEN_IDS["keyword"]
        else:
            assert group is not None
            kind, category, token = group, _CATEGORIES[group], TOKEN_IDS[group]
        ids.append(token)
        kinds.append(kind)
        categories.append(category)
        values.append(value)
    return LexedIr(np.array(ids, dtype=np.int64), tuple(kinds), tuple(categories), tuple(values))


_METADATA_ATTACHMENT = re.compile(r", ![-a-zA-Z$._0-9]+ ![^\s,]+")
_COMMENT = re.compile(r"[ \t]*;[^\n]*")
_NAMED_TYPE = re.compile(r"^(%(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|\"[^\"]*\")) = type\b", re.MULTILINE)
_LOCAL = re.compile(r"%(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|\"[^\"]*\"|\d+)")
_GLOBAL = re.compile(r"@(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|\"[^\"]*\"|\d+)")
_STRING = re.compile(r'c?"(?:[^"\\\n]|\\.)*"')
_FLOAT = re.compile(
    r"(?=[-+0-9])(?<![\w.%@])(?:0x[KLMHR]?[0-9A-Fa-f]+|[-+]?\d+\.\d+(?:[eE][-+]?\d+)?)(?![\w.])"
)
_INT = re.compile(r"(?=[-+0-9])(?<![\w.%@<\[])(?<!align )[-+]?\d+(?![\w.>])")
_TYPE_MARK = "\x00"  # stands for a named type until locals are replaced


def statement_lines(text: str) -> list[str]:
    """The lines holding an instruction or a global definition, stripped."""
    lines = []
    in_function = False
    for line in text.splitlines():
        if line.startswith("define "):
            in_function = True
        elif line.startswith("}"):
            in_function = False
        elif in_function:
            if line[:1] in (" ", "\t") and line.lstrip()[:1] not in ("", ";"):
                lines.append(line.strip())  # not a block label, comment or blank line
        elif line.startswith("@") and "=" in line:
            lines.append(line)
    return lines


def named_types(text: str) -> list[str]:
    """The names of the struct types the IR text defines (`%name = type ...`)."""
    return [match.group(1) for match in _NAMED_TYPE.finditer(text)]


def inst2vec_statements(text: str) -> list[str]:
    """The module's instructions and global definitions, each normalised to one statement."""
    return normalise_statements("\n".join(statement_lines(text)), named_types(text)).split("\n")


def normalise_statements(lines: str, named_types: list[str] = ()) -> str:  # type: ignore[assignment]
    """IR lines (one statement a line) as inst2vec statements (see the module docstring).

    Each rule runs once over all the lines: a regex pass per rule, not per line; a rule
    whose pattern needs a character the text lacks is skipped (each pass tries every
    position, even where it cannot match).
    """
    text = _STRING.sub("<STRING>", lines) if '"' in lines else lines
    text = _COMMENT.sub("", text) if ";" in text else text
    text = _METADATA_ATTACHMENT.sub("", text) if "!" in text else text
    if named_types:
        names = "|".join(re.escape(t) for t in sorted(named_types, key=len, reverse=True))
        text = re.sub(f"(?:{names})(?![-a-zA-Z$._0-9])", _TYPE_MARK, text)
    text = _LOCAL.sub("<%ID>", text)
    text = _GLOBAL.sub("<@ID>", text) if "@" in text else text
    text = _FLOAT.sub("<FLOAT>", text)
    text = _INT.sub("<INT>", text)
    return text.replace(_TYPE_MARK, "<TYPE>")


@dataclass(frozen=True)
class Inst2vecVocabulary:
    """Statements to indices; index 0 is `!UNK`, for any statement not in it."""

    version: str
    statements: tuple[str, ...]
    sources: tuple[str, ...]
    llvm_version: str

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {statement: i for i, statement in enumerate(self.statements)}

    def encode(self, statements: Iterable[str]) -> list[int]:
        index = self.index
        return [index.get(statement, 0) for statement in statements]

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "llvm_version": self.llvm_version,
                "sources": list(self.sources),
                "unknown": UNKNOWN,
                "statements": list(self.statements),
            },
            indent=0,
        )


@functools.cache
def inst2vec_vocabulary(path: Path = VOCABULARY_FILE) -> Inst2vecVocabulary:
    """The vocabulary shipped in the package."""
    data = json.loads(path.read_text())
    if data["statements"][:1] != [UNKNOWN]:
        raise ValueError(f"{path}: index 0 must be {UNKNOWN!r}")
    return Inst2vecVocabulary(
        data["version"], tuple(data["statements"]), tuple(data["sources"]), data["llvm_version"]
    )


def build_vocabulary(
    texts: Iterable[str], version: str, sources: Iterable[str], llvm_version: str, min_count: int
) -> Inst2vecVocabulary:
    """A vocabulary of the statements seen at least `min_count` times, most frequent first."""
    counts = Counter(statement for text in texts for statement in inst2vec_statements(text))
    kept = sorted((s for s, n in counts.items() if n >= min_count), key=lambda s: (-counts[s], s))
    return Inst2vecVocabulary(version, (UNKNOWN, *kept), tuple(sources), llvm_version)


def vocabulary_texts(benchmark_uris: Iterable[str], levels: Iterable[str]) -> Iterable[str]:
    """The IR text of each benchmark at each level (`O0` as loaded, or an action name)."""
    from cgym_ray.datasets import get_benchmark
    from cgym_ray.llvm.session import CompilerSession

    levels = tuple(levels)
    for uri in benchmark_uris:
        benchmark = get_benchmark(uri)
        for level in levels:
            with CompilerSession(benchmark.bitcode(), benchmark.uri) as session:
                if level != "O0":
                    session.apply(level)
                yield session.measure("ir_text")["ir_text"]
