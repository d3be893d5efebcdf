"""`datasets import NAME --compile-commands`: a generated C project, built on embedded Ray."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cgym_ray.datasets import DatasetError, get_benchmark, get_dataset
from cgym_ray.datasets.compile_commands import (
    bitcode_flags,
    import_compile_commands,
    read_compile_commands,
)

HEADER = "#ifndef SCALE\n#error SCALE must be defined by the build\n#endif\nint helper_%d(int x);\n"
UNIT = """#include "project.h"
int helper_%d(int x) {
    int total = 0;
    for (int i = 0; i < x; i++) total += (i * SCALE) ^ %d;
    return total;
}
"""


def make_project(root: Path, units: int = 4, broken: bool = True) -> Path:
    """A C project with an include dir, a macro from the build, a C++ file and (optionally) a broken file."""
    (root / "include").mkdir(parents=True)
    (root / "src" / "lib").mkdir(parents=True)
    (root / "build").mkdir()
    (root / "include" / "project.h").write_text(
        "".join(HEADER % i for i in range(units)).replace(
            "#ifndef SCALE\n#error SCALE must be defined by the build\n#endif\n", "", units - 1
        )
    )
    entries = []
    for i in range(units):
        path = root / "src" / ("lib" if i % 2 else "") / f"unit{i}.c"
        path.write_text(UNIT % (i, i))
        entries.append(
            {
                "directory": str(root / "build"),
                "file": str(path),
                "arguments": [
                    "cc",
                    "-I../include",
                    "-DSCALE=3",
                    "-O2",
                    "-g",
                    "-o",
                    f"unit{i}.o",
                    "-c",
                    str(path),
                ],
            }
        )
    (root / "src" / "main.cpp").write_text(
        "#include <vector>\nint main() { std::vector<int> v(3, 1); return v[0] - 1; }\n"
    )
    entries.append(
        {
            "directory": str(root / "build"),
            "file": "../src/main.cpp",
            "command": "c++ -std=c++17 -O2 -c ../src/main.cpp -o main.o",
        }
    )
    if broken:
        (root / "src" / "broken.c").write_text("int broken(void) { return missing_variable; }\n")
        entries.append(
            {
                "directory": str(root / "build"),
                "file": "../src/broken.c",
                "command": "cc -c ../src/broken.c",
            }
        )
    path = root / "build" / "compile_commands.json"
    path.write_text(json.dumps(entries, indent=1))
    return path


def test_flags_that_change_meaning_are_kept_and_the_rest_dropped():
    args = [
        "gcc",
        "-I",
        "inc",
        "-Iother",
        "-DX=1",
        "-UY",
        "-std=c11",
        "-O3",
        "-g",
        "-Wall",
        "-MD",
        "-MF",
        "x.d",
        "-o",
        "x.o",
        "-c",
        "x.c",
        "-fno-strict-aliasing",
        "-fprofile-arcs",
        "-include",
        "config.h",
    ]
    assert bitcode_flags(args) == (
        "-I",
        "inc",
        "-Iother",
        "-DX=1",
        "-UY",
        "-std=c11",
        "-fno-strict-aliasing",
        "-include",
        "config.h",
    )


def test_a_missing_file_is_refused_naming_the_entry(tmp_path, datasets_root):
    path = make_project(tmp_path / "p", broken=False)
    entries = json.loads(path.read_text())
    entries.append({"directory": str(tmp_path), "file": "gone.c", "command": "cc -c gone.c"})
    path.write_text(json.dumps(entries))
    with pytest.raises(
        DatasetError, match=rf"entry 5: {tmp_path}/gone.c: no such file; nothing was imported"
    ):
        read_compile_commands(path)


def test_a_file_that_is_not_c_is_refused_naming_the_entry(tmp_path, datasets_root):
    path = make_project(tmp_path / "p", broken=False)
    entries = json.loads(path.read_text())
    (tmp_path / "lib.rs").write_text("fn main() {}\n")
    entries.insert(1, {"directory": str(tmp_path), "file": "lib.rs", "command": "rustc lib.rs"})
    path.write_text(json.dumps(entries))
    with pytest.raises(DatasetError, match=r"entry 1: .*lib.rs is not a C or C\+\+ file"):
        read_compile_commands(path)


def test_malformed_files_are_refused(tmp_path):
    bad = tmp_path / "compile_commands.json"
    bad.write_text("{not json")
    with pytest.raises(DatasetError, match="not valid JSON"):
        read_compile_commands(bad)
    bad.write_text(json.dumps([{"directory": "/", "file": "/x.c"}]))
    (tmp_path / "x.c").write_text("")
    bad.write_text(json.dumps([{"directory": str(tmp_path), "file": "x.c"}]))
    with pytest.raises(DatasetError, match="entry 0: has neither 'arguments'"):
        read_compile_commands(bad)


@pytest.fixture(scope="module")
def ray_2_cpus():
    import ray

    from cgym_ray.distributed import init_ray

    init_ray(num_cpus=2)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_import_builds_one_benchmark_per_unit_and_records_failures(
    tmp_path, datasets_root, ray_2_cpus
):
    path = make_project(tmp_path / "p")
    report = import_compile_commands("myproject-v0", path, progress=False)
    assert sorted(report.built) == ["lib/unit1.c", "lib/unit3.c", "main.cpp", "unit0.c", "unit2.c"]
    assert list(report.failed) == ["broken.c"] and "missing_variable" in report.failed["broken.c"]
    dataset = get_dataset("myproject-v0")
    assert dataset.installed and dataset.size == 5
    assert sum(len(dataset.benchmark_names(s)) for s in ("train", "validation", "test")) == 5
    bitcode = get_benchmark("benchmark://myproject-v0/lib/unit3.c").bitcode()
    assert bitcode.startswith(b"BC\xc0\xde")
    failures = json.loads((dataset.directory / "failures.json").read_text())
    assert "missing_variable" in failures["broken.c"]
    assert not (datasets_root / ".imports" / "myproject-v0").exists()
    with pytest.raises(DatasetError, match="myproject-v0 is already installed"):
        import_compile_commands("myproject-v0", path, progress=False)


@pytest.mark.slow
def test_an_env_steps_on_an_imported_benchmark(tmp_path, datasets_root, ray_2_cpus):
    import gymnasium as gym

    path = make_project(tmp_path / "p", broken=False)
    import_compile_commands("envproject-v0", path, progress=False)
    env = gym.make("llvm-ic-v0", benchmark="benchmark://envproject-v0/unit0.c")
    try:
        env.reset()
        _, reward, terminated, _, _ = env.step(env.unwrapped.action_space.names.index("mem2reg"))
        assert not terminated
    finally:
        env.close()


@pytest.mark.slow
def test_nothing_built_means_nothing_installed(tmp_path, datasets_root, ray_2_cpus):
    (tmp_path / "a.c").write_text("int a( { }\n")
    (tmp_path / "b.c").write_text("#include <no_such_header.h>\n")
    path = tmp_path / "compile_commands.json"
    path.write_text(
        json.dumps(
            [
                {"directory": str(tmp_path), "file": f, "command": f"cc -c {f}"}
                for f in ("a.c", "b.c")
            ]
        )
    )
    with pytest.raises(
        DatasetError, match="none of the 2 files compiled, so nothing was installed; a.c: .*error"
    ):
        import_compile_commands("allbroken-v0", path, progress=False)
    assert not (datasets_root / "allbroken-v0").exists()


@pytest.mark.slow
def test_an_interrupted_import_resumes(tmp_path, datasets_root):
    """kill -9 the CLI once some units are built; the second run builds only the rest."""
    path = make_project(tmp_path / "p", units=24, broken=False)
    command = [
        sys.executable,
        "-m",
        "cgym_ray",
        "datasets",
        "import",
        "big-v0",
        "--compile-commands",
        str(path),
        "--num-cpus",
        "1",
    ]
    env = {**os.environ, "CGYM_DATASETS_DIR": str(datasets_root)}
    first = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    work = datasets_root / ".imports" / "big-v0"
    while first.poll() is None and len(list(work.glob("*.bc"))) < 2:
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)  # the CLI and the embedded Ray it started
    first.wait()
    built_before = len(list(work.glob("*.bc")))
    assert 2 <= built_before < 25 and not (datasets_root / "big-v0").exists()
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    resumed = int(second.stdout.split("(")[1].split(" done by")[0])
    assert resumed >= built_before
    assert "big-v0: 25 benchmarks, 0 files failed" in second.stdout
    assert get_dataset("big-v0").size == 25
