"""IR2Vec embeddings as libLLVM defines them, and the vocabulary file they need.

LLVM 23 implements IR2Vec (VenkataKeerthy et al., TACO 2020) as an analysis
(`ir2vec::Embedder`, llvm/lib/Analysis/IR2Vec.cpp) in two kinds: `symbolic`
(an instruction is its opcode's, its type's and its operand kinds' seed
vectors, weighted 1.0, 0.5 and 0.2) and `flow-aware` (an operand that is an
instruction already embedded counts with that instruction's vector). A block
is the sum of its instructions (debug intrinsics aside), a function the sum
of the blocks reachable from its entry, in depth-first order. It needs a
vocabulary (`--ir2vec-vocab-path`): a JSON file of seed embeddings published
in LLVM's source tree, and without one LLVM ends the process. So:

- the vocabulary is fetched by URL at the release tag of the loaded libLLVM,
  checked against its sha256 and kept in the user cache
  (`cgym-ray llvm install-ir2vec`, or `--from PATH` on a machine without
  network); it is LLVM's file, under LLVM's licence (`LLVM_VOCABULARY.licence`);
- a worker checks the file (present, right hash) before it is read, and a
  missing or damaged file is a `VocabularyError` naming the file and the
  install command, never an abort;
- a vocabulary of one's own (another dimension, seeds trained on another
  corpus) replaces LLVM's when `CGYM_IR2VEC_VOCABULARY` names it: it is checked
  for its three sections and one dimension instead of a hash, and the
  observation spaces take its dimension (set it before the process starts).
  The tests use one they make, so they run without network;
- the C API reaches the embedder only through the printer `print<ir2vec>`,
  which prints every instruction (quadratic in function size: about 2,000
  passes' worth), so the vectors are computed natively instead, by
  `cgym_ir2vec` in features.c over the C API, with the vocabulary read once
  a process (`native_table`), for the kinds in `NATIVE_KINDS`;
- the printer stays as the reference the native vectors are tested against
  on every suite program (`ir2vec_printer`): LLVM sets the options through
  the C API's command-line parsing, the printer writes to stderr, so the
  pass runs in a forked child whose descriptor 2 is a pipe (`stderr_of`: no
  other thread's write can cut into the text, and the process's own stderr,
  a worker's death diagnosis, is untouched) and `parse_printer_output` reads
  it strictly. LLVM prints each number with two decimals ("%.2f"); the
  native vectors are the full doubles, the same sums in the same order.

A program's vector is the sum of its functions' (IR2Vec's program embedding).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cgym_ray.errors import CompilerError, VocabularyError
from cgym_ray.llvm.forked import run_forked
from cgym_ray.scratch import cache_dir

KINDS = ("symbolic", "flow-aware")
# The kinds features.c computes as LLVM does: equal to the printer's two decimals on every
# function of every suite program (tests/llvm/test_ir2vec.py); the others ask the printer.
NATIVE_KINDS: tuple[str, ...] = ("symbolic", "flow-aware")
INSTALL_COMMAND = "cgym-ray llvm install-ir2vec"
# Names a vocabulary file to use instead of LLVM's pinned one (see the module docstring).
VOCABULARY_VARIABLE = "CGYM_IR2VEC_VOCABULARY"
SECTIONS = ("Opcodes", "Types", "Arguments")
LLVM_TAG = "llvmorg-23.1.4"


@dataclass(frozen=True)
class Vocabulary:
    """A pinned vocabulary file: where it comes from, its hash, and its licence."""

    file_name: str
    url: str
    sha256: str
    dimension: int
    licence: str

    @property
    def path(self) -> Path:
        """Where it is installed: the user cache, named by its hash."""
        return cache_dir() / "ir2vec" / f"{self.sha256[:16]}-{self.file_name}"


# LLVM's seed vocabulary (75 dimensions: opcodes, types, operand kinds), at the release
# tag of the libLLVM this package loads (karellen-llvm-core 23.1.4). The sha256 is that of
# the file's sectioned version (90,849 bytes; llvm-project commit 2a387fee), read where the
# project was developed without access to GitHub: the first online install checks it
# against the tag's file and refuses a mismatch, naming both hashes.
LLVM_VOCABULARY = Vocabulary(
    file_name="seedEmbeddingVocab75D.json",
    url=(
        f"https://raw.githubusercontent.com/llvm/llvm-project/{LLVM_TAG}/"
        "llvm/lib/Analysis/models/seedEmbeddingVocab75D.json"
    ),
    sha256="098a328b5f1248afbf02087191b12595e34a3fb8c16d6433324fe8d1ae73bf5f",
    dimension=75,
    licence=(
        "Apache License v2.0 with LLVM Exceptions (SPDX: Apache-2.0 WITH LLVM-exception), "
        "as all of llvm-project; https://llvm.org/LICENSE.txt"
    ),
)


def _sha256(path: Path) -> str:
    from cgym_ray.datasets.archives import sha256_of

    return sha256_of(path)


def install_vocabulary(
    source: str | None = None, vocabulary: Vocabulary = LLVM_VOCABULARY, progress: bool = False
) -> Path:
    """Install the vocabulary from `source` (a file, or a URL; default: its pinned URL).

    The file is checked against the pinned sha256 before it replaces anything.

        >>> install_vocabulary("/media/usb/seedEmbeddingVocab75D.json")  # doctest: +SKIP
    """
    from cgym_ray.datasets.archives import DownloadError, download

    target = vocabulary.path
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        partial = Path(scratch) / vocabulary.file_name
        where = source or vocabulary.url
        if "://" in where:
            try:
                download(where, partial, vocabulary.file_name, progress=progress)
            except DownloadError as error:
                raise VocabularyError(
                    f"could not download the IR2Vec vocabulary {vocabulary.file_name} from "
                    f"{where} ({error}). Without network, fetch {vocabulary.url} elsewhere and "
                    f"run: {INSTALL_COMMAND} --from /path/to/{vocabulary.file_name}"
                ) from None
        else:
            if not Path(where).is_file():
                raise VocabularyError(f"{where}: no such file (the IR2Vec vocabulary to install)")
            shutil.copyfile(where, partial)
        digest = _sha256(partial)
        if digest != vocabulary.sha256:
            raise VocabularyError(
                f"{where} is not the IR2Vec vocabulary {vocabulary.file_name} of {LLVM_TAG}: its "
                f"sha256 is {digest}, expected {vocabulary.sha256}; nothing was installed"
            )
        os.replace(partial, target)
    _checked.cache_clear()
    return target


@functools.cache
def _checked(path: Path, size: int, mtime_ns: int, sha256: str) -> bool:
    return _sha256(path) == sha256


def require_vocabulary(vocabulary: Vocabulary = LLVM_VOCABULARY) -> Path:
    """The vocabulary in use; `VocabularyError` if it is missing or damaged.

    That is the file `CGYM_IR2VEC_VOCABULARY` names if it is set, else the
    installed pinned one. Called in the worker before LLVM reads the file (LLVM
    would end the process); the file is checked once per process and version.
    """
    chosen = os.environ.get(VOCABULARY_VARIABLE)
    if chosen:
        _user_vocabulary_dimension(Path(chosen))  # checked before LLVM reads it
        return Path(chosen)
    path = vocabulary.path
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise VocabularyError(
            f"IR2Vec needs LLVM's vocabulary file {path}, which is not installed: run "
            f"`{INSTALL_COMMAND}` (downloads {vocabulary.url}), or on a machine without "
            f"network `{INSTALL_COMMAND} --from /path/to/{vocabulary.file_name}`"
        ) from None
    if not _checked(path, stat.st_size, stat.st_mtime_ns, vocabulary.sha256):
        raise VocabularyError(
            f"the IR2Vec vocabulary {path} fails its sha256 check (damaged or replaced): "
            f"reinstall it with `{INSTALL_COMMAND}` (or `--from /path/to/{vocabulary.file_name}`)"
        )
    return path


def vocabulary_dimension() -> int:
    """The length of the vectors of the vocabulary in use (LLVM's: 75)."""
    chosen = os.environ.get(VOCABULARY_VARIABLE)
    return _user_vocabulary_dimension(Path(chosen)) if chosen else LLVM_VOCABULARY.dimension


def _user_vocabulary_dimension(path: Path) -> int:
    """The dimension of the vocabulary `CGYM_IR2VEC_VOCABULARY` names, checked (once a version)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise VocabularyError(
            f"{VOCABULARY_VARIABLE} names the IR2Vec vocabulary {path}, which does not exist"
        ) from None
    return _sections_dimension(path, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _sections_dimension(path: Path, size: int, mtime_ns: int) -> int:
    """The dimension of a vocabulary file, checked as LLVM reads it: three sections of
    named vectors, all of one length."""
    import json

    where = f"the IR2Vec vocabulary {path} (from {VOCABULARY_VARIABLE})"
    try:
        seeds = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise VocabularyError(f"{where} is not readable JSON: {error}") from None
    lengths = set()
    for section in SECTIONS:
        entries = seeds.get(section) if isinstance(seeds, dict) else None
        if not isinstance(entries, dict) or not entries:
            raise VocabularyError(f"{where} has no {section!r} section of named vectors")
        for key, values in entries.items():
            if not isinstance(values, list) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            ):
                raise VocabularyError(f"{where}: {section}.{key} is not a list of numbers")
            lengths.add(len(values))
    if len(lengths) != 1 or 0 in lengths:
        raise VocabularyError(f"{where}: its vectors have different lengths {sorted(lengths)}")
    return lengths.pop()


def stderr_of(run: Callable[[], object]) -> str:
    """What `run` writes to descriptor 2 (LLVM's `errs()`), run in a forked child.

    The child has one thread and its own descriptor 2 (a pipe this process
    reads), so no other thread's write (a warning, a log line, a step-timeout
    marker) can land inside the text, and this process's stderr, which may be
    the file a worker's caller reads after a death, is left as it was. What
    `run` changes in the child (a module's passes) stays there. A child that
    raises, fails or dies is a `CompilerError` quoting the end of its text.
    """
    code, text = run_forked(run)
    if code != 0:
        how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
        raise CompilerError(f"the child that printed LLVM's output {how}: {text[-600:]!r}")
    return text


_HEADER = "IR2Vec embeddings for function "
_VECTOR = re.compile(r"^\s*\[((?:\s+\S+)*)\s*\]$")
_TAIL = re.compile(r"\[((?:\s+-?\d+\.\d+)+)\s*\]$")


def _vector(text: str, dimension: int, where: str) -> np.ndarray:
    match = _VECTOR.match(text)
    values = match.group(1).split() if match else []
    try:
        vector = np.array([float(v) for v in values], dtype=np.float64)
    except ValueError:
        vector = np.zeros(0)
    if not match or vector.shape != (dimension,):
        raise CompilerError(
            f"unexpected IR2Vec output for {where}: {text[:120]!r} (expected {dimension} numbers)"
        )
    return vector


def parse_printer_output(text: str, dimension: int) -> list[tuple[str, np.ndarray]]:
    """(function name, vector) for each function with a body, in module order.

    Strict: the output must have `print<ir2vec>`'s shape (per function: its
    header, its vector, its blocks' vectors, its instructions' vectors; an
    instruction's text may span lines, as a `switch` does), and every vector
    `dimension` numbers; anything else (a warning, an error, another format)
    raises `CompilerError` quoting it.
    """
    functions: list[tuple[str, np.ndarray, int]] = []  # name, vector, blocks seen
    state = "start"  # start, vector, blocks, block, instructions, instruction
    for line in text.splitlines():
        if (
            line.startswith(_HEADER)
            and line.endswith(":")
            and state not in ("vector", "instruction")
        ):
            functions.append((line[len(_HEADER) : -1], np.zeros(0), 0))
            state = "vector"
        elif state == "vector" and line.startswith("Function vector:"):
            name, _, _ = functions[-1]
            functions[-1] = (name, _vector(line[len("Function vector:") :], dimension, name), 0)
            state = "function"
        elif state == "function" and line == "Basic block vectors:":
            state = "blocks"
        elif state == "blocks" and line.startswith("Basic block: "):
            name, vector, blocks = functions[-1]
            functions[-1] = (name, vector, blocks + 1)
            state = "block"
        elif state == "block":
            _vector(line, dimension, f"a block of {functions[-1][0]}")
            state = "blocks"
        elif state == "blocks" and line == "Instruction vectors:":
            state = "instructions"
        elif state in ("instructions", "instruction") and (
            state == "instruction" or line.startswith("Instruction: ")
        ):
            # An instruction's text, then its vector at the end of its last line.
            tail = _TAIL.search(line)
            state = "instruction"
            if tail is not None and len(tail.group(1).split()) == dimension:
                state = "instructions"
        else:
            raise CompilerError(f"unexpected IR2Vec output: {line[:200]!r}")
    if state not in ("start", "instructions", "blocks"):
        raise CompilerError(f"IR2Vec output ends early (in {state})")
    return [(name, vector) for name, vector, blocks in functions if blocks]


def program_vector(functions: list[tuple[str, np.ndarray]], dimension: int) -> np.ndarray:
    """A program's vector: the sum of its functions'."""
    total = np.zeros(dimension, dtype=np.float64)
    for _, vector in functions:
        total += vector
    return total


# The native embedder (features.c's cgym_ir2vec) reads a table of vocabulary rows: one per C
# API opcode, per LLVMTypeKind and per operand kind, each already scaled by its weight as
# LLVM scales it (cl::opt<float> weights, so 0.2 is the float nearest 0.2).
OPCODE_ROW, TYPE_ROW, OPERAND_ROW, TABLE_ROWS = 0, 128, 160, 168
WEIGHTS = {"Opcodes": 1.0, "Types": 0.5, "Arguments": float(np.float32(0.2))}
# C API opcode -> LLVM's opcode name (Instruction.def), the vocabulary's key.
OPCODE_KEYS = {
    1: "Ret",
    2: "Br",
    3: "Switch",
    4: "IndirectBr",
    5: "Invoke",
    7: "Unreachable",
    8: "Add",
    9: "FAdd",
    10: "Sub",
    11: "FSub",
    12: "Mul",
    13: "FMul",
    14: "UDiv",
    15: "SDiv",
    16: "FDiv",
    17: "URem",
    18: "SRem",
    19: "FRem",
    20: "Shl",
    21: "LShr",
    22: "AShr",
    23: "And",
    24: "Or",
    25: "Xor",
    26: "Alloca",
    27: "Load",
    28: "Store",
    29: "GetElementPtr",
    30: "Trunc",
    31: "ZExt",
    32: "SExt",
    33: "FPToUI",
    34: "FPToSI",
    35: "UIToFP",
    36: "SIToFP",
    37: "FPTrunc",
    38: "FPExt",
    39: "PtrToInt",
    40: "IntToPtr",
    41: "BitCast",
    42: "ICmp",
    43: "FCmp",
    44: "PHI",
    45: "Call",
    46: "Select",
    47: "UserOp1",
    48: "UserOp2",
    49: "VAArg",
    50: "ExtractElement",
    51: "InsertElement",
    52: "ShuffleVector",
    53: "ExtractValue",
    54: "InsertValue",
    55: "Fence",
    56: "AtomicCmpXchg",
    57: "AtomicRMW",
    58: "Resume",
    59: "LandingPad",
    60: "AddrSpaceCast",
    61: "CleanupRet",
    62: "CatchRet",
    63: "CatchPad",
    64: "CleanupPad",
    65: "CatchSwitch",
    66: "FNeg",
    67: "CallBr",
    68: "Freeze",
    69: "PtrToAddr",
    70: "UncondBr",
    71: "CondBr",
}
# LLVMTypeKind -> LLVM's type key (Vocabulary::getVocabKeyForTypeID).
_FLOAT = "FloatTy"
TYPE_KEYS = {
    0: "VoidTy",
    1: _FLOAT,
    2: _FLOAT,
    3: _FLOAT,
    4: _FLOAT,
    5: _FLOAT,
    6: _FLOAT,
    7: "LabelTy",
    8: "IntegerTy",
    9: "FunctionTy",
    10: "StructTy",
    11: "ArrayTy",
    12: "PointerTy",
    13: "VectorTy",
    14: "MetadataTy",
    16: "TokenTy",
    17: "VectorTy",
    18: _FLOAT,
    19: "UnknownTy",
    20: "UnknownTy",
}
# features.c's operand kinds: function, pointer, constant, variable, label (a block).
OPERAND_KEYS = ("Function", "Pointer", "Constant", "Variable", "Variable")


@functools.cache
def native_table(path: Path) -> np.ndarray:
    """The vocabulary at `path` as features.c's table of scaled rows (read once a process)."""
    import json

    seeds = json.loads(path.read_bytes())
    dimension = len(next(iter(seeds["Opcodes"].values())))
    table = np.zeros((TABLE_ROWS, dimension), dtype=np.float64)

    def row(section: str, key: str) -> np.ndarray:
        values = seeds[section].get(key)
        if values is None:  # LLVM's vocabulary misses: a zero vector
            return np.zeros(dimension)
        return np.asarray(values, dtype=np.float64) * WEIGHTS[section]

    for opcode, key in OPCODE_KEYS.items():
        table[OPCODE_ROW + opcode] = row("Opcodes", key)
    for kind, key in TYPE_KEYS.items():
        table[TYPE_ROW + kind] = row("Types", key)
    for kind, key in enumerate(OPERAND_KEYS):
        table[OPERAND_ROW + kind] = row("Arguments", key)
    return table
