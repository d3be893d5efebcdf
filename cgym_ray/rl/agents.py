"""A trained policy as a search agent: alone, or guiding a sampling search.

    >>> result = policy_agent(make_env, "benchmark://cgym-suite-v0/lzw", Budget(seconds=10), seed=0,
    ...                       checkpoint="runs/ppo/checkpoints/iter_000050", guided=True)
    ... # doctest: +SKIP

Same signature as every baseline in `cgym_ray.search`, so a `search`, `eval`
or leaderboard job can name it with `params: {checkpoint: ...}`.

- `guided=False`: one episode, the policy's most likely action at each step,
  for the policy's episode length (or until it takes its terminal action),
  after the actions it was trained to start from (`start_from`, e.g. Oz).
- `guided=True` (CompilerGym's best leaderboard idea, "PPO + guided search"):
  that episode first, then episodes whose actions are sampled from the policy's
  action probabilities (÷ `temperature`) until the budget is spent; each
  continues a fork of the `start_from` state, played once.

The result is the best prefix of any episode played, as for every search.
`make_env` may be any LLVM env with a reward: the policy's observation is
computed from the env's raw Autophase/InstCount (taken from the step when the
env observes it, asked for otherwise).
"""

from __future__ import annotations

import numpy as np

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.rl.policy import Policy, load_policy
from cgym_ray.search.common import Budget, EnvFactory, Report, SearchResult
from cgym_ray.search.episodes import Episode, SearchRun


def policy_agent(
    make_env: EnvFactory,
    benchmark: str,
    budget: Budget,
    seed: int,
    *,
    report: Report | None = None,
    checkpoint: str = "released",
    guided: bool = True,
    temperature: float = 1.0,
    epsilon: float = 0.0,
    episode_length: int | None = None,
) -> SearchResult:
    """The policy of `checkpoint` on one benchmark; with `guided`, then a search it guides.

    checkpoint: a training checkpoint directory (it holds cgym_policy.json), or "released":
        the policy shipped in the package (see results/rl.md).
    guided: keep sampling episodes from the policy's probabilities until the budget is spent.
    temperature: divides the logits when sampling (above 1: more exploration).
    epsilon: when sampling, mix this much of the uniform distribution into the policy's
        (a trained policy is often so sure of itself that its samples barely differ).
    episode_length: steps per episode (default: the length the policy was trained with).
    """
    policy = load_policy(checkpoint)
    length = episode_length or policy.spec.episode_length
    rng = np.random.default_rng(seed)
    with SearchRun(
        "policy+guided" if guided else "policy", make_env, benchmark, budget, seed, report
    ) as run:
        env = run.open_env()
        catalogue = env.action_space.catalogue
        indices = [catalogue.index_of(name) for name in policy.spec.actions]
        # The actions the policy starts from (e.g. Oz) are played once; every episode
        # continues a fork of that state (a fork is far cheaper than replaying a pipeline).
        start = run.new_episode(env)
        for name in policy.spec.start_from:
            if start.failed or not run.can_afford(1):
                break
            run.step(start, catalogue.index_of(name))
        if start.failed or not run.can_afford(1):
            run.end_episode(start)
            return run.result(_params(policy, guided, temperature, epsilon, length))
        sample = False
        while run.can_afford(1):
            if policy.spec.start_from:
                episode = run.fork(start)
            else:
                episode = run.new_episode(env) if sample else start
            play_policy_episode(
                run, episode, policy, indices, length, rng if sample else None, temperature, epsilon
            )
            if not sample:  # the policy's own episode: its final state is its figure
                run.check_final(episode)
            run.end_episode(episode)
            if episode.env is not env:
                run.discard(episode)
            if not guided:
                break
            sample = True
        return run.result(_params(policy, guided, temperature, epsilon, length))


def _params(
    policy: Policy, guided: bool, temperature: float, epsilon: float, length: int
) -> dict[str, object]:
    return {
        "checkpoint": policy.checkpoint,
        "guided": guided,
        "temperature": temperature,
        "epsilon": epsilon,
        "episode_length": length,
        "start_from": list(policy.spec.start_from),
    }


def play_policy_episode(
    run: SearchRun,
    episode: Episode,
    policy: Policy,
    indices: list[int],
    length: int,
    rng: np.random.Generator | None,
    temperature: float = 1.0,
    epsilon: float = 0.0,
) -> None:
    """Up to `length` steps: the policy's likeliest action (rng None) or one sampled from it."""
    env = episode.env
    history = np.zeros(policy.spec.num_outputs, dtype=np.float32)
    raw = _raw_observation(env, policy)
    for _ in range(length):
        if episode.failed or not run.can_afford(1):
            return
        probabilities = policy.probabilities(policy.observe(raw, history), temperature)
        if rng is not None and epsilon > 0:
            probabilities = (1 - epsilon) * probabilities + epsilon / len(probabilities)
        output = (
            int(probabilities.argmax())
            if rng is None
            else int(rng.choice(len(probabilities), p=probabilities))
        )
        if output >= len(indices):  # the terminal action
            return
        history[output] += 1
        run.step(episode, indices[output])
        if not episode.failed:
            raw = _raw_observation(env, policy)


def _raw_observation(env: LlvmEnv, policy: Policy):
    # The env's own observation after reset/step is free; another one costs a compiler round trip.
    if (
        env.observation_spec.name == policy.spec.raw_observation
        and env._last_observation is not None
    ):
        return env._last_observation
    return env.observation[policy.spec.raw_observation]


__all__ = ["Budget", "play_policy_episode", "policy_agent"]
