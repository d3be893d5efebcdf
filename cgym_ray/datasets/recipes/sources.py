"""Gather a recipe's files from the archives or folders a user gives, checking each file's sha256.

Hosts regenerate archive bytes, so the pin is the commit plus a hash of every
file the recipe uses, not a hash of the archive. Only those files are taken
from an archive, and only if they are regular files: members with `..`,
absolute paths, links or devices are never written anywhere.
"""

from __future__ import annotations

import hashlib
import lzma
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from cgym_ray.datasets.recipes.recipe import Recipe, RecipeError, Source


def _strip_root(name: str, root: str) -> str | None:
    """The path of an archive member below `root` (GitHub archives wrap everything in one folder)."""
    parts = PurePosixPath(name).parts
    if parts and parts[0] == root:
        return "/".join(parts[1:])
    return None


def _archive_members(path: Path, source: Source) -> dict[str, bytes] | None:
    """The manifest's files found in an archive, or None if it holds none of them."""
    try:
        return _read_archive_members(path, source)
    except (
        tarfile.TarError,
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        OSError,
    ) as error:
        # A truncated download or a damaged copy: name the file, not tarfile's internals.
        raise RecipeError(
            f"{path}: not a readable archive ({type(error).__name__}: {error})"
        ) from None


def _read_archive_members(path: Path, source: Source) -> dict[str, bytes] | None:
    wanted = set(source.files)
    found: dict[str, bytes] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                inner = _strip_root(info.filename, source.archive_root)
                if inner in wanted:
                    mode = (info.external_attr >> 16) & 0o170000
                    if info.is_dir() or mode not in (0, 0o100000):
                        raise RecipeError(f"{path}: {info.filename} is not a regular file")
                    found[inner] = archive.read(info)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            for member in archive:
                inner = _strip_root(member.name, source.archive_root)
                if inner in wanted:
                    if not member.isreg():
                        raise RecipeError(
                            f"{path}: {member.name} is a link or device, not a regular file"
                        )
                    handle = archive.extractfile(member)
                    found[inner] = handle.read() if handle else b""
    return found or None


def _folder_root(path: Path, source: Source) -> Path | None:
    """The folder that holds the source's files: `path` itself or its `archive_root`."""
    probe = next(iter(source.files))
    for root in (path, path / source.archive_root):
        if (root / probe).exists():
            return root
    return None


def _folder_members(root: Path, source: Source) -> dict[str, bytes]:
    found = {}
    resolved_root = root.resolve()
    for inner in source.files:
        path = root / inner
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise RecipeError(f"{path} is a link or not a regular file")
        if path.is_file():
            if resolved_root not in path.resolve().parents:
                raise RecipeError(f"{path} lies outside {root}")
            found[inner] = path.read_bytes()
    return found


def _candidates(from_paths: list[Path]) -> list[Path]:
    """The paths given, and the archives and folders inside a given folder (one per source)."""
    candidates = []
    for path in from_paths:
        if not path.exists():
            raise RecipeError(f"--from {path}: no such file or folder")
        candidates.append(path)
        if path.is_dir():
            candidates += sorted(p for p in path.iterdir() if not p.is_symlink())
    return candidates


def gather_sources(recipe: Recipe, from_paths: list[Path], staging: Path) -> dict[str, Path]:
    """Copy every file each source's manifest lists into `staging/<source>/`, hash-checked.

    Each path given (or archive or folder inside a given folder) is matched to
    the source whose files it holds. A file that is missing or whose sha256
    differs is refused with its name.
    """
    roots: dict[str, Path] = {}
    candidates = _candidates(from_paths)
    for source in recipe.sources.values():
        # The path holding most of the source's files (a folder of several checkouts may
        # hold a README of every source; the first path holding any is not enough).
        members: dict[str, bytes] | None = None
        origin = None
        for path in candidates:
            found: dict[str, bytes] | None = None
            if path.is_dir():
                root = _folder_root(path, source)
                found = _folder_members(root, source) if root else None
            elif tarfile.is_tarfile(path) or zipfile.is_zipfile(path):
                found = _archive_members(path, source)
            if found and len(found) > len(members or {}):
                members, origin = found, path
            if members and len(members) == len(source.files):
                break
        if not members:
            given = ", ".join(str(p) for p in from_paths) or "nothing"
            raise RecipeError(
                f"{recipe.name}: no --from path holds source {source.name!r} "
                f"({source.url}, commit {source.commit}); given: {given}"
            )
        missing = sorted(set(source.files) - set(members))
        if missing:
            raise RecipeError(
                f"{recipe.name}: {origin} lacks {len(missing)} file(s) of source {source.name!r}, "
                f"e.g. {', '.join(missing[:3])}"
            )
        root = staging / source.name
        for inner, data in sorted(members.items()):
            actual = hashlib.sha256(data).hexdigest()
            if actual != source.files[inner]:
                raise RecipeError(
                    f"{recipe.name}: {inner} from {origin} has sha256 {actual}, "
                    f"the recipe pins {source.files[inner]} (tampered or a different commit)"
                )
            target = root / inner
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        roots[source.name] = root
    return roots
