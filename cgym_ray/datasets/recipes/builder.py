"""Build a source-built dataset: verify the sources, build every program on Ray, run it, install.

    python -m cgym_ray.datasets.recipes.builder cbench-src-v1 --from ctuning-programs.tar.gz \\
        --from ctuning-datasets-min.tar.gz --num-cpus 2

Each program is compiled as the suite is (`toolchain.BITCODE_FLAGS` per file,
then `llvm-link`), one Ray task a program; the task then links the bitcode
with clang, runs it on its inputs and records the reference behaviour. A
program that does not build, or whose unoptimized build does not finish,
refuses the whole install with the compiler's message. The dataset is
assembled in a staging folder beside its final place and renamed into place
only when complete, so nothing half-built is ever installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from cgym_ray.datasets.recipes.installed import INSTALL_MANIFEST, datasets_root
from cgym_ray.datasets.recipes.recipe import ProgramRecipe, Recipe, RecipeError
from cgym_ray.datasets.recipes.sources import gather_sources
from cgym_ray.datasets.toolchain import (
    BITCODE_FLAGS,
    RunSpec,
    clang,
    clang_version,
    compile_c_to_bitcode,
    run_program,
)
from cgym_ray.errors import ToolchainError

REFERENCE_TIMEOUT_S = 120.0


def apply_edits(program: ProgramRecipe, folder: Path) -> None:
    """Apply a program's literal edits to its staged copy; an edit that no longer matches is refused."""
    for edit in program.edits:
        path = folder / edit.file
        text = path.read_text(errors="surrogateescape")
        if edit.replace not in text:
            raise RecipeError(f"{program.name}: edit of {edit.file} does not apply: {edit.replace!r} not found")
        path.write_text(text.replace(edit.replace, edit.with_), errors="surrogateescape")


def stage_inputs(program: ProgramRecipe, roots: dict[str, Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for local, origin in program.run.inputs.items():
        source, _, path = origin.partition(":")
        shutil.copyfile(roots[source] / path, folder / local)
    return folder


def run_spec(program: ProgramRecipe, input_dir: Path | None) -> RunSpec:
    run = program.run
    return RunSpec(
        args=run.args,
        stdin=run.stdin,
        input_dir=input_dir if run.inputs else None,
        output_files=run.output_files,
        compare_exit_status=run.compare_exit_status,
        compare_stdout=run.compare_stdout,
        compare_stderr=run.compare_stderr,
    )


def build_program(program: ProgramRecipe, source_root: Path, input_dir: Path, bitcode_path: Path) -> dict:
    """Compile, link, run once; the install manifest's entry for this program."""
    started = time.perf_counter()
    folder = source_root / program.directory
    flags = tuple(flag.replace("{src}", str(folder)) for flag in program.flags)
    try:
        compile_c_to_bitcode([folder / f for f in program.files], bitcode_path, extra_flags=flags)
    except ToolchainError as error:
        raise RecipeError(f"program {program.name} does not build: {error}") from None
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="cgym-recipe-") as scratch:
        executable = Path(scratch) / program.name
        link = subprocess.run(
            [clang(), str(bitcode_path), *program.link_flags, "-o", str(executable)], capture_output=True, text=True
        )
        if link.returncode != 0:
            raise RecipeError(f"program {program.name} does not link: {link.stderr.strip()[-2000:]}")
        run = run_program(executable, REFERENCE_TIMEOUT_S, run_spec(program, input_dir))
    if run.timed_out:
        raise RecipeError(f"program {program.name} did not finish within {REFERENCE_TIMEOUT_S:g} s")
    missing = [name for name, data in run.output_files.items() if data is None]
    if missing:
        raise RecipeError(f"program {program.name} did not write its output file(s) {missing}")
    bitcode = bitcode_path.read_bytes()
    return {
        "name": program.name,
        "bitcode_sha256": hashlib.sha256(bitcode).hexdigest(),
        "bitcode_bytes": len(bitcode),
        "link_flags": list(program.link_flags),
        "run": asdict(program.run),
        "reference": {
            "exit_status": run.returncode,
            "stdout_sha256": hashlib.sha256(run.stdout).hexdigest(),
            "output_files_sha256": {n: hashlib.sha256(d or b"").hexdigest() for n, d in run.output_files.items()},
            "runtime_s": round(run.walltime_s, 4),
        },
        "build_s": round(build_s, 3),
    }


def _build_all(recipe: Recipe, roots: dict[str, Path], staging: Path, num_cpus: int | None) -> list[dict]:
    """One Ray task a program, on embedded Ray (127.0.0.1) unless Ray is already up."""
    import ray

    remote = ray.remote(num_cpus=1, max_retries=0)(build_program)
    futures = {}
    for program in recipe.programs:
        apply_edits(program, roots[program.source] / program.directory)
        inputs = stage_inputs(program, roots, staging / "inputs" / program.name)
        bitcode = staging / "bitcode" / f"{program.name}.bc"
        futures[program.name] = remote.remote(program, roots[program.source], inputs, bitcode)
    entries, failures = [], []
    for name, future in futures.items():
        try:
            entries.append(ray.get(future))
            print(f"built {recipe.name}/{name}", file=sys.stderr)
        except Exception as error:  # a RayTaskError wraps the RecipeError raised in the task
            cause = getattr(error, "cause", None) or error
            failures.append(str(cause) if isinstance(cause, RecipeError) else f"program {name}: {cause}")
    if failures:
        raise RecipeError(f"{recipe.name}: {len(failures)} program(s) failed; nothing installed:\n" + "\n".join(failures))
    return entries


def install(
    recipe: Recipe,
    from_paths: list[Path],
    root: Path | None = None,
    num_cpus: int | None = None,
    replace: bool = False,
) -> Path:
    """Build and install `recipe` from local archives or folders; the installed folder."""
    root = root or datasets_root()
    final = root / recipe.name
    if final.exists() and not replace:
        raise RecipeError(f"{recipe.name} is already installed at {final}; remove it first")
    root.mkdir(parents=True, exist_ok=True)
    from cgym_ray.distributed import init_ray

    init_ray(num_cpus=num_cpus)  # embedded Ray on 127.0.0.1 unless Ray is already up; not timed
    staging = Path(tempfile.mkdtemp(prefix=f".{recipe.name}.staging-", dir=root))
    sources = Path(tempfile.mkdtemp(prefix="cgym-recipe-sources-"))
    started = time.perf_counter()
    try:
        roots = gather_sources(recipe, from_paths, sources)
        entries = _build_all(recipe, roots, staging, num_cpus)
        manifest = {
            "dataset": recipe.name,
            "version": recipe.version,
            "description": recipe.description,
            "homepage": recipe.homepage,
            "sources": {s.name: {"url": s.url, "commit": s.commit, "licence": s.licence} for s in recipe.sources.values()},
            "clang_version": clang_version(),
            "flags": list(BITCODE_FLAGS),
            "build_walltime_s": round(time.perf_counter() - started, 2),
            "benchmarks": entries,
        }
        (staging / INSTALL_MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        if final.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{recipe.name}.old-", dir=root))
            os.replace(final, trash / "old")
            shutil.rmtree(trash)
        os.replace(staging, final)
    finally:
        shutil.rmtree(sources, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    return final


def main(argv: list[str] | None = None) -> int:
    from cgym_ray.datasets.recipes import load_recipe

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="a recipe name (cbench-src-v1, chstone-src-v0, ...) or a recipe file")
    parser.add_argument("--from", dest="from_paths", action="append", type=Path, required=True)
    parser.add_argument("--num-cpus", type=int, default=None)
    parser.add_argument("--root", type=Path, default=None, help="install under this folder")
    parser.add_argument("--replace", action="store_true", help="replace an installed copy")
    args = parser.parse_args(argv)
    try:
        path = install(load_recipe(args.name), args.from_paths, args.root, args.num_cpus, args.replace)
    except RecipeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"installed {args.name} at {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
