"""The `kind: train` job file: validation with errors a user can act on."""

from __future__ import annotations

import pytest

from cgym_ray.jobs.loading import JobConfigError, load_job
from cgym_ray.rl.config import TrainJob

from .conftest import SMOKE_CONFIG, smoke_job


def test_smoke_config_loads_as_a_train_job(tmp_path):
    job = smoke_job(tmp_path)
    assert isinstance(job, TrainJob)
    assert job.algorithm.name == "PPO" and job.observation == "autophase_history"
    assert len(job.benchmarks.resolve()) == 4


@pytest.mark.parametrize("name", ["ppo.yaml", "appo.yaml", "ppo-oz.yaml"])
def test_shipped_train_configs_validate(name):
    job = load_job(SMOKE_CONFIG.parent / name)
    assert job.kind == "train" and job.iterations > 0


def test_unknown_algorithm_names_the_field(tmp_path):
    with pytest.raises(JobConfigError, match="algorithm.name"):
        smoke_job(tmp_path, "algorithm.name=SAC")


def test_unknown_action_is_rejected(tmp_path):
    with pytest.raises(JobConfigError, match="unknown actions"):
        smoke_job(tmp_path, "actions=[sroa, no-such-pass]")


def test_resume_from_a_directory_that_is_no_checkpoint(tmp_path):
    with pytest.raises(JobConfigError, match="not a cgym-ray training checkpoint"):
        smoke_job(tmp_path, f"resume={tmp_path}")


def test_minibatch_larger_than_the_batch_is_rejected(tmp_path):
    with pytest.raises(JobConfigError, match="minibatch_size"):
        smoke_job(tmp_path, "algorithm.minibatch_size=1000")


def test_training_actions_leave_out_the_macros_and_attribute_actions_unless_asked(tmp_path):
    passes = smoke_job(tmp_path).action_names
    assert "sroa" in passes and not {"O1", "O2", "O3", "Oz"} & set(passes)
    assert len(passes) == 135  # libllvm-v2's single passes: older configs keep their space
    everything = smoke_job(tmp_path, "macro_actions=true").action_names
    assert set(everything) - set(passes) == {"O1", "O2", "O3", "Oz"}
    marks = smoke_job(tmp_path, "attribute_actions=true").action_names
    assert marks == passes + ["size-attributes", "drop-size-attributes"]
    assert smoke_job(tmp_path, "actions=[sroa, gvn]").action_names == ["sroa", "gvn"]


def test_unknown_start_from_action_is_rejected(tmp_path):
    with pytest.raises(JobConfigError, match="start_from"):
        smoke_job(tmp_path, "start_from=[Oq]")
