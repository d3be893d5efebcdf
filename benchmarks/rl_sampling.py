"""RLlib sampling against the bare env, side by side, and where an env runner's time goes.

    scripts/bench rl_sampling --steps 900 --rounds 3 --out results/rl/sampling.json

For each action set (single passes only, the training default; and with the
O1/O2/O3/Oz macros), in one process, rounds alternate between:
1. the bare env: the training env stack (`make_rl_env`, no store recording),
   uniformly random actions, resets at episode ends, no RLlib;
2. RLlib's `SingleAgentEnvRunner` (the class every remote env runner is), built
   from the same job by `algorithm_config`, sampling with its untrained policy
   (close to uniform over the same actions), with 1 env and with --envs envs.
Both walk the same env config (programs, observation, episode length), so the
ratio runner ÷ bare is RLlib's own cost. One extra sample per runner is run under
cProfile and its time split into: the compiler (the env's step, worker round trip
included), env resets, the policy's forward pass, and the rest (RLlib's connectors,
metrics, episode bookkeeping).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
from _provenance import provenance_line

from cgym_ray.rl.algorithms import algorithm_config, env_config
from cgym_ray.rl.config import TrainJob
from cgym_ray.rl.envs import make_rl_env


def job_for(datasets: list[str], macros: bool, num_envs: int, episode_length: int) -> TrainJob:
    return TrainJob.model_validate(
        {
            "kind": "train",
            "benchmarks": {"datasets": datasets},
            "episode_length": episode_length,
            "macro_actions": macros,
            "algorithm": {"model": {"hidden": [64, 64]}},
            "env_runners": {"num_env_runners": 0, "num_envs_per_env_runner": num_envs},
            "iterations": 1,
            "eval": {"splits": {}},
        }
    )


def bare_walk(env, steps: int, rng: np.random.Generator) -> float:
    """Random actions for `steps` steps (resets included); steps per second."""
    env.reset(seed=int(rng.integers(1 << 30)))
    started = time.perf_counter()
    for _ in range(steps):
        _, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - started)


def runner_sample(runner, steps: int) -> float:
    started = time.perf_counter()
    runner.sample(num_timesteps=steps)
    return steps / (time.perf_counter() - started)


def profile_split(runner, steps: int) -> dict[str, float]:
    """Seconds per env step in each part of one profiled `sample` call."""
    profile = cProfile.Profile()
    profile.enable()
    runner.sample(num_timesteps=steps)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]

    def cumulative(file_part: str, function: str) -> float:
        # The outermost of same-named functions (an override calling its base counts once).
        return max(
            (
                entry[3]
                for (path, _, name), entry in stats.items()
                if file_part in path and name == function
            ),
            default=0.0,
        )

    total = max(entry[3] for entry in stats.values())
    env_step = cumulative("ray/rllib/env/env_runner.py", "_try_env_step")
    env_reset = cumulative("cgym_ray/envs/llvm_env.py", "reset")  # autoresets, inside the step
    forward = cumulative("ray/rllib/core/rl_module", "forward_exploration")
    split = {
        "compiler_step_s": env_step - env_reset,
        "env_reset_s": env_reset,
        "policy_forward_s": forward,
        "rllib_rest_s": total - env_step - forward,
    }
    return {key: value / steps for key, value in split.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["cgym-suite-v0:train"])
    parser.add_argument("--steps", type=int, default=900, help="env steps per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--envs", type=int, default=4, help="envs per runner, besides 1")
    parser.add_argument("--episode-length", type=int, default=45)
    parser.add_argument("--out", default="results/rl/sampling.json")
    args = parser.parse_args()
    import torch
    from ray.rllib.env.single_agent_env_runner import SingleAgentEnvRunner

    torch.set_num_threads(1)  # as in a remote env runner (1 CPU)
    report = {"provenance": provenance_line(), "loadavg_start": os.getloadavg(), "sets": {}}
    for macros in (False, True):
        label = "passes+macros" if macros else "passes"
        jobs = {n: job_for(args.datasets, macros, n, args.episode_length) for n in (1, args.envs)}
        bare = make_rl_env(env_config(jobs[1], jobs[1].benchmarks.resolve()))
        runners = {
            n: SingleAgentEnvRunner(
                config=algorithm_config(job, env_config(job, job.benchmarks.resolve()))
            )
            for n, job in jobs.items()
        }
        for runner in runners.values():
            runner.sample(num_timesteps=50)  # warm-up: workers started, modules loaded
        rng = np.random.default_rng(0)
        rates: dict[str, list[float]] = {"bare": [], **{f"runner_{n}env": [] for n in runners}}
        for round_index in range(args.rounds):
            rates["bare"].append(bare_walk(bare, args.steps, rng))
            for n, runner in runners.items():
                rates[f"runner_{n}env"].append(runner_sample(runner, args.steps))
            print(
                f"{label} round {round_index}: "
                + ", ".join(f"{k} {v[-1]:.0f}" for k, v in rates.items())
                + f" steps/s (load {os.getloadavg()[0]:.1f})",
                file=sys.stderr,
            )
        medians = {key: float(np.median(values)) for key, values in rates.items()}
        report["sets"][label] = {
            "actions": len(jobs[1].action_names),
            "rates": rates,
            "median_steps_per_s": medians,
            "runner_over_bare": {
                key: medians[key] / medians["bare"] for key in medians if key != "bare"
            },
            "profile_s_per_step": {
                f"runner_{n}env": profile_split(runner, args.steps) for n, runner in runners.items()
            },
        }
        bare.close()
        for runner in runners.values():
            runner.stop()
    report["loadavg_end"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    print(json.dumps({k: v["runner_over_bare"] for k, v in report["sets"].items()}, indent=1))
    print(report["provenance"])


if __name__ == "__main__":
    main()
