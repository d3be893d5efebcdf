"""The llvmlite backend: modules held in llvmlite's bundled LLVM (no shared libLLVM needed).

It runs only what llvmlite's pass manager API offers (`actions.py` lists it)
and computes features in Python (`features.py`). Two llvmlite behaviours
shape `run_pipeline`:

- llvmlite's `PassBuilder` registers LLVM's standard instrumentation
  callbacks anew on every run and never drops them, so a reused builder gets
  slower with each step (measured: a `dce` step on crc32 takes 0.08 ms with a
  fresh builder, ~1 ms after 1,000 steps on the same builder, growing
  linearly). Each run here gets a fresh builder.
- llvmlite never frees the callback registry of a builder: about 1.7 KB a
  step stays allocated. A million steps hold ~1.7 GB, so long runs should
  recycle their compiler worker processes now and then.

llvmlite's LLVM is built with assertions on: a pass that breaks an invariant
aborts the process where a release libLLVM carries on (see `actions.py` for
the pass left out for that reason). Sessions run in worker processes anyway.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import llvmlite.binding as llvm

from cgym_ray.errors import CompilerError, ModuleLoadError, PipelineError
from cgym_ray.llvm.actions import ActionCatalogue
from cgym_ray.llvm.backend import MODULE_NAME, Backend, Module, printable
from cgym_ray.llvm.llvmlite_backend import features
from cgym_ray.llvm.llvmlite_backend.actions import LLVMLITE_PASSES, llvmlite_catalogue

_BITCODE_MAGIC = b"BC\xc0\xde"
_BITCODE_WRAPPER_MAGIC = b"\xde\xc0\x17\x0b"  # 0x0B17C0DE, little-endian
_SOURCE_FILENAME = re.compile(r'^source_filename = ".*"$', re.MULTILINE)
_DEFAULT_PIPELINE = re.compile(r"default<O([0-3sz])>")


@functools.cache
def _initialize_llvm() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    llvm.initialize_native_asmparser()


@dataclass(frozen=True)
class _PassSequence:
    """Passes run together in one ModulePassManager, each with its own adaptor."""

    methods: tuple[str, ...]


@dataclass(frozen=True)
class _DefaultPipeline:
    """LLVM's `default<On>` pipeline, built by llvmlite's PassBuilder."""

    speed_level: int


class LlvmliteModule(Module):
    def __init__(self, backend: LlvmliteBackend, ref: llvm.ModuleRef) -> None:
        self._backend = backend
        self.ref: llvm.ModuleRef | None = ref

    def _handle(self) -> llvm.ModuleRef:
        if self.ref is None:
            raise CompilerError("this module was disposed")
        return self.ref

    def clone(self) -> LlvmliteModule:
        return LlvmliteModule(self._backend, self._handle().clone())

    def run_pipeline(self, pipeline: str) -> None:
        ref = self._handle()
        for step in self._backend.parse_pipeline(pipeline):
            if isinstance(step, _DefaultPipeline):
                builder = self._backend.pass_builder(ref.triple, step.speed_level)
                builder.getModulePassManager().run(ref, builder)
            else:
                manager = llvm.create_new_module_pass_manager()
                for method in step.methods:
                    getattr(manager, method)()
                manager.run(ref, self._backend.pass_builder(ref.triple))

    def add_function_attributes(self, names: Sequence[str]) -> None:
        for name in names:
            if name.startswith("@"):
                raise CompilerError(
                    f"per-function marks ({name!r}, a function-marks element) need the "
                    "libllvm backend"
                )
            if not llvm.ffi.lib.LLVMPY_GetEnumAttributeKindForName(name.encode(), len(name)):
                raise CompilerError(f"LLVM {self._backend.llvm_version} has no attribute {name!r}")
        if any(_has_optnone(function) for function in self._defined_functions()):
            self._strip_optnone()
        for function in self._defined_functions():
            for name in names:
                function.add_function_attribute(name)

    def _defined_functions(self) -> Iterator[llvm.ValueRef]:
        return (f for f in self._handle().functions if not f.is_declaration)

    def _strip_optnone(self) -> None:
        """Remove `optnone`, which would make every pass skip the function.

        llvmlite can add function attributes but not remove them, so this
        prints the module, drops the attribute from the attribute groups and
        parses the text again: milliseconds on a large module, against
        microseconds for the attribute calls. Only modules compiled with
        plain `clang -O0` carry optnone; the built-in benchmarks do not.
        """
        text = "".join(
            _OPTNONE.sub("", line) if line.startswith("attributes #") else line
            for line in str(self._handle()).splitlines(keepends=True)
        )
        replacement = llvm.parse_assembly(text, llvm.create_context())
        replacement.name = self._handle().name
        self.dispose()
        self.ref = replacement

    def instruction_count(self) -> int:
        return features.instruction_count(self._handle())

    def function_sizes(self) -> dict[str, int]:
        return {
            function.name: sum(len(list(block.instructions)) for block in function.blocks)
            for function in self._defined_functions()
            if function.name
        }

    def inst_count(self) -> list[int]:
        return features.inst_count(self._handle())

    def autophase(self) -> list[int]:
        return features.autophase(self._handle())

    def ir_text(self) -> str:
        # llvmlite cannot set source_filename at load (its bitcode keeps the
        # original): the text shows MODULE_NAME, as the libllvm backend's does.
        return _SOURCE_FILENAME.sub(
            f'source_filename = "{MODULE_NAME}"', str(self._handle()), count=1
        )

    def bitcode(self) -> bytes:
        return self._handle().as_bitcode()

    def object_file(self) -> bytes:
        ref = self._handle()
        # Code generation changes the module (CodeGenPrepare, intrinsic lowering): use a clone.
        scratch = ref.clone()
        try:
            return self._backend.target_machine(ref.triple).emit_object(scratch)
        except RuntimeError as error:
            raise CompilerError(f"code generation failed: {error}") from None
        finally:
            scratch.close()

    def object_text_size_bytes(self) -> int:
        size = 0
        with llvm.ObjectFileRef.from_data(self.object_file()) as binary:
            for section in binary.sections():
                name = section.name() or b""
                if name == b".text" or name.startswith(b".text.") or name == b"__text":
                    size += section.size()
        return int(size)

    def verify(self) -> str:
        try:
            self._handle().verify()
        except RuntimeError as error:
            return str(error).strip() or "module is broken"
        return ""

    def dispose(self) -> None:
        # Without this, llvmlite's ModuleRef frees the module when it is garbage collected.
        if self.ref is not None:
            self.ref.close()
            self.ref = None


# The printer puts function attributes in `attributes #N = { ... }` groups.
_OPTNONE = re.compile(r" optnone\b")


def _has_optnone(function: llvm.ValueRef) -> bool:
    return any(b"optnone" in attributes.split() for attributes in function.attributes)


class LlvmliteBackend(Backend):
    name = "llvmlite"

    def __init__(self) -> None:
        _initialize_llvm()
        major, minor, patch = llvm.llvm_version_info
        self.llvm_version = f"{major}.{minor}.{patch}"
        self.library_path = str(llvm.ffi.lib._name)
        self._actions = llvmlite_catalogue()
        self._pass_methods: dict[str, str] = {}
        for known in LLVMLITE_PASSES:
            self._pass_methods[known.pipeline] = known.method
            self._pass_methods[known.name] = known.method
        self._target_machines: dict[str, llvm.TargetMachine] = {}
        self._tuning_options: dict[int, llvm.PipelineTuningOptions] = {}

    def load(self, data: bytes, name: str) -> LlvmliteModule:
        # A context per loaded module, shared with its clones, as the libllvm backend does.
        context = llvm.create_context()
        try:
            if data[:4] in (_BITCODE_MAGIC, _BITCODE_WRAPPER_MAGIC):
                ref = llvm.parse_bitcode(data, context)
            else:
                ref = llvm.parse_assembly(data.decode("utf-8"), context)
        except UnicodeDecodeError as error:
            raise ModuleLoadError(
                f"cannot load {name}: neither bitcode nor UTF-8 IR text ({error})"
            ) from None
        except RuntimeError as error:
            detail = printable(str(error).strip()) or "unreadable input"
            raise ModuleLoadError(f"cannot load {name}: {detail}") from None
        ref = _without_upgrade_leftovers(ref)
        ref.name = MODULE_NAME  # where it came from is not part of the module
        return LlvmliteModule(self, ref)

    def parse_pipeline(self, pipeline: str) -> list[_PassSequence | _DefaultPipeline]:
        """The steps of a pipeline text: catalogue pipelines or names, comma-separated.

        `"function(sroa<preserve-cfg>),instcombine"` -> one pass manager with both
        passes; `default<O2>` -> LLVM's O2 pipeline. Anything else: `PipelineError`.
        """
        elements = _split_top_level(pipeline)
        if not elements:
            raise PipelineError("empty pipeline text: name at least one pass")
        steps: list[_PassSequence | _DefaultPipeline] = []
        pending: list[str] = []
        for element in elements:
            method = self._pass_methods.get(element)
            if method is not None:
                pending.append(method)
                continue
            level = _DEFAULT_PIPELINE.fullmatch(element)
            if level is None:
                raise PipelineError(
                    f"the llvmlite backend cannot run {element!r} (in {pipeline!r}): it runs "
                    f"the pipelines and names of catalogue {self._actions.version} "
                    "(`cgym-ray llvm actions --backend llvmlite`) and default<O0>..default<O3>"
                )
            if level.group(1) in "sz":
                raise PipelineError(
                    f"the llvmlite backend cannot run {element!r}: llvmlite builds pipelines "
                    "from a speed level only; use the libllvm backend for size levels"
                )
            if pending:
                steps.append(_PassSequence(tuple(pending)))
                pending = []
            steps.append(_DefaultPipeline(int(level.group(1))))
        if pending:
            steps.append(_PassSequence(tuple(pending)))
        return steps

    def target_machine(self, triple: str) -> llvm.TargetMachine:
        """A target machine for `triple` (the host's when empty), as the libllvm backend makes."""
        triple = triple or llvm.get_default_triple()
        if triple not in self._target_machines:
            try:
                target = llvm.Target.from_triple(triple)
            except RuntimeError as error:
                raise CompilerError(
                    f"llvmlite's LLVM cannot generate code for {triple}: {error}"
                ) from None
            self._target_machines[triple] = target.create_target_machine(
                cpu="generic", opt=2, reloc="pic", codemodel="default"
            )
        return self._target_machines[triple]

    def pass_builder(self, triple: str, speed_level: int = 2) -> llvm.PassBuilder:
        """A fresh PassBuilder (see the module docstring for why never a reused one)."""
        if speed_level not in self._tuning_options:
            self._tuning_options[speed_level] = llvm.create_pipeline_tuning_options(speed_level)
        return llvm.create_pass_builder(
            self.target_machine(triple), self._tuning_options[speed_level]
        )

    @property
    def actions(self) -> ActionCatalogue:
        return self._actions


def _split_top_level(pipeline: str) -> list[str]:
    """Split at the commas outside parentheses and angle brackets."""
    elements: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(pipeline):
        if char in "(<":
            depth += 1
        elif char in ")>":
            depth -= 1
        elif char == "," and depth == 0:
            elements.append(pipeline[start:i].strip())
            start = i + 1
    elements.append(pipeline[start:].strip())
    return [element for element in elements if element]


# LLVM 22 dropped the size argument of the lifetime intrinsics. Upgrading older
# IR, its reader leaves behind unused `declare void @llvm.lifetime.start.i64(i64)`
# (and `.end`) that no other LLVM keeps: libLLVM 23 reading the same bitcode has
# none, so Autophase's TotalFuncs (declarations count) would differ by two.
_LIFETIME_INTRINSIC = re.compile(r"llvm\.lifetime\.(?:start|end)\.")


def _without_upgrade_leftovers(ref: llvm.ModuleRef) -> llvm.ModuleRef:
    """`ref`, or a re-parsed copy without the unused invalid lifetime declarations.

    llvmlite cannot erase a function, so this goes through IR text, only when
    such declarations exist: a print and a parse at load (measured: 17 ms for
    crc32's 1,100 instructions, 38 ms for json_parser's 6,000, against 3 and
    10 ms to parse the bitcode alone). Clones do not pay it again.
    """
    leftovers = [
        function.name
        for function in ref.functions
        if function.is_declaration
        and _LIFETIME_INTRINSIC.match(function.name)
        and str(function.global_value_type) != "void (ptr)"
    ]
    if not leftovers:
        return ref
    lines = str(ref).splitlines(keepends=True)
    for name in leftovers:
        reference = re.compile(rf"@{re.escape(name)}(?![\w.$-])")
        uses = [i for i, line in enumerate(lines) if reference.search(line)]
        if len(uses) == 1 and lines[uses[0]].startswith("declare "):
            del lines[uses[0]]
    try:
        cleaned = llvm.parse_assembly("".join(lines), llvm.create_context())
    except RuntimeError:  # LLVM cannot read back what it printed: keep the module as loaded
        return ref
    cleaned.name = ref.name
    ref.close()
    return cleaned
