"""Imitation before RL: fit the policy to the best pass lists that searches found.

    >>> pairs = demonstrations(job, load_best_rows(["runs/bc-search/best/best.jsonl"]))  # doctest: +SKIP
    >>> history = fit_module(module, pairs, job.imitation)                    # doctest: +SKIP

PPO from -O0 has to discover, by trial, a 40-pass pipeline whose value shows
only at the end; in the tens of thousands of steps this machine affords, it
does not (results/rl.md). Searches already find such pipelines per program.
So the policy first learns, by supervised learning, to play what the searches
found: `results export best` writes, per training program, its best validated
pass list; `demonstrations` replays each one through the very env stack RLlib
trains on (so the observations are exactly the policy's), giving (observation,
next action) pairs, the stop action after the last pass when the list is
shorter than an episode (or, with `stop_at_best`, after the list's best prefix: the
searches keep a list for that prefix, and its later passes can undo the gain), and the
return still to come at each step; and
`fit_module` minimises the cross-entropy of the policy's logits on the actions
(plus, for PPO's value head, the squared error on the returns) on the learner's
own RLModule, which RLlib's PPO then fine-tunes and checkpoints like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cgym_ray.errors import CompilerError

if TYPE_CHECKING:
    from cgym_ray.rl.config import ImitationSection, TrainJob


@dataclass
class Demonstrations:
    """(observation, action, return to go) per step of the replayed pass lists."""

    observations: np.ndarray  # (steps, observation size), float32
    actions: np.ndarray  # (steps,), the policy output index
    returns: np.ndarray  # (steps,), the reward still to come from this step on
    programs: int
    skipped: list[str]  # "benchmark: why", for rows that could not be replayed


def load_best_rows(paths: list[str]) -> list[dict[str, Any]]:
    """The rows of `results export best` outputs (best.jsonl or best.parquet), in order."""
    rows: list[dict[str, Any]] = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise CompilerError(
                f"imitation data {path} does not exist; write it with "
                "`cgym-ray results export best DIR --store STORE`"
            )
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows += pq.read_table(path, columns=["benchmark", "kind", "commandline"]).to_pylist()
        else:
            rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:
        if not {"benchmark", "commandline"} <= set(row):
            raise CompilerError(
                f"imitation data row {str(row)[:80]!r} has no benchmark/commandline: "
                "give files written by `cgym-ray results export best`"
            )
    return rows


def demonstrations(job: TrainJob, rows: list[dict[str, Any]]) -> Demonstrations:
    """Replay every row's pass list through the training env stack of `job`.

    A row is skipped (with the reason) if it is a pipeline rather than passes, uses an
    action the policy does not have, is longer than an episode, or fails to replay.
    """
    from cgym_ray.rl.algorithms import env_config
    from cgym_ray.rl.envs import make_rl_env

    names = job.action_names
    index = {name: i for i, name in enumerate(names)}
    observations: list[np.ndarray] = []
    actions: list[int] = []
    returns: list[float] = []
    skipped: list[str] = []
    programs = 0
    for row in rows:
        benchmark = row["benchmark"]
        passes = row["commandline"].split()
        why = _unusable(row, passes, index, job.episode_length)
        if why:
            skipped.append(f"{benchmark}: {why}")
            continue
        env = make_rl_env(env_config(job, [benchmark]))
        try:
            observation, _ = env.reset(options={"benchmark": benchmark})
            steps: list[tuple[np.ndarray, int, float]] = []
            for name in passes:
                next_observation, reward, terminated, _, info = env.step(index[name])
                if info.get("error"):
                    raise CompilerError(f"{name} failed: {info['error'].get('message')}")
                steps.append((observation, index[name], float(reward)))
                observation = next_observation
                if terminated:
                    break
            if job.imitation is not None and job.imitation.stop_at_best:
                steps = steps[: best_prefix_length([reward for _, _, reward in steps])]
            if job.terminal_action and len(steps) < job.episode_length:
                steps.append((observation, len(names), 0.0))  # stop here
        except CompilerError as error:
            skipped.append(f"{benchmark}: {error}")
            continue
        finally:
            env.close()
        to_go = np.cumsum([reward for _, _, reward in steps][::-1])[::-1]
        observations += [step[0] for step in steps]
        actions += [step[1] for step in steps]
        returns += [float(value) for value in to_go]
        programs += 1
    if not actions:
        raise CompilerError(
            "no imitation data could be replayed: " + "; ".join(skipped[:5] or ["no rows"])
        )
    return Demonstrations(
        np.asarray(observations, dtype=np.float32),
        np.asarray(actions, dtype=np.int64),
        np.asarray(returns, dtype=np.float32),
        programs,
        skipped,
    )


def best_prefix_length(rewards: list[float]) -> int:
    """The number of steps whose total reward is highest (the shortest such prefix, >= 1).

    A search keeps a list for its best prefix, so the passes after it may undo the gain
    (cBench bzip2: list A is 6 % above -Oz after 15 passes, at -Oz after 45).
    """
    totals = np.cumsum(rewards)
    return int(np.argmax(totals)) + 1 if len(totals) else 0


def _unusable(row: dict[str, Any], passes: list[str], index: dict[str, int], length: int) -> str:
    if row.get("kind", "passes") != "passes":
        return f"a {row['kind']}, not a pass list"
    unknown = sorted({name for name in passes if name not in index})
    if unknown:
        return f"actions the policy does not have: {', '.join(unknown)}"
    if not passes:
        return "an empty pass list"
    if len(passes) > length:
        return f"{len(passes)} passes, longer than an episode ({length})"
    return ""


def fit_module(
    module: Any, data: Demonstrations, section: ImitationSection, seed: int = 0
) -> list[dict[str, float]]:
    """Minibatch Adam on the module: cross-entropy on the actions, MSE on the returns.

    Returns one line per epoch: the mean losses and the training accuracy (the share
    of steps whose likeliest output is the demonstrated action).
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    observations = torch.as_tensor(data.observations)
    actions = torch.as_tensor(data.actions)
    returns = torch.as_tensor(data.returns)
    has_values = hasattr(module, "compute_values") and section.value_coeff > 0
    optimizer = torch.optim.Adam(module.parameters(), lr=section.lr)
    module.train()
    history = []
    for epoch in range(1, section.epochs + 1):
        order = torch.randperm(len(actions), generator=generator)
        totals = {"policy_loss": 0.0, "value_loss": 0.0, "accuracy": 0.0}
        for start in range(0, len(order), section.batch_size):
            batch = order[start : start + section.batch_size]
            inputs = {"obs": observations[batch]}
            logits = module.forward_train(inputs)["action_dist_inputs"]
            policy_loss = torch.nn.functional.cross_entropy(logits, actions[batch])
            loss = policy_loss
            value_loss = torch.zeros(())
            if has_values:
                value_loss = torch.nn.functional.mse_loss(
                    module.compute_values(inputs), returns[batch]
                )
                loss = loss + section.value_coeff * value_loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            share = len(batch) / len(order)
            totals["policy_loss"] += policy_loss.item() * share
            totals["value_loss"] += value_loss.item() * share
            totals["accuracy"] += (
                float((logits.argmax(-1) == actions[batch]).float().mean()) * share
            )
        history.append({"epoch": epoch, **totals})
    module.eval()
    return history


def imitate(algo: Any, job: TrainJob, output_dir: Path, say: Any) -> Demonstrations:
    """Fit the learner's policy module to `job.imitation.data`, then send it to the env runners.

    Writes `imitation.jsonl` (one line per epoch) under `output_dir`.
    """
    from ray.rllib.core import DEFAULT_MODULE_ID

    section = job.imitation
    assert section is not None
    data = demonstrations(job, load_best_rows(section.data))
    say(
        f"imitation: {len(data.actions)} steps from {data.programs} programs"
        + (f" ({len(data.skipped)} skipped: {'; '.join(data.skipped[:3])})" if data.skipped else "")
    )
    results = algo.learner_group.foreach_learner(
        lambda learner: fit_module(learner.module[DEFAULT_MODULE_ID], data, section, job.seed)
    )
    history = next(iter(results)).get()
    with (output_dir / "imitation.jsonl").open("w") as log:
        for line in history:
            log.write(json.dumps(line) + "\n")
    last = history[-1]
    say(
        f"imitation: {len(history)} epochs, policy loss {last['policy_loss']:.3f}, "
        f"accuracy {last['accuracy']:.3f}"
    )
    if algo.env_runner_group is not None:
        algo.env_runner_group.sync_weights(
            from_worker_or_learner_group=algo.learner_group, inference_only=True
        )
    return data
