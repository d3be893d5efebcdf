"""Derive the pass table's levels from libLLVM, and check its parameters against it.

    python -m cgym_ray.llvm.pipelines.derive           # print differences; exit 1 if any
    python -m cgym_ray.llvm.pipelines.derive --write   # rewrite the levels in the table

Run it as its own process (it loads LLVM and runs passes in-process). For each
pass it runs `X`, `cgscc(X)`, `function(X)` and `function(loop-mssa(X))` on a
small module with a loop and a call, with LLVM's pass-manager debug logging
on, and reads from the trace at which level the pass really ran: LLVM wraps a
function pass given at module level in an adaptor silently, so "it parses"
is not enough. A pass's levels are those where it ran itself.

The passes probed are the `libllvm-v2` action catalogue's and those of the
standard pipelines written out in `data/`. Every parameter option of the table
must parse at the pass's first level.
"""

from __future__ import annotations

import ctypes
import json
import sys
from importlib import resources

from cgym_ray.llvm.forked import run_forked
from cgym_ray.llvm.pipelines.tree import LEVELS, Pipeline

_PROBE_IR = b"""
define internal i32 @f(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %t, %loop ]
  %t = add i32 %s, %i
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %t
}

define i32 @main(i32 %argc, ptr %argv) {
entry:
  %r = call i32 @f(i32 %argc)
  ret i32 %r
}
"""

# Where a pass of each level runs, as LLVM's trace writes it: "Running pass: X on <target>".
_TARGET_OF = {
    "module": lambda target: target == "[module]",
    "cgscc": lambda target: target.startswith("("),
    "function": lambda target: target.endswith("instructions)"),
    "loop": lambda target: target.startswith("loop "),
}
# Passes the loop adaptor runs itself to put loops into shape.
_ADAPTOR_HELPERS = ("LoopSimplifyPass", "LCSSAPass")


def wrap(text: str, level: str) -> str:
    """`text` nested so that it stands at `level`."""
    return {
        "module": text,
        "cgscc": f"cgscc({text})",
        "function": f"function({text})",
        "loop": f"function(loop-mssa({text}))",
    }[level]


def probed_names() -> list[str]:
    """Table keys to probe: the catalogue's passes, the standard pipelines' leaves, the runner's cut."""
    from cgym_ray.llvm.libllvm.passes import PASSES
    from cgym_ray.llvm.pipelines.registry import PassTable
    from cgym_ray.llvm.pipelines.run import DROP_ALL
    from cgym_ray.llvm.pipelines.standard import STANDARD_PIPELINE_FILES, read_standard_text

    texts = [action.pipeline for action in PASSES]
    texts += [read_standard_text(name) for name in STANDARD_PIPELINE_FILES]
    names: set[str] = {DROP_ALL}
    for text in texts:
        for _, element, _ in Pipeline.parse(text).walk():
            if not element.is_adaptor:
                names.add(PassTable.key(element))
    return sorted(names)


class _Probe:
    def __init__(self) -> None:
        from cgym_ray.llvm.backend import get_backend
        from cgym_ray.llvm.libllvm.backend import LibLLVMBackend

        backend = get_backend("libllvm")
        assert isinstance(backend, LibLLVMBackend)
        self.backend = backend
        lib = self.backend.llvm.lib
        lib.LLVMPassBuilderOptionsSetDebugLogging.argtypes = [ctypes.c_void_p, ctypes.c_bool]
        lib.LLVMPassBuilderOptionsSetDebugLogging.restype = None
        self.lib = lib
        self.module = self.backend.load(_PROBE_IR, "probe")

    def trace(self, text: str) -> tuple[bool, list[tuple[str, str]]]:
        """Run `text` with debug logging: (did it parse and run, [(pass, target) of each pass run]).

        Each run is in a forked child: a misplaced pass can make LLVM end the
        process (`licm` without MemorySSA), and that only means "not here".
        """

        def run() -> None:
            self.lib.LLVMPassBuilderOptionsSetDebugLogging(self.backend.pass_options, True)
            self.module.run_pipeline(text)

        code, log = run_forked(run)
        runs = []
        for line in log.splitlines():
            if line.startswith("Running pass: "):
                name, _, target = line[len("Running pass: ") :].partition(" on ")
                runs.append((name, target))
        return code == 0, runs

    def levels(self, key: str) -> list[str]:
        levels = []
        for level in LEVELS:
            parsed, runs = self.trace(wrap(key, level))
            # The loop adaptor runs LoopSimplify and LCSSA first: they count only when no loop pass ran.
            if any(_TARGET_OF["loop"](target) for _, target in runs):
                runs = [(name, target) for name, target in runs if name not in _ADAPTOR_HELPERS]
            if parsed and any(_TARGET_OF[level](target) for _, target in runs):
                levels.append(level)
        return levels

    def parses(self, text: str) -> bool:
        return self.trace(text)[0]


def _table_path() -> str:
    from cgym_ray.llvm.pipelines.registry import TABLE_FILE

    return str(resources.files("cgym_ray.llvm.pipelines").joinpath(f"data/{TABLE_FILE}"))


def derive(raw: dict) -> tuple[dict, list[str]]:
    """The table with levels re-derived from libLLVM, and every difference or problem found."""
    probe = _Probe()
    problems: list[str] = []
    passes: dict[str, dict] = {}
    for key in probed_names():
        levels = probe.levels(key)
        if not levels:
            problems.append(f"{key}: runs at no level in this libLLVM")
            continue
        entry: dict[str, object] = {"levels": levels}
        if raw["passes"].get(key, {}).get("memory_ssa"):
            entry["memory_ssa"] = True
        passes[key] = entry
        old = raw["passes"].get(key)
        if old is None:
            problems.append(f"{key}: not in the table (levels {levels})")
        elif old["levels"] != levels:
            problems.append(f"{key}: the table says {old['levels']}, LLVM says {levels}")
    problems += [
        f"{key}: in the table but not probed" for key in raw["passes"] if key not in passes
    ]
    from cgym_ray.llvm.pipelines.registry import table_from_dict

    table = table_from_dict(raw)
    for name, spec in table.parameters.items():
        for option in spec.options():
            text = _option_probe(table, name, option)
            if text is None:
                problems.append(f"{name}: has parameters but is not in the table")
                break
            if not probe.parses(text):
                problems.append(f"{name}: LLVM rejects the option {option!r} ({text})")
    return {**raw, "llvm_version": probe.backend.llvm_version, "passes": passes}, problems


def _option_probe(table, name: str, option: str) -> str | None:
    """Pipeline text that uses `option` of `name` where `name` may stand."""
    if name == "function@module":
        return f"function<{option}>(no-op-function)"
    if name == "function@cgscc":
        return f"cgscc(function<{option}>(no-op-function))"
    if name == "devirt":
        return f"cgscc(devirt<{option}>(no-op-cgscc))"
    info = table.passes.get(name)
    if info is None:
        return None
    return wrap(f"{name}<{option}>", info.levels[0])


def main(argv: list[str]) -> int:
    path = _table_path()
    with open(path) as file:
        raw = json.load(file)
    derived, problems = derive(raw)
    for problem in problems:
        print(problem)
    if "--write" in argv:
        with open(path, "w") as file:
            json.dump(derived, file, indent=1, sort_keys=False)
            file.write("\n")
        print(f"wrote {path}: {len(derived['passes'])} passes")
        return 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
