"""Source-built, runnable datasets: recipes that pin public C sources and say how to build and run them.

The repository holds recipes, never the programs' code. A recipe (one JSON file
here a dataset) names:

- `sources`: each upstream archive's `url`, pinned `commit`, `archive_root`
  (the archive's top folder), `licence`, and `files`, the sha256 of every
  file the recipe uses (hosts regenerate archive bytes, so files are hashed,
  not the archive);
- `defaults` and `programs`: per program its `source`, `directory`, the C
  `files` compiled (with the suite's flags, `toolchain.BITCODE_FLAGS`, plus
  its `flags`; `{src}` stands for the program's folder) and `llvm-link`ed,
  `link_flags`, `edits` (literal replacements for old C, each with a `why`),
  and `run`: `args`, `inputs` (file name in the run's working directory ->
  `source:path`), `stdin`, `output_files`, `compare` (of exit_status, stdout,
  stderr) and `nondeterministic` (why something is not compared).

`builder.install(recipe, from_paths)` verifies the files, builds each program
on Ray, runs it once for the reference behaviour, and installs the dataset;
`installed.SourceBuiltDataset` serves it. Searches and `validate` check a
program's behaviour through `llvm.semantics.check_behaviour`, which runs it
as its `RunSpec` says and compares what the recipe marks as deterministic.
"""

from __future__ import annotations

from pathlib import Path

from cgym_ray.datasets.recipes.recipe import Recipe, RecipeError, read_recipe

RECIPE_DIR = Path(__file__).parent


def recipe_names() -> list[str]:
    return sorted(path.stem for path in RECIPE_DIR.glob("*.json"))


def load_recipe(name: str) -> Recipe:
    """The recipe called `name`, or read from a path to a recipe file."""
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return read_recipe(path)
    candidate = RECIPE_DIR / f"{name}.json"
    if not candidate.is_file():
        raise RecipeError(f"no source recipe {name!r}; known: {', '.join(recipe_names())}")
    return read_recipe(candidate)


__all__ = ["RECIPE_DIR", "Recipe", "RecipeError", "load_recipe", "read_recipe", "recipe_names"]
