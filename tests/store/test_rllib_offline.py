"""RLlib's offline algorithms read recorded episodes as they are exported: no conversion step."""

from __future__ import annotations

import math

import numpy as np
import pyarrow.parquet as pq
import pytest
import ray
import ray.rllib  # noqa: F401

from .conftest import NUM_ACTIONS, OBSERVATION_LENGTH, record_episode


@pytest.fixture
def offline_file(store, run_id, tmp_path):
    with store.writer(run_id) as writer:
        for seed in range(12):
            record_episode(writer, num_steps=8, seed=seed)
    return store.export_rllib(tmp_path / "offline", run_id=run_id)


@pytest.mark.slow
def test_bc_trains_one_iteration_from_the_exported_transitions(offline_file):
    import gymnasium as gym
    from ray.rllib.algorithms.bc import BCConfig

    assert pq.read_schema(offline_file).names[:3] == ["eps_id", "obs", "actions"]
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        config = (
            BCConfig()
            .environment(
                observation_space=gym.spaces.Box(
                    -np.inf, np.inf, (OBSERVATION_LENGTH,), np.float32
                ),
                action_space=gym.spaces.Discrete(NUM_ACTIONS),
            )
            .offline_data(
                input_=[str(offline_file)],  # RLlib's default column schema: nothing to map
                dataset_num_iters_per_learner=1,
                input_read_method_kwargs={"override_num_blocks": 1},
                # Two CPUs: the pre-learner must not hold the CPUs the file reader needs.
                map_batches_kwargs={"concurrency": 1, "num_cpus": 0},
                iter_batches_kwargs={"prefetch_batches": 1},
            )
            .training(train_batch_size_per_learner=32)
        )
        algorithm = config.build_algo()
        try:
            result = algorithm.train()
        finally:
            algorithm.stop()
    finally:
        ray.shutdown()
    learner = result["learners"]["default_policy"]
    assert learner["num_module_steps_trained"] == 32
    assert math.isfinite(float(learner["policy_loss"]))
