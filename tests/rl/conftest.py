"""Fixtures for the trainer tests: one embedded Ray for the session, small jobs in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgym_ray.jobs.loading import load_job

SMOKE_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "ppo-smoke.yaml"


@pytest.fixture(scope="session")
def ray_cluster():
    import ray

    from cgym_ray.distributed import init_ray

    if ray.is_initialized():
        ray.shutdown()
    init_ray(num_cpus=2)
    yield
    ray.shutdown()


def smoke_job(tmp_path: Path, *overrides: str):
    """configs/ppo-smoke.yaml with its store and output in `tmp_path`, plus overrides."""
    return load_job(
        SMOKE_CONFIG,
        [f"store.path={tmp_path / 'store'}", f"output.dir={tmp_path / 'out'}", *overrides],
    )
