"""What the compiler workers use of the host system beyond POSIX, each with its fallback.

Workers are Linux-tuned: they pin themselves to their caller's CPU
(`sched_getcpu`, `sched_setaffinity`), share step progress through a memfd,
and cap their address space (`RLIMIT_AS`). None of these is needed for a
correct result, so each is looked up when first used, never when
`cgym_ray` is imported, and elsewhere (macOS, or a libc without them) falls
back: no pinning, an unlinked temporary file, no memory cap.

What workers cannot do without is `fork` and descriptor passing over a Unix
socket; where those are missing (Windows), `require_workers` raises one
`CompilerError` saying so.
"""

from __future__ import annotations

import functools
import os
import socket
import tempfile
from collections.abc import Callable

from cgym_ray.errors import CompilerError


def require_workers() -> None:
    """Raise a clear error where compiler workers cannot run (no fork, no SCM_RIGHTS)."""
    if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        raise CompilerError(
            "cgym-ray runs every LLVM module in a forked worker process, which needs a POSIX "
            "system (Linux or macOS); on Windows, run it under WSL"
        )


@functools.cache
def _sched_getcpu() -> Callable[[], int] | None:
    try:
        import ctypes

        return ctypes.CDLL(None).sched_getcpu
    except (AttributeError, OSError, TypeError):  # not glibc/musl; Windows has no CDLL(None)
        return None


def current_cpu_number() -> int:
    """The CPU this thread runs on now, or -1 where the system does not say."""
    getcpu = _sched_getcpu()
    return getcpu() if getcpu is not None else -1


def pin_to_cpu(cpu: int) -> bool:
    """Move this process to `cpu`; False where that is not possible (no affinity API, a cpuset)."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return False
    return True


def shared_memory_fd(name: str, size: int) -> int:
    """A descriptor of `size` zero bytes that another process may map: a memfd, else an unlinked file."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create(name, os.MFD_CLOEXEC)
    else:
        from cgym_ray.scratch import scratch_dir

        with tempfile.NamedTemporaryFile(prefix=name, dir=scratch_dir(), delete=False) as handle:
            fd = os.dup(handle.fileno())
        os.unlink(handle.name)
        os.set_inheritable(fd, False)
    os.ftruncate(fd, size)
    return fd


class MappedBytes:
    """Reads how many bytes this process maps (/proc/self/statm), cheaply and often.

    The file is opened once and re-read in place, so a reading allocates
    almost nothing: the step watch reads it near the memory limit too. Where
    there is no /proc, `read` gives 0.
    """

    def __init__(self) -> None:
        try:
            self._fd: int | None = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            self._fd = None
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def read(self) -> int:
        if self._fd is None:
            return 0
        return int(os.pread(self._fd, 64, 0).split(maxsplit=1)[0]) * self._page

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def address_space_limit() -> int:
    """This process's soft address-space limit in bytes; 0 where it has none."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, AttributeError, OSError, ValueError):
        return 0
    return 0 if soft == resource.RLIM_INFINITY else soft


def limit_address_space(limit_mb: int) -> bool:
    """Let this process map at most `limit_mb` MiB more than it maps now (0 lifts the limit).

    The limit is on address space (RLIMIT_AS), so an allocation past it fails
    at once. Returns False where there is no such limit (no `resource`
    module, no RLIMIT_AS, or no /proc to read the mapped size from).
    """
    try:
        import resource
    except ImportError:
        return False
    if not hasattr(resource, "RLIMIT_AS"):
        return False
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if limit_mb <= 0:
        soft = hard
    else:
        reader = MappedBytes()
        mapped = reader.read()
        reader.close()
        if not mapped:
            return False
        soft = mapped + limit_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):  # macOS refuses most RLIMIT_AS values
        return False
    return True


_CACHE_LEVELS = ("l1i", "l1d", "l2", "l3", "l4")


def _read(path: str) -> str | None:
    try:
        with open(path) as file:
            return file.read().strip()
    except OSError:
        return None


def _cache_bytes(text: str) -> int:
    """`32K` / `8192K` / `1M` (sysfs) in bytes."""
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


@functools.cache
def cpu_info() -> dict[str, object]:
    """The host CPU as CompilerGym's CpuInfo: name, cores, each cache's size in bytes and count.

    Read from Linux's /proc/cpuinfo and /sys/devices/system/cpu; where they are
    missing (macOS), what is unknown is -1 and the name is `platform.processor()`.
    """
    import platform

    info: dict[str, object] = {"name": platform.processor() or platform.machine()}
    cpuinfo = _read("/proc/cpuinfo") or ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "cpu model"):
            info["name"] = value.strip()
            break
    cores = {
        (line_block.get("physical id"), line_block.get("core id"))
        for line_block in _cpuinfo_blocks(cpuinfo)
        if "core id" in line_block
    }
    info["cores_count"] = len(cores) or os.cpu_count() or -1
    for cache in _CACHE_LEVELS:
        info[f"{cache}_cache_size"] = -1
        info[f"{cache}_cache_count"] = -1
    caches: dict[str, set[str]] = {}
    root = "/sys/devices/system/cpu"
    cpus = sorted(
        name for name in (os.listdir(root) if os.path.isdir(root) else ()) if name[3:].isdigit()
    )
    for cpu in cpus:
        index = 0
        while (level := _read(f"{root}/{cpu}/cache/index{index}/level")) is not None:
            kind = _read(f"{root}/{cpu}/cache/index{index}/type") or ""
            size = _read(f"{root}/{cpu}/cache/index{index}/size")
            shared = _read(f"{root}/{cpu}/cache/index{index}/shared_cpu_list") or cpu
            index += 1
            name = f"l{level}" + (
                {"Instruction": "i", "Data": "d"}.get(kind, "") if level == "1" else ""
            )
            if name not in _CACHE_LEVELS or not size:
                continue
            info[f"{name}_cache_size"] = _cache_bytes(size)
            caches.setdefault(name, set()).add(shared)
    for name, instances in caches.items():
        info[f"{name}_cache_count"] = len(instances)
    return info


def _cpuinfo_blocks(text: str) -> list[dict[str, str]]:
    """/proc/cpuinfo as one dict per logical CPU."""
    blocks = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks
