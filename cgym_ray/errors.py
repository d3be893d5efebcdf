"""Exceptions raised by cgym-ray.

Every error names what was wrong (the file, benchmark, action) and, where it
helps, what to do about it. Callers can catch `CompilerError` for all of them.
"""

from __future__ import annotations


class CompilerError(Exception):
    """Base class of every error raised by the compiler layer."""


class LibLLVMNotFound(CompilerError):
    """No shared libLLVM could be loaded; the message lists what was tried."""


class ModuleLoadError(CompilerError):
    """A bitcode or IR file could not be parsed (LLVM's diagnostic included)."""


class PipelineError(CompilerError):
    """LLVM rejected a pass pipeline text (unknown pass, bad nesting, ...)."""


class UnknownSpaceError(CompilerError, KeyError):
    """An observation or reward space name is unknown; the message lists the known ones.

    Also a `KeyError`, so `env.observation["bad"]` fails as a mapping lookup does.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ObservationNotApplicable(CompilerError):
    """An observation or reward that cannot apply to this benchmark (e.g. `Runtime` without `main`).

    The one way every such case fails: at `reset`, before any step, naming the
    observation, the benchmark and why.
    """


class VocabularyError(CompilerError):
    """A vocabulary file an observation needs is missing or fails its hash; says how to install it."""


class UnknownActionError(CompilerError):
    """An action index or name is not in the action catalogue."""


class VerificationError(CompilerError):
    """The module failed LLVM's verifier after a pass."""


class StepFailed(CompilerError):
    """A compiler step did not complete: the worker process died or timed out.

    Attributes name what happened so callers can record it: `benchmark`,
    `action` (the pipeline text being run), `cause` ("abort", "timeout",
    "memory" or "crash") and `detail` (LLVM's last words on stderr, or the signal).
    When the worker was running a sequence (`CompilerSession.apply_sequence`,
    `try_actions`), `step_index` is the position of the step that failed;
    otherwise None.
    """

    def __init__(self, benchmark: str, action: str, cause: str, detail: str = "") -> None:
        self.step_index: int | None = None
        self.benchmark = benchmark
        self.action = action
        self.cause = cause
        self.detail = detail
        what = "ran out of memory" if cause == "memory" else cause
        message = f"compiler {what} while running {action!r} on {benchmark}"
        if detail:
            message += f": {detail}"
        super().__init__(message)


class CompilerAbort(StepFailed):
    """LLVM aborted (fatal error, assertion, llvm_unreachable) during a step."""

    def __init__(self, benchmark: str, action: str, detail: str = "") -> None:
        super().__init__(benchmark, action, "abort", detail)


class CompilerTimeout(StepFailed):
    """A step ran longer than its timeout; the worker was killed."""

    def __init__(self, benchmark: str, action: str, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        super().__init__(benchmark, action, "timeout", f"no answer after {timeout_s:g} s")


class CompilerOutOfMemory(StepFailed):
    """A step needed more memory than a worker may map; the worker ended.

    The limit is `CGYM_WORKER_MEMORY_MB` MiB above what the worker held when
    it started (4 GiB by default, 0 for none).
    """

    def __init__(self, benchmark: str, action: str, detail: str = "") -> None:
        super().__init__(benchmark, action, "memory", detail)


class ToolchainError(CompilerError):
    """An external tool (clang, cc, csmith, llvm-stress) is missing or failed."""


class MiscompileError(CompilerError):
    """An optimized program's behaviour differs from the unoptimized build's."""


def describe_error(error: dict[str, object]) -> str:
    """One line from an `info["error"]` dict: the cause, then the message."""
    cause = error.get("cause")
    message = str(error.get("message", "compiler error"))
    return f"{cause}: {message}" if cause else message
