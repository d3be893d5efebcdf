"""The maintainers' command that regenerates a recipe's per-file sha256 manifest from a checkout."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from cgym_ray.datasets.recipes.manifest import main
from cgym_ray.datasets.recipes.recipe import read_recipe
from cgym_ray.datasets.recipes.sources import gather_sources

OLD = "1111111111111111111111111111111111111111"
NEW = "2222222222222222222222222222222222222222"
FILES = {
    "prog/main.c": b"int helper(void);\nint main(void) { return helper(); }\n",
    "prog/helper.c": b"int helper(void) { return 0; }\n",
    "prog/helper.h": b"int helper(void);\n",
    "data/in.txt": b"input\n",
}


def _archive(path: Path, root: str, files: dict[str, bytes], link: str = "") -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{root}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(f"{root}/{link}")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(info)
    return path


def _recipe(path: Path, files: dict[str, str]) -> Path:
    path.write_text(
        json.dumps(
            {
                "name": "tiny-src-v0",
                "version": "0",
                "description": "a test recipe",
                "sources": {
                    "tiny": {
                        "url": f"https://example.invalid/tiny/archive/{OLD}.tar.gz",
                        "commit": OLD,
                        "archive_root": f"tiny-{OLD}",
                        "licence": "public domain (written for this test)",
                        "files": files,
                    }
                },
                "programs": [
                    {
                        "name": "prog",
                        "source": "tiny",
                        "directory": "prog",
                        "files": ["main.c", "helper.c"],
                    }
                ],
            },
            indent=1,
        )
        + "\n"
    )
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_stale_manifest_is_rehashed_and_then_installs(tmp_path, capsys):
    stale = {"prog/main.c": "0" * 64, "prog/helper.c": _sha(FILES["prog/helper.c"])}
    recipe = _recipe(tmp_path / "tiny-src-v0.json", stale)
    archive = _archive(tmp_path / "tiny.tar.gz", f"tiny-{OLD}", FILES)

    assert main([str(recipe), "--from", str(archive), "--check"]) == 1
    assert (
        json.loads(recipe.read_text())["sources"]["tiny"]["files"] == stale
    )  # --check writes nothing
    assert main([str(recipe), "--from", str(archive)]) == 0
    assert "changed prog/main.c" in capsys.readouterr().out

    files = json.loads(recipe.read_text())["sources"]["tiny"]["files"]
    assert files == {name: _sha(FILES[name]) for name in ("prog/main.c", "prog/helper.c")}
    roots = gather_sources(read_recipe(recipe), [archive], tmp_path / "staged")  # hashes check out
    assert (roots["tiny"] / "prog/main.c").read_bytes() == FILES["prog/main.c"]
    assert main([str(recipe), "--from", str(archive), "--check"]) == 0


def test_add_takes_matching_files_from_a_folder_and_commit_repins(tmp_path, capsys):
    recipe = _recipe(
        tmp_path / "r.json", {n: _sha(FILES[n]) for n in ("prog/main.c", "prog/helper.c")}
    )
    checkout = tmp_path / "checkout"
    for name, data in FILES.items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_bytes(data)
    (checkout / "prog/link.h").symlink_to("/etc/passwd")  # never hashed: install refuses links

    argv = [str(recipe), "--from", str(checkout), "--add", "prog/*.h", "--add", "data/*"]
    assert main([*argv, "--commit", NEW]) == 0
    source = json.loads(recipe.read_text())["sources"]["tiny"]
    assert (
        source["commit"] == NEW and NEW in source["url"] and source["archive_root"] == f"tiny-{NEW}"
    )
    assert set(source["files"]) == set(FILES)
    assert "added prog/helper.h" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--add", "nothing/*"], "--add 'nothing/\\*' matches no file"),
        (["--commit", "abc"], "40 hex digits"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(tmp_path, capsys, argv, expected):
    recipe = _recipe(tmp_path / "r.json", {"prog/main.c": "0" * 64, "prog/helper.c": "0" * 64})
    before = recipe.read_text()
    archive = _archive(tmp_path / "tiny.tar.gz", f"tiny-{OLD}", FILES)
    assert main([str(recipe), "--from", str(archive), *argv]) == 2
    assert recipe.read_text() == before
    assert re.search(expected, capsys.readouterr().err)


def test_a_checkout_that_lacks_a_listed_file_is_refused_naming_it(tmp_path, capsys):
    recipe = _recipe(tmp_path / "r.json", {"prog/main.c": "0" * 64, "prog/helper.c": "0" * 64})
    partial = {n: d for n, d in FILES.items() if n != "prog/helper.c"}
    archive = _archive(tmp_path / "tiny.tar.gz", f"tiny-{OLD}", partial, link="prog/helper.c")
    assert main([str(recipe), "--from", str(archive)]) == 2
    assert "lacks 1 file(s) the manifest lists, e.g. prog/helper.c" in capsys.readouterr().err


def test_a_recipe_in_the_package_folder_is_hashed_before_the_catalogue_reads_it(
    tmp_path, monkeypatch
):
    """The catalogue reads the recipes folder when first asked, not on import, so the
    manifest command can hash a new recipe written there, listing unhashed files."""
    import cgym_ray.datasets.recipes as recipes

    monkeypatch.setattr(recipes, "RECIPE_DIR", tmp_path)
    recipes._entries.cache_clear()
    _recipe(tmp_path / "tiny-src-v0.json", {"prog/main.c": "", "prog/helper.c": ""})
    archive = _archive(tmp_path / "tiny.tar.gz", f"tiny-{OLD}", FILES)
    try:
        with pytest.raises(Exception, match="tiny-src-v0"):
            recipes.ENTRIES  # noqa: B018 - the catalogue refuses the unhashed recipe
        assert main(["tiny-src-v0", "--from", str(archive)]) == 0
        recipes._entries.cache_clear()
        assert [entry.name for entry in recipes.ENTRIES] == ["tiny-src-v0"]
    finally:
        recipes._entries.cache_clear()


def test_a_folder_of_checkouts_gives_each_source_the_one_holding_all_its_files(tmp_path):
    # Another project's checkout may hold the source's first file too (a README, a Makefile):
    # the checkout holding all of them is taken, wherever it sorts.
    recipe = _recipe(
        tmp_path / "r.json", {n: _sha(FILES[n]) for n in ("prog/main.c", "prog/helper.c")}
    )
    sources = tmp_path / "sources"
    for folder, files in (
        ("a-other", {"prog/main.c": FILES["prog/main.c"], "other.c": b"int x;\n"}),
        ("b-tiny", FILES),
    ):
        for name, data in files.items():
            (sources / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (sources / folder / name).write_bytes(data)
    roots = gather_sources(read_recipe(recipe), [sources], tmp_path / "staged")
    assert (roots["tiny"] / "prog/helper.c").read_bytes() == FILES["prog/helper.c"]
