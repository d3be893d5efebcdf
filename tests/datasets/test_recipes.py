"""Source recipes: pinned sources checked file by file, programs built on Ray, run and behaviour-checked.

The tests make their own tiny upstream: a two-file C program that reads an
input file and writes an output file, packed as a GitHub-style archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from cgym_ray.datasets.recipes import RecipeError, load_recipe, recipe_names
from cgym_ray.datasets.recipes.builder import install
from cgym_ray.datasets.recipes.installed import SourceBuiltDataset
from cgym_ray.datasets.recipes.recipe import parse_recipe

COMMIT = "0123456789abcdef0123456789abcdef01234567"
ROOT = f"tiny-{COMMIT}"
FILES = {
    "prog/main.c": b"""#include <stdio.h>
unsigned checksum(const char *path);
int main(int argc, char **argv) {
  unsigned sum = checksum(argv[1]);
  FILE *out = fopen(argv[2], "w");
  fprintf(out, "%u\\n", sum);
  fclose(out);
  printf("sum of %s: %u\\n", argv[1], sum);
  return 0;
}
""",
    "prog/sum.c": b"""#include <stdio.h>
unsigned checksum(const char *path) {
  FILE *in = fopen(path, "rb");
  unsigned sum = 0;
  int c;
  while ((c = fgetc(in)) != EOF) sum = sum * 31 + (unsigned)c;
  fclose(in);
  return sum;
}
""",
    # Same interface, a different answer: an "optimized" build that misbehaves.
    "other/sum.c": b"""#include <stdio.h>
unsigned checksum(const char *path) { return 7; }
""",
    "broken/bad.c": b"int main(void) { return undeclared_variable; }\n",
    "data/input.txt": b"the quick brown fox\n",
}


def _archive(path: Path, files: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{ROOT}/{name}")
            if name in links:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return path


def _recipe(tmp_path: Path, programs: list[dict] | None = None) -> Path:
    run = {
        "args": ["input.txt", "result.txt"],
        "inputs": {"input.txt": "tiny:data/input.txt"},
        "output_files": ["result.txt"],
    }
    data = {
        "name": "tiny-src-v0",
        "version": "0",
        "description": "a test recipe",
        "sources": {
            "tiny": {
                "url": f"https://example.invalid/tiny/archive/{COMMIT}.tar.gz",
                "commit": COMMIT,
                "archive_root": ROOT,
                "licence": "public domain (written for this test)",
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()},
            }
        },
        "programs": programs
        or [
            {"name": "sum", "source": "tiny", "directory": "prog", "files": ["main.c", "sum.c"], "run": run},
            {
                "name": "seven",
                "source": "tiny",
                "directory": ".",
                "files": ["prog/main.c", "other/sum.c"],
                "run": run,
            },
        ],
    }
    path = tmp_path / "tiny-src-v0.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory, ray_session) -> SourceBuiltDataset:
    tmp = tmp_path_factory.mktemp("recipe")
    archive = _archive(tmp / "tiny.tar.gz", FILES)
    folder = install(load_recipe(str(_recipe(tmp))), [archive], root=tmp / "datasets")
    return SourceBuiltDataset(folder)


@pytest.fixture(scope="module")
def ray_session():
    import ray

    from cgym_ray.distributed import init_ray

    init_ray(num_cpus=2)
    yield
    ray.shutdown()


def test_installed_program_runs_on_its_input_and_records_its_output_file(installed):
    entry = installed.entries["sum"]
    assert entry["reference"]["exit_status"] == 0
    assert set(entry["reference"]["output_files_sha256"]) == {"result.txt"}
    assert installed.manifest["sources"]["tiny"]["commit"] == COMMIT
    assert installed.manifest["clang_version"]
    assert (installed.folder / "inputs" / "sum" / "input.txt").read_bytes() == FILES["data/input.txt"]


def test_oz_build_passes_the_behaviour_check_and_a_wrong_program_is_refused(installed):
    from cgym_ray.llvm import semantics
    from cgym_ray.llvm.baselines import reference_actions
    from cgym_ray.llvm.session import CompilerSession

    good, other = installed.benchmark("sum"), installed.benchmark("seven")
    assert good.runnable and good.run_spec.output_files == ("result.txt",)
    with CompilerSession(good.bitcode(), good.uri) as session:
        session.apply(reference_actions("libllvm")["Oz"])
        oz_object = session.measure("object_file")["object_file"]
    assert semantics.check_behaviour(good, oz_object).ok
    with CompilerSession(other.bitcode(), other.uri) as session:
        wrong_object = session.measure("object_file")["object_file"]
    check = semantics.check_behaviour(good, wrong_object)
    assert not check.ok and "differs" in check.reason


def test_a_tampered_file_fails_its_hash_and_installs_nothing(tmp_path, ray_session):
    tampered = dict(FILES, **{"prog/sum.c": FILES["prog/sum.c"] + b"/* changed */\n"})
    archive = _archive(tmp_path / "tiny.tar.gz", tampered)
    with pytest.raises(RecipeError, match=r"prog/sum.c .* sha256"):
        install(load_recipe(str(_recipe(tmp_path))), [archive], root=tmp_path / "datasets")
    assert not any((tmp_path / "datasets").iterdir())


def test_a_link_in_place_of_a_source_file_is_refused(tmp_path, ray_session):
    archive = _archive(tmp_path / "tiny.tar.gz", FILES, links=("prog/sum.c",))
    with pytest.raises(RecipeError, match="link or device"):
        install(load_recipe(str(_recipe(tmp_path))), [archive], root=tmp_path / "datasets")


def test_a_program_that_does_not_build_is_refused_with_the_compiler_message(tmp_path, ray_session):
    recipe = _recipe(tmp_path, [{"name": "bad", "source": "tiny", "directory": "broken", "files": ["bad.c"]}])
    folder = tmp_path / "src"
    for name, data in FILES.items():
        (folder / ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / ROOT / name).write_bytes(data)
    with pytest.raises(RecipeError, match=r"(?s)program bad does not build.*undeclared_variable"):
        install(load_recipe(str(recipe)), [folder], root=tmp_path / "datasets")
    assert not any((tmp_path / "datasets").iterdir())


def test_missing_sources_name_the_url_and_commit(tmp_path):
    with pytest.raises(RecipeError, match=rf"example.invalid.*{COMMIT}"):
        install(load_recipe(str(_recipe(tmp_path))), [tmp_path], root=tmp_path / "datasets")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sources"]["tiny"].update(commit="main"), "40 hex digits"),
        (lambda d: d["programs"][0].update(files=["../escape.c"]), "without '..'"),
        (lambda d: d["programs"][0].update(files=["nothere.c"]), "not in source 'tiny'"),
        (lambda d: d["programs"][0]["run"].update(inputs={"x": "tiny:nothere"}), "no source's manifest"),
        (lambda d: d["programs"][0]["run"].update(compare=["timing"]), "run.compare"),
    ],
)
def test_malformed_recipes_are_refused_naming_the_field(tmp_path, change, message):
    data = json.loads(_recipe(tmp_path).read_text())
    change(data)
    with pytest.raises(RecipeError, match=message):
        parse_recipe(data)


def test_shipped_recipes_parse_and_pin_commits():
    assert "cbench-src-v1" in recipe_names()
    for name in recipe_names():
        recipe = load_recipe(name)
        assert recipe.programs and all(len(s.commit) == 40 for s in recipe.sources.values())
