"""Measure the source-built datasets: size, instruction totals, build time on 1 and 2 Ray CPUs, Oz behaviour.

    scripts/bench source_datasets --from cbench-src-v1=DIR --from chstone-src-v0=DIR ... \\
        [--out results/datasets.md]

DIR holds each of the recipe's sources as an archive or folder (`cgym-ray
datasets install NAME --from DIR`). For each dataset:

- it is installed twice into scratch directories, in a fresh process with
  embedded Ray on 1 and then 2 CPUs; the build time is the recipe's own
  (`recipe-build.json`: sources gathered, every program compiled, linked and
  run once; Ray's start-up is not counted);
- O0, Oz and O3 instruction totals come from `llvm.baselines.reference_counts`;
- each program's unoptimized build is run again and compared with its
  reference (does it run, is what the recipe compares deterministic?), then
  its Oz build is run and compared (does it validate at Oz?), through
  `llvm.semantics.check_behaviour`, the path searches and `validate` use.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def install_in_fresh_process(name: str, source: Path, root: Path, num_cpus: int) -> dict:
    """Install into `root` from a new process with Ray on `num_cpus` CPUs; the recipe's build facts."""
    code = (
        "import sys; from cgym_ray.distributed import init_ray; from cgym_ray.datasets import install; "
        f"init_ray(num_cpus={num_cpus}); install({name!r}, source={str(source)!r}, progress=False)"
    )
    env = dict(os.environ, CGYM_DATASETS_DIR=str(root))
    for attempt in range(5):  # on a loaded machine Ray's start-up can time out
        load_before = os.getloadavg()[0]
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if done.returncode == 0:
            facts = json.loads((root / name / "recipe-build.json").read_text())
            facts["load"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            return facts
        print(
            f"install of {name} failed (attempt {attempt + 1}): {done.stderr.strip()[-500:]}",
            file=sys.stderr,
        )
        time.sleep(20)
    raise RuntimeError(f"could not install {name} from {source}")


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_programs(name: str) -> dict:
    """Instruction totals and the O0-rerun and Oz behaviour checks of every program."""
    from cgym_ray.datasets import get_dataset
    from cgym_ray.llvm import semantics
    from cgym_ray.llvm.baselines import reference_actions, reference_counts
    from cgym_ray.llvm.session import CompilerSession

    dataset = get_dataset(name)
    oz = reference_actions("libllvm")["Oz"]
    totals = {"O0": 0, "Oz": 0, "O3": 0}
    runs, deterministic, validates, failures = 0, 0, 0, []
    for program in dataset.benchmark_names():
        benchmark = dataset.benchmark(program)
        counts = reference_counts(benchmark.bitcode(), benchmark.uri)
        for level in totals:
            totals[level] += counts[level]
        with CompilerSession(benchmark.bitcode(), benchmark.uri) as session:
            o0_object = session.measure("object_file")["object_file"]
            session.apply(oz)
            oz_object = session.measure("object_file")["object_file"]
        rerun = semantics.check_behaviour(benchmark, o0_object)
        runs += not rerun.reference.timed_out
        deterministic += rerun.ok
        check = semantics.check_behaviour(benchmark, oz_object)
        validates += check.ok
        if not check.ok:
            failures.append(f"{program}: {check.reason}")
    return {
        "programs": dataset.size,
        "totals": totals,
        "runs": runs,
        "deterministic": deterministic,
        "validates_at_oz": validates,
        "failures": failures,
        "nondeterministic": {
            p: dataset.metadata(p)["run"]["nondeterministic"]
            for p in dataset.benchmark_names()
            if dataset.metadata(p)["run"]["nondeterministic"]
        },
    }


def measure(name: str, source: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="cgym-bench-datasets-") as scratch:
        one = install_in_fresh_process(name, source, Path(scratch) / "cpu1", 1)
        two = install_in_fresh_process(name, source, Path(scratch) / "cpu2", 2)
        installed = Path(scratch) / "cpu2" / name
        os.environ["CGYM_DATASETS_DIR"] = str(Path(scratch) / "cpu2")
        row = check_programs(name)
        row.update(
            dataset=name,
            install_bytes=directory_bytes(installed),
            build_s_1cpu=one["build_walltime_s"],
            build_s_2cpu=two["build_walltime_s"],
            load_1cpu=one["load"],  # 1-minute load average before and after each install
            load_2cpu=two["load"],
            clang_version=two["clang_version"],
            sources=two["sources"],
        )
    return row


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024**2:.1f} MiB" if n_bytes >= 1024**2 else f"{n_bytes / 1024:.0f} KiB"


def _load(row: dict, key: str) -> str:
    """The 1-minute load average before and after an install, as `a-b`."""
    if key not in row:
        return "?"
    low, high = sorted(row[key])
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}-{high:.0f}"


def render(rows: list[dict], command: str) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout
    load = os.getloadavg()
    lines = [
        "# Source-built datasets",
        "",
        f"Measured {datetime.date.today().isoformat()} at commit {commit.strip()} with `{command}`, on the "
        f"shared 2-core machine (load average {load[0]:.1f} at the end, other sessions running: build times "
        "are upper bounds). Clang " + (rows[0]["clang_version"] if rows else "?") + ".",
        "",
        "Each dataset was installed from its pinned sources (every file's sha256 checked), every program "
        "compiled with the suite's flags (`-O1 -Xclang -disable-llvm-passes -ffp-contract=off`, then "
        "`llvm-link`) as one Ray task, linked, and run on its inputs. *Runs* counts programs whose "
        "unoptimized build finishes; *deterministic* those whose compared behaviour is the same on a "
        "second run; *validates at Oz* those whose Oz build passes the behaviour check that searches and "
        "`validate` apply.",
        "",
        "| dataset | programs | O0 instructions | Oz | O3 | install size | build, 1 CPU (load) "
        "| build, 2 CPUs (load) | runs | deterministic | validates at Oz |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        t = row["totals"]
        lines.append(
            f"| {row['dataset']} | {row['programs']} | {t['O0']:,} | {t['Oz']:,} | {t['O3']:,} "
            f"| {_size(row['install_bytes'])} | {row['build_s_1cpu']:.0f} s ({_load(row, 'load_1cpu')}) "
            f"| {row['build_s_2cpu']:.0f} s ({_load(row, 'load_2cpu')}) "
            f"| {row['runs']} | {row['deterministic']} | {row['validates_at_oz']} |"
        )
    lines += ["", "## Sources and what is not compared", ""]
    for row in rows:
        pins = "; ".join(f"{s['url']}" for s in row["sources"].values())
        lines.append(f"- **{row['dataset']}**: {pins}.")
        for program, why in row["nondeterministic"].items():
            lines.append(f"  - {program}: {why}.")
        for failure in row["failures"]:
            lines.append(f"  - fails at Oz: {failure}.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--from", dest="sources", action="append", required=True, metavar="NAME=DIR"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    parser.add_argument(
        "--rows",
        type=Path,
        default=None,
        help="keep measured rows in this JSON file (re-measured datasets replace theirs)",
    )
    args = parser.parse_args()
    kept = json.loads(args.rows.read_text()) if args.rows and args.rows.exists() else []
    rows = []
    for spec in args.sources:
        name, _, folder = spec.partition("=")
        started = time.perf_counter()
        row = measure(name, Path(folder))
        print(f"{name}: {json.dumps(row)} ({time.perf_counter() - started:.0f} s)", flush=True)
        rows = [r for r in rows if r["dataset"] != name] + [row]
        kept = [r for r in kept if r["dataset"] != name]
        if args.rows:  # after each dataset: a later failure loses nothing measured
            args.rows.write_text(json.dumps(kept + rows, indent=1))
    rows = kept + rows
    report = render(rows, "scripts/bench source_datasets " + " ".join(sys.argv[1:]))
    if args.out:
        args.out.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
