"""Reference measurements of a benchmark: O0, O3 and Oz, computed by LLVM itself.

- `O0`: the module as loaded (unoptimized, `-O1 -Xclang -disable-llvm-passes`),
  with the function attributes the caller loads it with (code-size
  environments add minsize/optsize, which changes unoptimized code generation);
- `O3`: `default<O3>` on it;
- `Oz`: docs/design.md's definition (minsize + optsize on every defined function,
  then `default<O2>` on LLVM 23; `default<Oz>` before).

The llvmlite backend cannot run Oz, so its `Oz` is None: it reports only
what it can honestly compute. References are computed in an isolated worker
and cached on disk per backend, LLVM version and bitcode hash.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from cgym_ray.llvm.actions import Action, oz_action
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.programs import link
from cgym_ray.llvm.session import CompilerSession
from cgym_ray.scratch import atomic_write_bytes, cache_dir, scratch_dir

REFERENCE_LEVELS = ("O0", "O3", "Oz")
# Each reference kind, and the worker measurement it reads (executable_text_size links a program).
_MEASURES = {
    "instruction_count": "instruction_count",
    "text_size": "object_text_size_bytes",
    "executable_text_size": "object_file",
}


def reference_actions(backend: str) -> dict[str, Action | None]:
    """The action that produces each reference level (None for O0; absent ones are None too)."""
    instance = get_backend(backend)
    names = set(instance.actions.names)
    o3 = instance.actions.lookup("O3") if "O3" in names else None
    oz = None
    if backend == "libllvm":
        oz = oz_action(int(instance.llvm_version.split(".")[0]))
    return {"O0": None, "O3": o3, "Oz": oz}


def _cache_path(
    backend: str,
    llvm_version: str,
    bitcode: bytes,
    kind: str,
    attributes: tuple[str, ...],
    link_flags: tuple[str, ...] = (),
):
    digest = hashlib.sha256(bitcode).hexdigest()
    suffix = "".join(f"+{a}" for a in attributes)
    if link_flags:
        suffix += "." + hashlib.sha256(" ".join(link_flags).encode()).hexdigest()[:12]
    return (
        cache_dir() / "references" / f"{backend}-{llvm_version}" / f"{digest}.{kind}{suffix}.json"
    )


def _program_text_size(link_flags: tuple[str, ...]) -> Callable[[bytes], int]:
    def measure(object_file: bytes) -> int:
        with tempfile.TemporaryDirectory(dir=scratch_dir()) as directory:
            return link(object_file, Path(directory), link_flags).text_size_bytes

    return measure


def compute_references(
    bitcode: bytes,
    benchmark: str,
    backend: str,
    kind: str,
    attributes: tuple[str, ...] = (),
    link_flags: tuple[str, ...] = (),
) -> dict[str, int | None]:
    """Measure each reference level of one module (no cache)."""
    measure = _MEASURES[kind]
    convert: Callable[[object], int] = int  # type: ignore[assignment]
    if kind == "executable_text_size":
        convert = _program_text_size(link_flags)  # type: ignore[assignment]
    values: dict[str, int | None] = {}
    for level, action in reference_actions(backend).items():
        if level != "O0" and action is None:
            values[level] = None
            continue
        loaded_with = attributes if level == "O0" else ()
        with CompilerSession(
            bitcode, benchmark, backend=backend, attributes=loaded_with
        ) as session:
            if action is not None:
                session.apply(action)
            values[level] = convert(session.measure(measure)[measure])
    return values


@functools.lru_cache(maxsize=4096)
def _cached(
    bitcode: bytes,
    benchmark: str,
    backend: str,
    kind: str,
    attributes: tuple[str, ...],
    link_flags: tuple[str, ...] = (),
) -> tuple[tuple[str, int | None], ...]:
    llvm_version = get_backend(backend).llvm_version
    path = _cache_path(backend, llvm_version, bitcode, kind, attributes, link_flags)
    if path.exists():
        try:
            stored = json.loads(path.read_text())
            return tuple((level, stored[level]) for level in REFERENCE_LEVELS)
        except (ValueError, KeyError):
            path.unlink(missing_ok=True)  # a damaged cache entry is recomputed
    values = compute_references(bitcode, benchmark, backend, kind, attributes, link_flags)
    atomic_write_bytes(path, json.dumps(values).encode())
    return tuple((level, values[level]) for level in REFERENCE_LEVELS)


def reference_counts(
    bitcode: bytes, benchmark: str, backend: str = "libllvm", attributes: tuple[str, ...] = ()
) -> dict[str, int | None]:
    """`{"O0": n, "O3": n, "Oz": n}` instruction counts (Oz None where it cannot be computed)."""
    return dict(_cached(bitcode, benchmark, backend, "instruction_count", tuple(attributes)))


def reference_text_sizes(
    bitcode: bytes, benchmark: str, backend: str = "libllvm", attributes: tuple[str, ...] = ()
) -> dict[str, int | None]:
    """Object `.text` bytes at O0, O3 and Oz (O0 with the given load attributes)."""
    return dict(_cached(bitcode, benchmark, backend, "text_size", tuple(attributes)))


def reference_program_text_sizes(
    bitcode: bytes,
    benchmark: str,
    link_flags: tuple[str, ...],
    backend: str = "libllvm",
    attributes: tuple[str, ...] = (),
) -> dict[str, int | None]:
    """`.text` bytes of the linked program at O0, O3 and Oz (CompilerGym's TextSizeO0/O3/Oz)."""
    kind = "executable_text_size"
    return dict(_cached(bitcode, benchmark, backend, kind, tuple(attributes), tuple(link_flags)))
