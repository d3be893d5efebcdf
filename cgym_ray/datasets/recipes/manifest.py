"""For maintainers: regenerate a recipe's per-file sha256 manifest from a checkout of its source.

    python -m cgym_ray.datasets.recipes.manifest mibench-src-v0 --from ~/src/mibench \\
        [--source mibench] [--add 'office/ispell/*.[ch]' ...] [--commit SHA] [--check]

`--from` is a checkout at the pinned commit, a folder holding `git archive`
output, or an archive (tar or zip, as the source's URL serves it), with the
files at its top or under the source's `archive_root`. Every file the
source's manifest lists is hashed again, files matching an `--add` pattern
(shell-style, on paths inside the source) join it, and the recipe file is
rewritten in place, checked as `install` would read it. `--commit` re-pins
the source (its commit, URL and archive root) before hashing. `--check`
writes nothing and exits 1 if the manifest would change.

Users never need this: it is how a recipe is written or re-pinned, which is
why it is a module to run rather than a `cgym-ray` subcommand.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cgym_ray.datasets.recipes.recipe import _COMMIT, RecipeError, parse_recipe


class Checkout:
    """The regular files of one source: a folder or a tar/zip archive, maybe wrapped in its root folder.

    Links, devices and paths that leave the folder are left out, as `install`
    refuses them.
    """

    def __init__(self, path: Path, archive_root: str):
        if not path.exists():
            raise RecipeError(f"--from {path}: no such file or folder")
        self.path = path
        self._files: dict[str, bytes] = {}
        self._folder: Path | None = None
        if path.is_dir():
            wrapped = path / archive_root
            self._folder = wrapped if wrapped.is_dir() else path
            self.names = sorted(
                str(p.relative_to(self._folder).as_posix())
                for p in self._folder.rglob("*")
                if p.is_file()
                and not p.is_symlink()
                and ".git" not in p.relative_to(self._folder).parts
            )
        elif tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                members = {m.name: m for m in archive if m.isreg()}
                inner = _unwrapped(list(members), archive_root)
                self._files = {
                    name: archive.extractfile(members[full]).read()  # type: ignore[union-attr]
                    for full, name in inner.items()
                }
            self.names = sorted(self._files)
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = {
                    i.filename: i
                    for i in archive.infolist()
                    if not i.is_dir() and ((i.external_attr >> 16) & 0o170000) in (0, 0o100000)
                }
                inner = _unwrapped(list(members), archive_root)
                self._files = {name: archive.read(members[full]) for full, name in inner.items()}
            self.names = sorted(self._files)
        else:
            raise RecipeError(f"--from {path}: neither a folder nor a tar or zip archive")

    def read(self, name: str) -> bytes:
        if self._folder is not None:
            return (self._folder / name).read_bytes()
        return self._files[name]


def _unwrapped(names: list[str], archive_root: str) -> dict[str, str]:
    """Member name -> path inside the source: below `archive_root` if the archive is wrapped in it."""
    wrapped = any(PurePosixPath(n).parts[:1] == (archive_root,) for n in names)
    inner = {}
    for name in names:
        parts = PurePosixPath(name).parts
        if wrapped:
            if parts[:1] != (archive_root,):
                continue
            parts = parts[1:]
        if parts and not PurePosixPath(name).is_absolute() and ".." not in parts:
            inner[name] = "/".join(parts)
    return inner


@dataclass
class ManifestChange:
    """What regenerating one source's manifest changed."""

    source: str
    files: int = 0
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"source {self.source}: {self.files} files, {len(self.changed)} hash(es) changed, "
            f"{len(self.added)} added"
        ]
        lines += [f"  changed {name}" for name in self.changed]
        lines += [f"  added {name}" for name in self.added]
        return "\n".join(lines)


def repin(source: dict, commit: str) -> None:
    """Point a source at another commit: its `commit`, and the old commit wherever URL and root say it."""
    if not _COMMIT.match(commit):
        raise RecipeError(f"--commit {commit!r}: a pinned commit is 40 hex digits")
    old = source["commit"]
    source["commit"] = commit
    source["url"] = source["url"].replace(old, commit)
    source["archive_root"] = source["archive_root"].replace(old, commit)


def regenerate(
    name: str, source: dict, checkout: Checkout, add: list[str] | tuple[str, ...] = ()
) -> ManifestChange:
    """Rehash the files source `name` lists (and those matching `add`) from `checkout`, in place."""
    change = ManifestChange(name)
    wanted = set(source["files"])
    for pattern in add:
        matched = fnmatch.filter(checkout.names, pattern)
        if not matched:
            raise RecipeError(f"--add {pattern!r} matches no file of {checkout.path}")
        wanted.update(matched)
    missing = sorted(wanted - set(checkout.names))
    if missing:
        raise RecipeError(
            f"{checkout.path} lacks {len(missing)} file(s) the manifest lists, e.g. "
            f"{', '.join(missing[:3])} (another commit, or not the source's checkout?)"
        )
    files = {}
    for name in sorted(wanted):
        files[name] = hashlib.sha256(checkout.read(name)).hexdigest()
        if name not in source["files"]:
            change.added.append(name)
        elif source["files"][name] != files[name]:
            change.changed.append(name)
    source["files"] = files
    change.files = len(files)
    return change


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cgym_ray.datasets.recipes.manifest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("recipe", help="a recipe name (cbench-src-v1) or the path of a recipe file")
    parser.add_argument("--from", dest="checkout", type=Path, required=True, metavar="PATH")
    parser.add_argument("--source", help="which source of the recipe (needed if it has several)")
    parser.add_argument("--add", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--commit", help="re-pin the source to this commit first")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    args = parser.parse_args(argv)
    from cgym_ray.datasets.recipes import RECIPE_DIR

    path = Path(args.recipe)
    if not (path.suffix == ".json" and path.is_file()):
        path = RECIPE_DIR / f"{args.recipe}.json"
    try:
        if not path.is_file():
            raise RecipeError(f"no recipe file {path}")
        data = json.loads(path.read_text())
        sources = data.get("sources", {})
        name = args.source or (next(iter(sources)) if len(sources) == 1 else None)
        if name not in sources:
            raise RecipeError(
                f"{path}: say which source with --source (one of {', '.join(sources)})"
            )
        source = sources[name]
        if args.commit:
            repin(source, args.commit)
        checkout = Checkout(args.checkout, source["archive_root"])
        change = regenerate(name, source, checkout, args.add)
        parse_recipe(data, str(path))  # what install will read: every program's files still listed
    except (RecipeError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.check:  # written before anything is printed: a closed pipe loses no work
        path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"{path.name}: {change.summary()}")
    if args.check:
        return 1 if change.changed or change.added or args.commit else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
