"""A YAML job on `<dataset>:<split>` installs the dataset on first use; Ray workers read it."""

from __future__ import annotations

import textwrap

import pytest

pytestmark = pytest.mark.slow  # Ray


def test_a_search_job_on_a_missing_dataset_installs_it_and_runs(
    served_bitcode_dataset, datasets_root, tmp_path, capsys
):
    from cgym_ray.datasets import get_dataset
    from cgym_ray.jobs.loading import load_job
    from cgym_ray.jobs.runner import run_job

    job = tmp_path / "job.yaml"
    job.write_text(
        textwrap.dedent(f"""\
        kind: search
        name: on-a-dataset
        env: {{id: llvm-ic-v0}}
        benchmarks:
          datasets: [served-test-v0:train, served-test-v0:test]
        agents: [{{name: random, params: {{patience: 5}}}}]
        budget: {{steps: 20}}
        ray: {{num_cpus: 2}}
        store: {{path: {tmp_path / "store"}}}
        output: {{dir: {tmp_path / "out"}}}
        """)
    )
    config = load_job(job)
    assert not (datasets_root / "served-test-v0").exists()  # loading the job installs nothing
    import ray

    try:
        summary = run_job(config, progress=False)
    finally:
        ray.shutdown()
    assert "downloading served-test-v0 [" in capsys.readouterr().err
    assert summary.errors == 0
    dataset = get_dataset("served-test-v0")
    expected = dataset.benchmark_names("train") + dataset.benchmark_names("test")
    assert sorted(summary.benchmarks) == sorted(
        f"benchmark://served-test-v0/{name}" for name in expected
    )
