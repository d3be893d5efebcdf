"""Observation spaces, by the names CompilerGym users know.

Each observation names the worker measurements it needs, so a step asks the
worker for exactly those in the same round trip as the pass, and nothing is
computed that nobody asked for.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from gymnasium import spaces

from cgym_ray.errors import CompilerError, UnknownSpaceError

if TYPE_CHECKING:
    from cgym_ray.envs.llvm_env import LlvmEnv

INT64_MAX = np.iinfo(np.int64).max
_IR_CHARSET = string.printable
_HEX = "0123456789abcdef"


@dataclass(frozen=True)
class ObservationSpec:
    name: str
    space: spaces.Space
    measurements: tuple[str, ...]
    compute: Callable[[dict[str, Any], LlvmEnv], Any]
    description: str


def _counts(length: int) -> spaces.Box:
    return spaces.Box(low=0, high=INT64_MAX, shape=(length,), dtype=np.int64)


def _scalar(value: int | None, what: str) -> np.ndarray:
    if value is None:
        raise CompilerError(f"{what} is not available on this backend")
    return np.array([value], dtype=np.int64)


def _reference(kind: str, level: str) -> Callable[[dict[str, Any], LlvmEnv], Any]:
    def compute(_: dict[str, Any], env: LlvmEnv) -> np.ndarray:
        return _scalar(env.references(kind)[level], f"the {level} reference")

    return compute


def _runtime(_: dict[str, Any], env: LlvmEnv) -> np.ndarray:
    return np.array([env.measure_runtime_s()], dtype=np.float64)


OBSERVATIONS: dict[str, ObservationSpec] = {}


def _add(spec: ObservationSpec) -> None:
    OBSERVATIONS[spec.name] = spec


_add(
    ObservationSpec(
        "Ir",
        spaces.Text(max_length=2**31 - 1, min_length=0, charset=_IR_CHARSET),
        ("ir_text",),
        lambda v, _: v["ir_text"],
        "the module as textual IR",
    )
)
_add(
    ObservationSpec(
        "IrSha1",
        spaces.Text(max_length=40, min_length=40, charset=_HEX),
        ("ir_sha1",),
        lambda v, _: v["ir_sha1"],
        "SHA-1 of the IR text",
    )
)
_add(
    ObservationSpec(
        "Bitcode",
        spaces.Sequence(spaces.Discrete(256), stack=True),
        ("bitcode",),
        lambda v, _: np.frombuffer(v["bitcode"], dtype=np.uint8).astype(np.int64),
        "the module as bitcode bytes",
    )
)
_add(
    ObservationSpec(
        "IrInstructionCount",
        _counts(1),
        ("instruction_count",),
        lambda v, _: _scalar(v["instruction_count"], "count"),
        "instructions in defined functions",
    )
)
_add(
    ObservationSpec(
        "InstCount",
        _counts(70),
        ("inst_count",),
        lambda v, _: np.asarray(v["inst_count"], dtype=np.int64),
        "TotalInsts, TotalBlocks, TotalFuncs and one count per opcode",
    )
)
_add(
    ObservationSpec(
        "Autophase",
        _counts(56),
        ("autophase",),
        lambda v, _: np.asarray(v["autophase"], dtype=np.int64),
        "the 56 AutoPhase features (Haj-Ali et al., MLSys 2020)",
    )
)
_add(
    ObservationSpec(
        "ObjectTextSizeBytes",
        _counts(1),
        ("object_text_size_bytes",),
        lambda v, _: _scalar(v["object_text_size_bytes"], "size"),
        "bytes of .text in the object file",
    )
)
_add(
    ObservationSpec(
        "Runtime",
        spaces.Box(0, np.inf, shape=(1,), dtype=np.float64),
        (),
        _runtime,
        "walltime in seconds of one run of the compiled program (runnable benchmarks)",
    )
)
for _level in ("O0", "O3", "Oz"):
    _add(
        ObservationSpec(
            f"IrInstructionCount{_level}",
            _counts(1),
            (),
            _reference("instruction_count", _level),
            f"instruction count of the benchmark at {_level}",
        )
    )
    _add(
        ObservationSpec(
            f"ObjectTextSize{_level}",
            _counts(1),
            (),
            _reference("text_size", _level),
            f".text bytes of the benchmark at {_level}",
        )
    )


def get_observation_spec(name: str) -> ObservationSpec:
    try:
        return OBSERVATIONS[name]
    except KeyError:
        raise UnknownSpaceError(
            f"unknown observation space {name!r}; known: {', '.join(sorted(OBSERVATIONS))}"
        ) from None
