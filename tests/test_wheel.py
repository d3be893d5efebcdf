"""The built wheel installs into a fresh venv outside the repository and works there.

The venv gets the wheel and its dependencies at the versions in
constraints.txt, from a local wheelhouse (`~/.cache/cgym-ray/wheelhouse`,
filled by `pip download` the first time a wheel is missing), so the test
runs offline once it has run online.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cgym_ray
from cgym_ray.scratch import cache_dir

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, (
        f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT, cwd=out)
    (path,) = out.glob("cgym_ray-*.whl")
    return path


def tracked_data_files() -> list[str]:
    """Every file the package needs besides its Python modules, as its path inside the wheel."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "cgym_ray", "configs"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    paths = [
        p.replace("configs/", "cgym_ray/configs/", 1) if p.startswith("configs/") else p
        for p in listed
    ]
    return [p for p in paths if not p.endswith(".py") and p != "cgym_ray/configs"]


def test_the_wheel_carries_every_data_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [path for path in tracked_data_files() if path not in names]
    assert not missing, f"not in the wheel (add them to package-data in pyproject.toml): {missing}"


def test_the_wheel_carries_the_suite_the_extractor_source_and_the_configs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    bitcode = {
        n for n in names if n.startswith("cgym_ray/datasets/suite/bitcode/") and n.endswith(".bc")
    }
    assert len(bitcode) == 45
    assert "cgym_ray/datasets/suite/splits.json" in names
    assert any(n.startswith("cgym_ray/llvm/native/") and n.endswith(".c") for n in names)
    assert "cgym_ray/configs/quickstart.yaml" in names
    assert "cgym_ray/configs/leaderboard/llvm-ic-suite-v0.yaml" in names
    assert f"cgym_ray-{cgym_ray.__version__}.dist-info/METADATA" in names


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv (no system site-packages) with the wheel installed."""
    home = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", home / "venv", cwd=home)
    pip = [
        home / "venv" / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "-c",
        ROOT / "constraints.txt",
    ]
    wheelhouse = cache_dir() / "wheelhouse"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    # Dependencies only: an older cgym-ray wheel there would stand in for this one's metadata.
    for stale in wheelhouse.glob("cgym_ray-*"):
        stale.unlink()
    offline = [*pip, "--no-index", "--find-links", wheelhouse, wheel]
    if subprocess.run([str(c) for c in offline], cwd=home, capture_output=True).returncode != 0:
        download = [
            "pip",
            "download",
            "-q",
            "-d",
            wheelhouse,
            "-c",
            ROOT / "constraints.txt",
            wheel,
        ]
        run(sys.executable, "-m", *download, cwd=home)
        (wheelhouse / wheel.name).unlink(missing_ok=True)
        run(*offline, cwd=home)
    return home / "venv"


def clean_env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without anything that points into the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["CGYM_CACHE_DIR"] = str(tmp_path / "cache")  # the extractor is built afresh from the wheel
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if str(ROOT) not in p
    )
    return env


STEP_SCRIPT = """
import json, gymnasium as gym, cgym_ray
env = gym.make("llvm-autophase-ic-v0")
obs, info = env.reset(seed=0, options={"benchmark": "benchmark://cgym-suite-v0/crc32"})
obs, reward, terminated, truncated, info = env.step(env.unwrapped.action_space.names.index("sroa"))
print(json.dumps({"features": len(obs), "reward": reward, "terminated": terminated}))
env.close()
"""


def test_the_installed_package_runs_outside_the_repository(venv, tmp_path):
    env = clean_env(tmp_path)
    python = venv / "bin" / "python"
    where = run(python, "-c", "import cgym_ray; print(cgym_ray.__file__)", cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(venv)

    info = run(venv / "bin" / "cgym-ray", "llvm", "info", cwd=tmp_path, env=env)
    assert "23.1" in info

    step = run(python, "-c", STEP_SCRIPT, cwd=tmp_path, env=env)
    result = json.loads(step.splitlines()[-1])
    assert result["features"] == 56 and result["reward"] > 0 and not result["terminated"]


def test_the_installed_package_runs_its_own_quickstart_job(venv, tmp_path):
    env = clean_env(tmp_path)
    summary = tmp_path / "summary.json"
    job = [venv / "bin" / "cgym-ray", "run", "quickstart", "budget.seconds=1", "--quiet"]
    job += ["--summary-json", summary]
    first = subprocess.run(
        [str(c) for c in job], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800
    )
    # Ray gives its raylet a fixed 30 s to register; on an overloaded machine it can
    # miss that before the job starts. That is Ray's start-up, not the package: once more.
    if first.returncode != 0 and "timed out during startup" in first.stderr:
        run(*job, cwd=tmp_path, env=env)
    else:
        assert first.returncode == 0, first.stderr[-3000:]
    result = json.loads(summary.read_text())
    assert result["errors"] == 0, result
    assert (tmp_path / "store").is_dir()
