"""Downloads checked by sha256, and tar archives unpacked without trusting their members.

A download streams to a file with a progress bar on stderr and its hash is
compared before anything is unpacked. Unpacking refuses the whole archive if
any member is a link, a device or a FIFO, has an absolute path or a `..`
segment: an archive that tries one of those was not made by the publisher,
so nothing from it is kept. Regular files are unpacked only if their names
end in one of the wanted suffixes; directories are implied by the paths.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

from cgym_ray.datasets.benchmark import BenchmarkError

CHUNK_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 512 * 1024**2
MAX_DOWNLOAD_BYTES = 64 * 1024**3


class DatasetError(BenchmarkError):
    """A dataset could not be installed, imported or removed; nothing installed was changed."""


class DownloadError(DatasetError):
    """A download failed or its file did not have the expected sha256."""


class DiskFullError(DatasetError):
    """The disk filled up while a dataset was being installed; what was written is removed."""


def disk_full(error: OSError, name: str, directory: Path) -> DiskFullError | None:
    """The DiskFullError for an ENOSPC/EDQUOT error, or None for any other error."""
    if error.errno not in (errno.ENOSPC, errno.EDQUOT):
        return None
    free = shutil.disk_usage(directory).free if directory.exists() else 0
    return DiskFullError(
        f"{name}: no space left on the device of {directory} ({free / 1024**2:.1f} MiB free); "
        "nothing was installed. Free some space, or set CGYM_DATASETS_DIR to a larger disk."
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, target: Path, name: str, progress: bool = True) -> str:
    """Stream `url` (https, http or file) to `target`; return the file's sha256."""
    if not url.startswith(("https://", "http://", "file://")):
        raise DownloadError(
            f"{name}: only https://, http:// and file:// URLs are fetched, not {url!r}"
        )
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0)
            free = shutil.disk_usage(target.parent).free
            if total > free:
                raise DiskFullError(
                    f"{name}: {url} is {total / 1024**2:.1f} MiB but {target.parent} has only "
                    f"{free / 1024**2:.1f} MiB free; nothing was installed. Free some space, or "
                    "set CGYM_DATASETS_DIR to a larger disk."
                )
            with open(target, "wb") as out:
                last_shown = 0.0
                while chunk := response.read(CHUNK_BYTES):
                    received += len(chunk)
                    if received > MAX_DOWNLOAD_BYTES:
                        raise DownloadError(
                            f"{name}: {url} is larger than {MAX_DOWNLOAD_BYTES} bytes"
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    if progress and time.monotonic() - last_shown > 0.2:
                        show_progress(f"downloading {name}", received, total)
                        last_shown = time.monotonic()
    except OSError as error:
        full = disk_full(error, name, target.parent)
        if full is not None:
            raise full from None
        reason = getattr(error, "reason", None) or error
        raise DownloadError(
            f"{name}: could not download {url}: {reason}. No network? Download the file "
            f"elsewhere and run: cgym-ray datasets install {name} --from /path/to/{url.rsplit('/', 1)[-1]}"
        ) from None
    if progress:
        show_progress(f"downloading {name}", received, total or received)
        print(file=sys.stderr)
    return digest.hexdigest()


def show_progress(what: str, done: int, total: int, unit: str = "MiB") -> None:
    """One line on stderr, redrawn: `what [#####.....] 3.1/10.0 MiB` (bytes) or `3/10 files`."""

    def amount(n: int) -> str:
        return f"{n / 1024**2:.1f}" if unit == "MiB" else str(n)

    if total:
        filled = int(30 * min(done, total) / total)
        bar = "#" * filled + "." * (30 - filled)
        print(f"\r{what} [{bar}] {amount(done)}/{amount(total)} {unit}", end="", file=sys.stderr)
    else:
        print(f"\r{what} {amount(done)} {unit}", end="", file=sys.stderr)
    sys.stderr.flush()


def safe_member_path(member: tarfile.TarInfo, archive: Path) -> PurePosixPath:
    """The member's relative path; DatasetError for links, devices, `..` and absolute paths."""
    if not (member.isfile() or member.isdir()):
        what = "a link" if member.issym() or member.islnk() else "a device or FIFO"
        raise DatasetError(
            f"{archive.name}: member {member.name!r} is {what}; the archive is refused"
        )
    path = PurePosixPath(member.name)
    if path.is_absolute() or member.name.startswith(("/", "\\")):
        raise DatasetError(
            f"{archive.name}: member {member.name!r} has an absolute path; the archive is refused"
        )
    if ".." in path.parts or "\\" in member.name:
        raise DatasetError(
            f"{archive.name}: member {member.name!r} leaves the archive (..); the archive is refused"
        )
    return path


def extract(
    archive: Path,
    directory: Path,
    name: str,
    suffixes: tuple[str, ...],
    strip_prefix: str | None = "",
) -> int:
    """Unpack the regular files under `strip_prefix` whose names end in `suffixes`.

    `strip_prefix=None` strips the archive's one top-level folder, if all the
    wanted files are in one. Every member is checked first, so a refused
    archive leaves `directory` as it was. Returns how many files were written.
    """
    prefix = PurePosixPath(strip_prefix) if strip_prefix else None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            members = tar.getmembers()
            wanted = []
            for member in members:
                path = safe_member_path(member, archive)
                if not member.isfile() or not member.name.endswith(suffixes):
                    continue
                if prefix is not None:
                    if prefix not in path.parents:
                        continue
                    path = path.relative_to(prefix)
                if member.size > MAX_MEMBER_BYTES:
                    raise DatasetError(
                        f"{archive.name}: {member.name} is larger than {MAX_MEMBER_BYTES} bytes"
                    )
                wanted.append((member, path))
            tops = {path.parts[0] for _, path in wanted if len(path.parts) > 1}
            if strip_prefix is None and len(tops) == 1 and all(len(p.parts) > 1 for _, p in wanted):
                top = tops.pop()
                wanted = [(member, path.relative_to(top)) for member, path in wanted]
            for member, path in wanted:
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                target = directory.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    shutil.copyfileobj(handle, out, CHUNK_BYTES)
    except (tarfile.TarError, EOFError) as error:
        raise DatasetError(
            f"{name}: {archive.name} is not a readable tar archive: {error}"
        ) from None
    except OSError as error:
        full = disk_full(error, name, directory)
        if full is not None:
            raise full from None
        raise DatasetError(f"{name}: could not unpack {archive.name}: {error}") from None
    return len(wanted)
