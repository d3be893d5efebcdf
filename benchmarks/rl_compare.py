"""A trained policy against the baselines on a benchmark split, at equal walltime.

    .venv/bin/python benchmarks/rl_compare.py --checkpoint runs/ppo/checkpoints/iter_000020 \\
        --split cgym-suite-v0:test --store runs/ppo/store --out results/rl

Per benchmark, in one process, one after the other (so they share the machine's load):
1. random policy: episodes of uniformly random actions of the policy's episode length
   (its final reward, mean over --random-episodes seeds);
2. the policy alone: one episode of its likeliest actions (its final reward);
3. greedy search until it stops improving (its walltime W is the budget below);
4. the policy guiding a search for W seconds (best prefix found);
5. random search for W seconds (best prefix found).
Every episode goes to the store (one run, agents named as above). Writes
compare.json, compare.md and test_comparison.png to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
from _provenance import provenance_line

import cgym_ray  # noqa: F401
from cgym_ray.distributed.recording import StoreReporter
from cgym_ray.envs.llvm_env import resolve_benchmarks
from cgym_ray.jobs.runner import geomean
from cgym_ray.rl.agents import policy_agent
from cgym_ray.rl.plots import plot_benchmark_bars
from cgym_ray.rl.policy import load_policy
from cgym_ray.search import AGENTS, Budget
from cgym_ray.search.common import EpisodeOutcome, Report
from cgym_ray.search.episodes import SearchRun
from cgym_ray.store import TrajectoryStore

AGENT_ORDER = ["random-policy", "ppo", "greedy", "ppo+guided", "random-search"]


def random_policy(make_env, benchmark: str, seed: int, length: int, report: Report) -> float:
    """One episode of `length` uniformly random actions; its final reward."""
    rng = np.random.default_rng(seed)
    with SearchRun("random-policy", make_env, benchmark, Budget(steps=length), seed, report) as run:
        env = run.open_env()
        episode = run.new_episode(env)
        while run.can_afford(1) and not episode.failed:
            run.step(episode, int(rng.integers(env.action_space.n)))
        run.end_episode(episode)
        return episode.reward


class Collect:
    """A report callback that keeps the episodes and passes them on."""

    def __init__(self, episodes: list[EpisodeOutcome], report: Report) -> None:
        self.episodes = episodes
        self.report = report

    def __call__(self, episode: EpisodeOutcome) -> None:
        self.episodes.append(episode)
        self.report(episode)


def final_reward(episodes: list[EpisodeOutcome]) -> float:
    return sum(step.reward for step in episodes[0].steps) if episodes else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--split", default="cgym-suite-v0:test")
    parser.add_argument("--store", default="runs/rl-compare/store")
    parser.add_argument("--out", default="results/rl")
    parser.add_argument("--random-episodes", type=int, default=5)
    parser.add_argument("--max-greedy-seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--temperature", type=float, default=1.0, help="of the guided search")
    parser.add_argument("--epsilon", type=float, default=0.0, help="of the guided search")
    parser.add_argument(
        "--guided-only",
        action="store_true",
        help="only run the guided search again, with the greedy walltimes of --out/compare.json",
    )
    args = parser.parse_args()
    if args.guided_only:
        return guided_only(args)

    policy = load_policy(args.checkpoint)
    env_id, raw_observation = policy.spec.env_id, policy.spec.raw_observation

    def make_env():
        return gym.make(
            env_id,
            observation_space=raw_observation,
            disable_env_checker=True,
            **policy.spec.env_kwargs,
        )

    store = TrajectoryStore.open(args.store)
    run_id = store.begin_run(
        config=vars(args) | {"policy": policy.spec.__dict__}, name="rl-compare"
    )
    rows: dict[str, dict[str, float]] = {agent: {} for agent in AGENT_ORDER}
    walltimes: dict[str, float] = {}
    with store.writer(run_id) as writer:

        def reporter(agent: str, params: dict) -> StoreReporter:
            checkpoint = policy.checkpoint if agent.startswith("ppo") else None
            return StoreReporter(writer, agent, params, checkpoint=checkpoint)

        for uri in resolve_benchmarks(args.split):
            name = uri.rsplit("/", 1)[-1]
            report = reporter("random-policy", {"episode_length": policy.spec.episode_length})
            rewards = [
                random_policy(make_env, uri, args.seed + i, policy.spec.episode_length, report)
                for i in range(args.random_episodes)
            ]
            rows["random-policy"][name] = float(np.mean(rewards))

            episodes: list[EpisodeOutcome] = []
            policy_agent(
                make_env,
                uri,
                Budget(steps=policy.spec.episode_length),
                args.seed,
                report=Collect(episodes, reporter("ppo", {"guided": False})),
                checkpoint=args.checkpoint,
                guided=False,
            )
            rows["ppo"][name] = final_reward(episodes)

            started = time.monotonic()
            greedy = AGENTS["greedy"](
                make_env,
                uri,
                Budget(seconds=args.max_greedy_seconds),
                args.seed,
                report=reporter("greedy", {}),
            )
            walltime = max(time.monotonic() - started, 1.0)
            walltimes[name] = walltime
            rows["greedy"][name] = greedy.best_reward

            guided = policy_agent(
                make_env,
                uri,
                Budget(seconds=walltime),
                args.seed,
                report=reporter("ppo+guided", {"guided": True, "seconds": walltime}),
                checkpoint=args.checkpoint,
                guided=True,
                temperature=args.temperature,
                epsilon=args.epsilon,
            )
            rows["ppo+guided"][name] = guided.best_reward
            search = AGENTS["random"](
                make_env,
                uri,
                Budget(seconds=walltime),
                args.seed,
                report=reporter("random-search", {"seconds": walltime}),
            )
            rows["random-search"][name] = search.best_reward
            print(
                f"{name:14s} W={walltime:6.1f}s "
                + " ".join(f"{a}={rows[a][name]:.3f}" for a in AGENT_ORDER),
                file=sys.stderr,
                flush=True,
            )

    summary = {
        "checkpoint": policy.checkpoint,
        "split": args.split,
        "store": str(store.root),
        "run_id": run_id,
        "training": {"iterations": policy.spec.iteration, "env_steps": policy.spec.env_steps},
        "geomean": {agent: geomean(list(rows[agent].values())) for agent in AGENT_ORDER},
        "mean": {agent: float(np.mean(list(rows[agent].values()))) for agent in AGENT_ORDER},
        "per_benchmark": rows,
        "walltime_s": walltimes,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(summary, indent=1))
    lines = [
        f"# The trained policy against the search baselines on {args.split}",
        "",
        provenance_line(),
        "",
        "| benchmark | greedy walltime (s) | " + " | ".join(AGENT_ORDER) + " |",
        "|---|---:|" + "---:|" * len(AGENT_ORDER),
    ]
    for name in walltimes:
        lines.append(
            f"| {name} | {walltimes[name]:.1f} | "
            + " | ".join(f"{rows[a][name]:.3f}" for a in AGENT_ORDER)
            + " |"
        )
    lines.append(
        "| **geomean** | | "
        + " | ".join(f"**{summary['geomean'][a]:.3f}**" for a in AGENT_ORDER)
        + " |"
    )
    (out / "compare.md").write_text("\n".join(lines) + "\n")
    plot_benchmark_bars(
        rows, out / "test_comparison.png", f"{args.split}: reward per benchmark (1.0 = -Oz)"
    )
    print("\n".join(lines))
    return 0


def guided_only(args: argparse.Namespace) -> int:
    """The guided search again, other sampling settings, the same per-benchmark walltimes."""
    out = Path(args.out)
    previous = json.loads((out / "compare.json").read_text())
    policy = load_policy(args.checkpoint)

    def make_env():
        return gym.make(
            policy.spec.env_id,
            observation_space=policy.spec.raw_observation,
            disable_env_checker=True,
            **policy.spec.env_kwargs,
        )

    label = f"ppo+guided(T={args.temperature:g},eps={args.epsilon:g})"
    store = TrajectoryStore.open(args.store)
    run_id = store.begin_run(config=vars(args), name="rl-compare-guided")
    rewards: dict[str, float] = {}
    with store.writer(run_id) as writer:
        report = StoreReporter(writer, label, vars(args), checkpoint=policy.checkpoint)
        for uri in resolve_benchmarks(args.split):
            name = uri.rsplit("/", 1)[-1]
            result = policy_agent(
                make_env,
                uri,
                Budget(seconds=previous["walltime_s"][name]),
                args.seed,
                report=report,
                checkpoint=args.checkpoint,
                guided=True,
                temperature=args.temperature,
                epsilon=args.epsilon,
            )
            rewards[name] = result.best_reward
            print(f"{name:14s} {label}={rewards[name]:.3f}", file=sys.stderr, flush=True)
    previous["per_benchmark"][label] = rewards
    previous["geomean"][label] = geomean(list(rewards.values()))
    previous["mean"][label] = float(np.mean(list(rewards.values())))
    (out / "compare.json").write_text(json.dumps(previous, indent=1))
    print(f"{label}: geomean {previous['geomean'][label]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
