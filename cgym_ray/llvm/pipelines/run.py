"""Run a pipeline tree in a compiler session (a worker process), with errors that point.

A pipeline runs as one action of the session: a crash or hang of LLVM ends
the worker, not the caller, as for flat actions. When LLVM rejects the text
(an option our table allows but this libLLVM does not know, say), the error
carries LLVM's message and the position of the element it rejected, found by
trying each element alone on a throwaway copy of the module.
"""

from __future__ import annotations

from collections.abc import Sequence

from cgym_ray.errors import PipelineError
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.pipelines.marks import MARKS_ELEMENT, function_attributes, is_marks
from cgym_ray.llvm.pipelines.tree import (
    Element,
    Pipeline,
    PipelineSyntaxError,
    parse_with_positions,
)
from cgym_ray.llvm.session import CompilerSession, StepResult


def pipeline_action(pipeline: Pipeline | str) -> Action:
    """The session action that runs `pipeline` (a segment: `function-marks` stands alone)."""
    tree = Pipeline.parse(pipeline) if isinstance(pipeline, str) else pipeline
    marks = [element for element in tree.elements if is_marks(element)]
    if not marks:
        return Action(name=str(tree), pipeline=str(tree), kind="pipeline")
    if len(tree.elements) > 1:
        raise PipelineError(
            f"{MARKS_ELEMENT} runs as a segment of its own: cut {tree} with `segments` first"
        )
    return Action(
        name=str(tree), pipeline="", kind="attributes", attributes=function_attributes(marks[0])
    )


def wrapped_element(pipeline: Pipeline, path: tuple[int, ...]) -> str:
    """The element at `path` alone, inside the adaptors that enclose it: `cgscc(function(sroa))`."""
    text = str(pipeline.at(path))
    for depth in range(len(path) - 1, 0, -1):
        text = f"{pipeline.at(path[:depth]).head}({text})"
    return text


def run_pipeline(
    session: CompilerSession, pipeline: Pipeline, observations: Sequence[str] = ()
) -> StepResult:
    """Run `pipeline` on the session's module; `PipelineSyntaxError` with the position if LLVM rejects it."""
    if not pipeline.elements:
        raise PipelineSyntaxError("an empty pipeline runs nothing: LLVM refuses empty text")
    # One request, unless marks cut it: then its segments one after another.
    parts = segments(pipeline) if any(is_marks(e) for e in pipeline.elements) else [pipeline]
    try:
        for part in parts[:-1]:
            session.apply(pipeline_action(part))
        return session.apply(pipeline_action(parts[-1]), observations)
    except PipelineSyntaxError:
        raise
    except PipelineError as error:
        raise locate_rejection(session, pipeline, error) from error


def locate_rejection(
    session: CompilerSession, pipeline: Pipeline, error: PipelineError
) -> PipelineError:
    """LLVM's message, pointed at the first leaf element LLVM rejects when run alone."""
    text = str(pipeline)
    _, positions = parse_with_positions(text)
    leaves = [
        path
        for path, element, _ in pipeline.walk()
        if not element.is_adaptor and not is_marks(element)  # marks are not LLVM's to reject
    ]
    probes = [
        Action(f"probe {i}", wrapped_element(pipeline, path)) for i, path in enumerate(leaves)
    ]
    message = str(error).rsplit(": ", 1)[-1]
    for path, result in zip(leaves, session.try_actions(probes), strict=True):
        if result.error is not None:
            detail = result.error.message.rsplit(": ", 1)[-1]
            return PipelineSyntaxError(
                f"LLVM rejected {pipeline.at(path)}: {detail}", text, positions[path]
            )
    return PipelineSyntaxError(f"LLVM rejected the pipeline: {message}", text, 0)


# LLVM's pass that drops every cached analysis: after it at module level, as
# after a cut, nothing is cached, so `segments` may cut again.
DROP_ALL = "invalidate<all>"


def _drops_every_analysis(element: Element) -> bool:
    """A module-level `invalidate<all>`, or a `function-marks` (a segment of its own: a new run)."""
    return is_marks(element) or (element.head == DROP_ALL and element.children is None)


def _caches_module_analysis(element: Element) -> bool:
    """`require<...>` at module level or `recompute-globalsaa`: a module analysis stays cached after it."""
    return element.name == "recompute-globalsaa" or (
        element.name == "require" and element.children is None
    )


def segments(pipeline: Pipeline) -> list[Pipeline]:
    """The pipeline cut where running the parts one after another equals running the whole text.

    Each `LLVMRunPasses` call starts with empty analysis managers, so a cut
    drops every cached analysis. Most are recomputed to the same result, but
    GlobalsAA is used only while cached: after `require<globals-aa>` it stays
    (stale but preserved) through whatever does not invalidate it, which
    depends on what the passes changed. So the pipeline is cut between its
    top-level elements only before the first element that caches a module
    analysis, and just before each `recompute-globalsaa` (which replaces
    whatever was cached). A `function-marks` element (`marks`), which LLVM
    cannot run, is always a segment of its own. After it, and after an
    `invalidate<all>` (`DROP_ALL`, cut before too), nothing is cached, so the
    elements that follow are cut again as at the start: a flat pass sequence
    written as a pipeline (`pipelines.flat.flat_pipeline`) runs each
    pass in a run of its own, as the flat envs do. For -Oz's pipeline that
    gives the cheap module passes one by one, the inliner's walk, and the
    late function pipeline.
    tests/envs/test_pipeline_env.py checks cached compiles against whole
    ones after random edits.
    """
    cut: list[Pipeline] = []
    current: list[Element] = []
    cached = False
    for element in pipeline.elements:
        if current and (
            not cached
            or element.name == "recompute-globalsaa"
            or _drops_every_analysis(element)
            or is_marks(current[-1])
        ):
            cut.append(Pipeline(tuple(current)))
            current = []
        current.append(element)
        if _drops_every_analysis(element):
            cached = False
        else:
            cached = cached or _caches_module_analysis(element)
    if current:
        cut.append(Pipeline(tuple(current)))
    return cut


# Never a segment's text: the session's module is the result of no known prefix.
_UNKNOWN = "<unknown>"

# A segment with at least this many elements (nested ones counted) is large.
LARGE_SEGMENT_ELEMENTS = 16


class IncrementalCompiler:
    """Compiles pipelines on a session, reusing compiled prefixes it has seen before.

    Going back to the start is a reload of the bitcode into the same worker
    (a few ms, and exactly the module a fresh load gives). A checkpoint
    inside the pipeline is a fork of the worker process
    (`fork(new_process=True)`): it holds the module bit for bit as it was,
    where a cloned module is not the same input to every pass (a clone of
    expr_calc's O0 module gives different IR under -Oz), and an in-worker
    copy differs in the numbers of clashing names (so in `IrSha1`). Checkpoints go before the last large segment
    (`LARGE_SEGMENT_ELEMENTS`; for -Oz's pipeline the late function
    pipeline) and after it when more segments follow it (a flat tail), or
    before every segment with `every_segment=True`, and are
    kept by the texts of the segments before them, up to `max_checkpoints`
    (the least recently used goes first): a search that goes back and forth
    between pipelines sharing their early part (a population's members)
    compiles only their late parts. The segments between checkpoints run in
    one request.
    """

    def __init__(
        self,
        session: CompilerSession,
        bitcode: bytes,
        attributes: Sequence[str] = (),
        every_segment: bool = False,
        max_checkpoints: int = 4,
    ) -> None:
        self.session = session
        self.bitcode = bitcode
        self.attributes = tuple(attributes)
        self.every_segment = every_segment
        self.max_checkpoints = max_checkpoints
        # The texts of the segments compiled -> a session holding the module after them,
        # least recently used first.
        self.checkpoints: dict[tuple[str, ...], CompilerSession] = {}
        self.texts: list[str] = []  # the segments the session's module is the result of
        # The instruction count after each of those segments (None: run before a checkpoint
        # this compiler did not record), and the counts each checkpoint's segments left.
        self.counts: list[int | None] = []
        self._checkpoint_counts: dict[tuple[str, ...], list[int | None]] = {}
        self.segments_run = 0  # segments compiled so far (a measure of the work done)
        self._timeout_s = session.timeout_s

    @property
    def timeout_s(self) -> float:
        """Each segment's timeout: the session's now, and every session a checkpoint gives later."""
        return self._timeout_s

    @timeout_s.setter
    def timeout_s(self, seconds: float) -> None:
        self._timeout_s = seconds
        self.session.timeout_s = seconds

    def _checkpoint_before(self, parts: list[Pipeline]) -> set[int]:
        if self.every_segment:
            return set(range(1, len(parts)))
        large = [
            i
            for i, part in enumerate(parts)
            if sum(1 for _ in part.walk()) >= LARGE_SEGMENT_ELEMENTS
        ]
        if not large:
            return set()
        # Before the last large segment, and after it when small segments follow
        # (a flat tail after a whole pipeline: `pipeline_hybrid` varies only that).
        return {i for i in (large[-1], large[-1] + 1) if 0 < i < len(parts)}

    def _restart(self) -> None:
        """Back to the start module: reload it, in a new worker if this one cannot."""
        if not self.session.reload(self.bitcode, self.session.benchmark, self.attributes):
            old = self.session
            self.session = CompilerSession(
                self.bitcode,
                old.benchmark,
                backend=old.backend,
                attributes=self.attributes,
                timeout_s=old.timeout_s,
            )
            old.close()

    def _resume(self, texts: list[str]) -> int:
        """Put on the session the module after the longest compiled prefix of `texts`; its length."""
        shared = 0
        while shared < min(len(texts), len(self.texts)) and texts[shared] == self.texts[shared]:
            shared += 1
        current = shared if shared == len(self.texts) and self.session.alive else -1
        counts = self.counts[: max(current, 0)]
        saved = max(
            (key for key in self.checkpoints if tuple(texts[: len(key)]) == key),
            key=len,
            default=(),
        )
        if current >= len(saved):
            self.counts = counts
            return current
        if saved:
            base = self.checkpoints.pop(saved)
            self.checkpoints[saved] = base  # most recently used
            self.session.close()
            self.session = base.fork(new_process=True)
            self.session.timeout_s = self._timeout_s
        else:
            self._restart()
        self.counts = list(self._checkpoint_counts.get(saved, [None] * len(saved)))
        return len(saved)

    def _save(self, key: tuple[str, ...]) -> None:
        self.checkpoints[key] = self.session.fork(new_process=True)
        self._checkpoint_counts[key] = list(self.counts)
        while len(self.checkpoints) > self.max_checkpoints:
            oldest = next(iter(self.checkpoints))
            self.checkpoints.pop(oldest).close()
            self._checkpoint_counts.pop(oldest, None)

    def compile(self, pipeline: Pipeline, observations: Sequence[str] = ()) -> dict[str, object]:
        """Compile `pipeline` from the start module; the session's module is then its result."""
        parts = segments(pipeline)
        texts = [str(segment) for segment in parts]
        done = self._resume(texts)
        self.texts = [
            _UNKNOWN
        ]  # until the run below ends: a failed segment leaves the module unknown
        wanted = self._checkpoint_before(parts) if self.max_checkpoints > 0 else set()
        group: list[int] = []
        for index in range(done, len(texts)):
            if group and index in wanted and tuple(texts[:index]) not in self.checkpoints:
                self._run(pipeline, parts, group)
                self._save(tuple(texts[:index]))
                group = []
            group.append(index)
        self._run(pipeline, parts, group)
        self.texts = texts
        measured = self.session.measure(*observations)
        return {"instruction_count": self.session.instruction_count, **measured}

    def _run(self, pipeline: Pipeline, parts: list[Pipeline], indices: list[int]) -> None:
        """Run segments of `pipeline` one after another in one request to the worker."""
        if not indices:
            return
        actions = [pipeline_action(parts[index]) for index in indices]
        results, error = self.session.apply_sequence(actions, changes=False)
        self.segments_run += len(results)
        self.counts += [result.instruction_count for result in results]
        if error is not None:
            if isinstance(error, PipelineError):  # point at the element in the whole text
                raise locate_rejection(self.session, pipeline, error) from error
            raise error

    def fork(self) -> IncrementalCompiler:
        """An independent copy: the current module is forked; the checkpoints stay with this one."""
        child = IncrementalCompiler(
            self.session.fork(new_process=True),
            self.bitcode,
            self.attributes,
            self.every_segment,
            self.max_checkpoints,
        )
        child.texts = list(self.texts)
        child.counts = list(self.counts)
        child.segments_run = self.segments_run
        child.timeout_s = self._timeout_s
        return child

    def close(self) -> None:
        for checkpoint in self.checkpoints.values():
            checkpoint.close()
        self.checkpoints = {}
        self._checkpoint_counts = {}
        self.session.close()
