"""Token sequences of a libllvm module, printed and lexed only where a step changed it.

`LexedIr` and the inst2vec statements are defined on the module's IR text
(cgym_ray/llvm/tokens.py). Printing a whole module costs a few passes' worth
and lexing it in Python tens more, while most passes change a few functions
or none. So the text is taken apart: its first lines (source file, types,
globals), each function's text in module order, and its last lines
(attribute groups, metadata). Each part is lexed once, natively
(features.c `cgym_lex`, the same cuts as tokens.py's regular expression), and
kept; a step re-prints (`LLVMPrintValueToString`) and re-lexes only the
functions whose key changed.

The keys come from one native walk (features.c `cgym_token_keys`): a key per
function (everything its text shows, names included) and one for the rest of
the module (globals, function names, and the order in which metadata nodes,
attribute sets and named types are first used, which numbers `!N` and `#N`
and orders the first lines). While that one is unchanged, a function's text
depends on its key alone, but for one thing: printed alone, a function numbers
its call sites' attribute groups its own way, so their `#N` tokens are
renumbered to the module's. When it changes, the whole module is printed
once and taken apart again.

An inst2vec statement depends on its line of text and the module's named
types alone, so each distinct line is normalised once while the named types
stand: a part printed again normalises only the lines it did not have before.
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections.abc import Iterable
from ctypes import c_int32, c_int64, c_uint64
from dataclasses import dataclass
from typing import Any

import numpy as np

from cgym_ray.llvm.libllvm.loader import module_functions, take_message
from cgym_ray.llvm.tokens import (
    TOKEN_IDS,
    TOKEN_KINDS,
    LexedIr,
    inst2vec_vocabulary,
    named_types,
    normalise_statements,
    statement_lines,
)

_KEYWORD = TOKEN_IDS["keyword"]
_ATTRIBUTE_GROUP = TOKEN_IDS["AttrGrpID"]
_KIND_NAMES = [kind for kind, _ in TOKEN_KINDS]
_CATEGORY_ARRAY = np.array([category for _, category in TOKEN_KINDS], dtype=object)
_FUNCTION_START = re.compile(r"^(?:define|declare) ", re.MULTILINE)
# Printing functions one by one costs a little more than their share of the module's
# printing: past this share of the functions changed, print the module.
_REPRINT_SHARE = 0.5
# Statement lines kept with their statements, at most (about 100 MB); a module has thousands.
_STATEMENT_LINES_KEPT = 200_000


def lex_native(native: ctypes.CDLL, text: str, strings: dict[str, str] | None = None) -> LexedIr:
    """`tokens.lex_ir(text)`, computed by features.c.

    The lexer hands back each distinct token text once, so one string object
    is made a distinct text, not a token. `strings` shares them further, across
    calls (fewer objects to touch when a step's parts are joined, and to send).
    """
    data = text.encode()
    size = len(data) + 1
    ids = np.empty(size, dtype=np.int32)
    value_index = np.empty(size, dtype=np.int32)
    values = ctypes.create_string_buffer(2 * size)
    used, unique = c_int64(), c_int64()
    count = native.cgym_lex(
        data,
        len(data),
        ids.ctypes.data,
        value_index.ctypes.data,
        size,
        values,
        2 * size,
        ctypes.byref(used),
        ctypes.byref(unique),
    )
    if count < 0:
        raise MemoryError(
            "native lexer: " + ("buffer too small" if count == -1 else "out of memory")
        )
    distinct = (
        values.raw[: used.value].decode("utf-8", "surrogateescape").split("\0")[: unique.value]
    )
    if strings is not None:
        distinct = list(map(strings.setdefault, distinct, distinct))
    token_ids = ids[:count].astype(np.int64)
    indices = value_index[:count]
    # A keyword's kind is its text's: index those past the kinds of the other tokens.
    keywords = token_ids == _KEYWORD
    kind_names = np.array(_KIND_NAMES + [""] * len(distinct), dtype=object)
    for i in np.unique(indices[keywords]).tolist():
        kind_names[len(_KIND_NAMES) + i] = _keyword_kind(distinct[i])
    kind_index = np.where(keywords, indices + len(_KIND_NAMES), token_ids)
    # Object arrays gather the strings several times faster than a map over a list.
    return LexedIr(
        token_ids,
        tuple(kind_names[kind_index].tolist()),
        tuple(_CATEGORY_ARRAY[token_ids].tolist()),
        tuple(np.array(distinct, dtype=object)[indices].tolist()),
    )


def _joined(pieces: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The pieces end to end (extending a list is several times faster than chaining)."""
    joined: list[str] = []
    for piece in pieces:
        joined += piece
    return tuple(joined)


@functools.cache
def _keyword_kind(keyword: str) -> str:
    return "kw_" + keyword


@dataclass
class _Part:
    """One piece of the module's text, with its tokens and statements once asked for."""

    text: str
    # Printed alone: the module's numbers of the call-site groups it numbered itself.
    group_numbers: tuple[int, ...] = ()
    function_sets: int = 0
    lexed: LexedIr | None = None
    statements: tuple[str, ...] | None = None
    indices: np.ndarray | None = None

    @property
    def reusable(self) -> bool:
        """Whether its tokens are those of its text wherever it stands (no renumbering)."""
        return not self.group_numbers

    def tokens(self, native: ctypes.CDLL, strings: dict[str, str]) -> LexedIr:
        if self.lexed is None:
            lexed = lex_native(native, self.text, strings)
            attribute_groups = np.flatnonzero(lexed.token_id == _ATTRIBUTE_GROUP)
            if self.group_numbers and len(attribute_groups):
                values = list(lexed.token_value)
                for i in attribute_groups:
                    number = int(values[i])
                    if number >= self.function_sets:
                        values[i] = str(self.group_numbers[number - self.function_sets])
                lexed = LexedIr(
                    lexed.token_id, lexed.token_kind, lexed.token_category, tuple(values)
                )
            self.lexed = lexed
        return self.lexed

    def inst2vec(
        self, named_types: list[str], strings: dict[str, str], statements: dict[str, str]
    ) -> tuple[str, ...]:
        """Its lines as statements. A line's statement depends on the line and the named types
        alone: `statements` (line -> statement, for these types) has those of lines seen
        before, in any part, and takes the new ones."""
        if self.statements is None:
            lines = statement_lines(self.text)
            new = [line for line in dict.fromkeys(lines) if line not in statements]
            if new:
                normalised = normalise_statements("\n".join(new), named_types).split("\n")
                statements.update(
                    zip(new, map(strings.setdefault, normalised, normalised), strict=True)
                )
            self.statements = tuple(map(statements.__getitem__, lines))
        return self.statements


class TokenCache:
    """The parts of one module's text, kept between steps (one per `LibLLVMModule`)."""

    def __init__(self, lib: ctypes.CDLL, native: ctypes.CDLL) -> None:
        self._lib = lib
        self._native = native
        self._context: int | None = None
        self._functions: dict[int, _Part] = {}
        self._header = _Part("")
        self._trailer = _Part("")
        self._types: list[str] = []
        self._strings: dict[str, str] = {}
        # Each statement line seen, normalised for the named types `_types` (see _Part.inst2vec).
        self._statements: dict[str, str] = {}
        self._capacity = (64, 256)
        # The last answers and the parts they were joined from: a step that changed
        # nothing gets the same objects back.
        self._joined: dict[str, tuple[list[_Part], Any]] = {}
        # How often the text was printed whole, and functions alone (what tests and docs cite).
        self.module_prints = 0
        self.function_prints = 0

    def lexed_ir(self, module: int) -> LexedIr:
        parts = self._parts(module)
        joined = self._reuse("lexed", parts)
        if joined is None:
            lexed = [part.tokens(self._native, self._strings) for part in parts]
            joined = LexedIr(
                np.concatenate([x.token_id for x in lexed]),
                _joined(x.token_kind for x in lexed),
                _joined(x.token_category for x in lexed),
                _joined(x.token_value for x in lexed),
            )
            self._joined["lexed"] = (parts, joined)
        return joined

    def inst2vec_statements(self, module: int) -> tuple[str, ...]:
        parts = self._parts(module)
        joined = self._reuse("statements", parts)
        if joined is None:
            joined = _joined(
                part.inst2vec(self._types, self._strings, self._statements) for part in parts
            ) or (
                "",  # as tokens.inst2vec_statements on a module without any
            )
            self._joined["statements"] = (parts, joined)
        return joined

    def inst2vec_indices(self, module: int) -> np.ndarray:
        """The statements' indices in the package's vocabulary, kept per part too."""
        parts = self._parts(module)
        joined = self._reuse("indices", parts)
        if joined is None:
            vocabulary = inst2vec_vocabulary()
            for part in parts:
                if part.indices is None:
                    statements = part.inst2vec(self._types, self._strings, self._statements)
                    part.indices = np.array(vocabulary.encode(statements), dtype=np.int64)
            joined = np.concatenate([part.indices for part in parts if part.indices is not None])
            if not len(joined):
                joined = np.array(vocabulary.encode([""]), dtype=np.int64)
            self._joined["indices"] = (parts, joined)
        return joined.copy()

    def _reuse(self, what: str, parts: list[_Part]) -> Any:
        last = self._joined.get(what)
        if last is None or len(last[0]) != len(parts):
            return None
        same = all(a is b for a, b in zip(last[0], parts, strict=True))
        return last[1] if same else None

    def _keys(self, module: int) -> tuple[list[int], list[tuple[int, ...]], int, int]:
        """Each function's key and its call-site groups' module numbers; the context key; the
        number of function attribute sets."""
        while True:
            functions, groups = self._capacity
            keys = (c_uint64 * functions)()
            numbers = (c_int32 * groups)()
            counts = (c_int32 * functions)()
            context = c_uint64()
            function_sets = c_int32()
            found = self._native.cgym_token_keys(
                module,
                keys,
                functions,
                numbers,
                counts,
                groups,
                ctypes.byref(context),
                ctypes.byref(function_sets),
            )
            if found == -1:
                raise MemoryError("out of memory computing token keys")
            if found >= 0:
                break
            self._capacity = (functions * 2, groups * 2)
        grouped: list[tuple[int, ...]] = []
        start = 0
        all_numbers = numbers[: sum(counts[:found])]
        for count in counts[:found]:
            grouped.append(tuple(all_numbers[start : start + count]))
            start += count
        return keys[:found], grouped, context.value, function_sets.value

    def _parts(self, module: int) -> list[_Part]:
        if len(self._statements) > _STATEMENT_LINES_KEPT:
            self._statements = {}
        keys, groups, context, function_sets = self._keys(module)
        missing = [k for k, key in enumerate(keys) if key not in self._functions]
        if context != self._context or len(missing) > _REPRINT_SHARE * len(keys):
            if not self._take_apart(module, keys, context):
                return [self._header]
        elif missing:
            functions = list(module_functions(self._lib, module))
            self.function_prints += len(missing)
            for k in missing:
                text = take_message(self._lib, self._lib.LLVMPrintValueToString(functions[k]))
                self._functions[keys[k]] = _Part(text, groups[k], function_sets)
        kept = {key: self._functions[key] for key in keys}
        self._functions = kept
        return [self._header, *kept.values(), self._trailer]

    def _take_apart(self, module: int, keys: list[int], context: int) -> bool:
        """Print the whole module and cut it into the first lines, each function, the last lines.

        A part whose text did not change keeps its tokens. False if the text could not be cut
        (then the whole text is the first part, and nothing is kept for the next step).
        """
        self.module_prints += 1
        text = take_message(self._lib, self._lib.LLVMPrintModuleToString(module))
        old = {part.text: part for part in (self._header, *self._functions.values(), self._trailer)}

        def part(piece: str) -> _Part:
            known = old.get(piece)
            return known if known is not None and known.reusable else _Part(piece)

        starts = [match.start() for match in _FUNCTION_START.finditer(text)]
        if len(starts) != len(keys):  # cannot tell the functions apart: keep nothing between steps
            self._context, self._functions = None, {}
            self._header, self._trailer = _Part(text), _Part("")
            self._types, self._statements = named_types(text), {}
            return False
        end = len(text)
        if starts:
            last = starts[-1]
            close = text.find("\n}\n", last) if text.startswith("define", last) else -1
            end = close + 3 if close >= 0 else text.find("\n", last) + 1 or len(text)
        bounds = [*starts, end]
        header = part(text[: starts[0]] if starts else text[:end])
        types = named_types(header.text)
        if types != self._types:  # statements depend on the named types
            old, self._statements = {}, {}
            header = _Part(header.text)
        self._header, self._types = header, types
        self._trailer = part(text[end:])
        self._functions = {key: part(text[bounds[k] : bounds[k + 1]]) for k, key in enumerate(keys)}
        self._context = context
        return True
