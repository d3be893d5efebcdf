"""A `TrainJob` -> an RLlib `AlgorithmConfig` (new API stack): PPO or APPO.

Fault tolerance is on in every config: a compiler error inside an env ends
its episode (see `envs.CompilerErrorPolicy`), or with `on_compiler_error:
recreate` raises `StepFailedRecreateEnvError`, which RLlib answers by
rebuilding that env (`restart_failed_sub_environments`); an env runner process
that dies anyway is restarted (`restart_failed_env_runners`).
"""

from __future__ import annotations

from typing import Any

from cgym_ray.rl.config import TrainJob
from cgym_ray.rl.envs import register_rl_env


def env_config(
    job: TrainJob, benchmarks: list[str], record: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The plain dict every env runner builds its env from (`envs.make_rl_env`)."""
    return {
        "env_id": job.env.id,
        "env_kwargs": dict(job.env.kwargs),
        "benchmarks": list(benchmarks),
        "observation": job.observation,
        "episode_length": job.episode_length,
        "terminal_action": job.terminal_action,
        "actions": job.action_names,
        "start_from": list(job.start_from),
        "on_compiler_error": job.on_compiler_error,
        "record": record,
        "fault_injection": job.fault_injection.model_dump() if job.fault_injection else None,
    }


def algorithm_config(
    job: TrainJob, train_env_config: dict[str, Any], eval_env_config: dict[str, Any] | None = None
) -> Any:
    """The RLlib config for the job; `.build_algo()` makes the algorithm (Ray must be running)."""
    from ray.rllib.algorithms.appo import APPOConfig
    from ray.rllib.algorithms.ppo import PPOConfig
    from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig

    algorithm = job.algorithm
    runners = job.env_runners
    config = {"PPO": PPOConfig, "APPO": APPOConfig}[algorithm.name]()
    config = (
        config.environment(
            register_rl_env(), env_config=train_env_config, disable_env_checking=True
        )
        .env_runners(
            num_env_runners=runners.num_env_runners,
            num_envs_per_env_runner=runners.num_envs_per_env_runner,
            rollout_fragment_length=runners.rollout_fragment_length,
            sample_timeout_s=runners.sample_timeout_s,
            num_cpus_per_env_runner=1,
        )
        .training(
            lr=algorithm.lr,
            gamma=algorithm.gamma,
            train_batch_size_per_learner=algorithm.train_batch_size,
            minibatch_size=algorithm.minibatch_size,
            num_epochs=algorithm.num_epochs,
            entropy_coeff=algorithm.entropy_coeff,
            **algorithm.options,
        )
        .fault_tolerance(
            restart_failed_env_runners=True,
            restart_failed_sub_environments=True,
            max_num_env_runner_restarts=runners.max_env_runner_restarts,
            delay_between_env_runner_restarts_s=1.0,
        )
        .debugging(seed=job.seed, log_level="WARN")
    )
    if job.observation == "programl_graph":  # a GNN: width hidden[0], len(hidden) layers
        from cgym_ray.rl.gnn import graph_module_spec

        model = algorithm.model
        config = config.rl_module(
            rl_module_spec=graph_module_spec(model.hidden[0], len(model.hidden))
        )
    else:
        config = config.rl_module(
            model_config=DefaultModelConfig(
                fcnet_hiddens=list(algorithm.model.hidden),
                fcnet_activation=algorithm.model.activation,
            )
        )
    if job.eval.interval and eval_env_config is not None:
        config = config.evaluation(
            evaluation_interval=job.eval.interval,
            evaluation_duration=job.eval.duration_episodes,
            evaluation_duration_unit="episodes",
            evaluation_num_env_runners=0,
            evaluation_config={"env_config": eval_env_config, "explore": False},
        )
    return config
