"""Run a callable in a forked child of this process and read what it writes to stderr.

LLVM writes some of what it has to say (a printer's output, the pass
manager's debug log, the message before it ends the process) to its
`errs()`, descriptor 2. Redirecting this process's descriptor 2 around the
call would also catch any other thread's write; in a forked child there is
one thread, and its descriptor 2 is a pipe of its own. What the callable
changes (a module's passes) stays in the child, and a call that makes LLVM
end the process ends only the child.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_forked(run: Callable[[], object]) -> tuple[int, str]:
    """Call `run` in a forked child: its exit code (negative: the signal that ended it) and its stderr.

    The code is 0 when `run` returned, 1 when it raised (the exception's type
    and message end the text), and whatever LLVM's ending gives otherwise.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only this thread, and nothing of it outlives os._exit
        code = 1
        try:
            os.close(read_end)
            os.dup2(write_end, 2)
            os.close(write_end)
            run()
            code = 0
        except BaseException as error:
            os.write(2, f"\n{type(error).__name__}: {error}\n".encode(errors="replace"))
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        data = reader.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), data.decode("utf-8", "replace")
