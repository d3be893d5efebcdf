"""The bookkeeping every search baseline shares, so that each algorithm file shows only its loop.

A `SearchRun` opens (and always closes) the environments of one search, plays
episodes step by step while it counts the budget, builds the `PlayedStep`s,
reports each finished episode once, and remembers the best prefix of any
episode it saw:

    with SearchRun("random", make_env, benchmark, budget, seed, report) as run:
        episode = run.new_episode()
        while run.can_afford(1) and not episode.failed:
            run.step(episode, action)
        run.end_episode(episode)
        return run.result(params)

A compiler crash, abort or timeout on a step ends that episode (`episode.failed`,
reported with status "error"); the next `new_episode()` starts a new compiler.

Budget: each step taken and each action tried (`try_actions`) costs one step.
A time budget starts after the first reset (loading the benchmark and measuring
its O0/Oz references is not search); the result's walltime includes that setup.

Observations: when the report names one (`observation_wanted`), each episode
records it after reset and after every step; a walk computes them in its one
request to the compiler. A failed step has none (the module did not change).

Behaviour: on a runnable benchmark, a prefix becomes the best only after its
program ran and printed what the unoptimized one prints (`_consider_best`);
the time this takes counts against a time budget, not against steps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from cgym_ray.envs.llvm_env import LlvmEnv, PlayedStep
from cgym_ray.envs.observations import ObservationSpec, get_observation_spec
from cgym_ray.envs.spaces import CommandlineSpace
from cgym_ray.envs.state import CompilerEnvState
from cgym_ray.errors import CompilerError, describe_error
from cgym_ray.search.common import (
    Budget,
    BudgetClock,
    EnvFactory,
    EpisodeOutcome,
    Report,
    SearchResult,
    behaviour_failure,
    observation_wanted,
    overrun_s,
    step_timeout_within_budget_s,
)


@dataclass
class Episode:
    """One episode being played: its environment and the outcome of each step so far."""

    env: LlvmEnv
    steps: list[PlayedStep] = field(default_factory=list)
    error: str | None = None  # set when a step failed: the episode can go no further
    reported: bool = False
    # The length of the shortest prefix whose program misbehaved: it and every
    # longer prefix of this episode are not trusted (None: none misbehaved).
    miscompiled_from: int | None = None
    initial_observation: Any = None  # the report's observation after reset, if it asked for one
    # Why the episode's final state misbehaves, once `SearchRun.check_final` found it does:
    # the episode is then reported with status "misbehaves" and this as its error.
    misbehaves: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def reward(self) -> float:
        """The episode's reward so far (the sum of its step rewards)."""
        return self.env.episode_reward

    def trusts(self, length: int) -> bool:
        """Whether the prefix of `length` actions has not been found to misbehave."""
        return self.miscompiled_from is None or length < self.miscompiled_from

    @property
    def actions(self) -> list[int]:
        """The actions applied so far (a failed step is not among them)."""
        return list(self.env.actions)


class Elite:
    """The best distinct prefixes seen so far, best first (earlier finds win ties)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: list[tuple[float, tuple[int, ...]]] = []

    def add(self, reward: float, prefix: Sequence[int]) -> None:
        prefix = tuple(prefix)
        if not prefix or any(prefix == known for _, known in self.entries):
            return
        self.entries.append((reward, prefix))
        self.entries.sort(key=lambda entry: -entry[0])
        del self.entries[self.size :]


class SearchRun:
    """The environments, budget, reports and best result of one search."""

    def __init__(
        self,
        agent: str,
        make_env: EnvFactory,
        benchmark: str,
        budget: Budget,
        seed: int,
        report: Report | None = None,
        check_behaviour: bool = True,
    ) -> None:
        self.agent = agent
        self.make_env = make_env
        self.benchmark = benchmark
        self.seed = seed
        self.report = report
        wanted = observation_wanted(report)
        self.observe: tuple[ObservationSpec, ...] = (
            (get_observation_spec(wanted),) if wanted else ()
        )
        self.clock = BudgetClock(budget)
        self.overrun_s = overrun_s(budget)
        self._step_timeout_s: float | None = None  # the envs' own, before the budget bounds it
        self.started = time.monotonic()
        self.episodes = 0
        # Doing nothing is always possible: the unoptimized module, reward 0.
        self.best_reward = 0.0
        self.best_actions: list[int] = []
        self._template: CompilerEnvState | None = None
        self._action_space: CommandlineSpace | None = None
        self._envs: list[LlvmEnv] = []
        # Behaviour checks of new best prefixes (see `_consider_best`).
        self.check_behaviour = check_behaviour
        self.behaviour_checks = 0
        self.miscompiles: list[str] = []  # commandlines whose programs misbehaved
        self.final_failures: list[str] = []  # policies' final states that misbehaved (check_final)
        self._checker: LlvmEnv | None = None

    # Environments.

    def open_env(self) -> LlvmEnv:
        """A new environment, reset on the benchmark; closed when the run ends.

        Searches drive the `LlvmEnv` itself (`try_actions`, `fork`), so an env
        that `gym.make` wrapped is unwrapped.
        """
        env = self.make_env().unwrapped
        self._envs.append(env)
        if self._step_timeout_s is None:
            self._step_timeout_s = env.step_timeout_s
        if env.reward_spec is None:
            raise CompilerError(
                f"{self.agent}: the environment has no reward space to maximise; make one "
                'with a reward, e.g. gym.make("llvm-ic-v0") or reward_space="IrInstructionCountOz"'
            )
        self._reset(env)
        return env

    def close_env(self, env: LlvmEnv) -> None:
        env.close()
        if env in self._envs:
            self._envs.remove(env)

    def close(self) -> None:
        for env in self._envs:
            env.close()
        self._envs = []
        if self._checker is not None:
            self._checker.close()
            self._checker = None

    def _consider_best(self, episode: Episode, reward: float, length: int) -> None:
        """Take a prefix as the new best, once its program is known to behave.

        Some orders of passes miscompile (or exploit undefined behaviour)
        until `main` folds away, and their tiny instruction counts would win
        every search. So on a runnable benchmark each new best prefix is
        compiled, linked and run (about 0.1-0.4 s), and its output compared
        with the unoptimized program's; a prefix that misbehaves, and every
        longer prefix of its episode, is never taken.
        """
        if not episode.trusts(length):
            return
        actions = episode.env.actions[:length]
        if self._runs_programs(episode.env):
            failure = self._misbehaves(episode.env, actions)
            if failure:
                episode.miscompiled_from = length
                self.miscompiles.append(self._refusal(failure, episode.env, actions))
                return
        self.best_reward = reward
        self.best_actions = list(actions)

    def check_final(self, episode: Episode) -> str:
        """Why the program after the episode's last step misbehaves ("" if it behaves or is not run).

        A search's result is always a checked prefix, but a policy's own figure
        is its episode's final state, which is checked only if it was a new
        best. A policy agent calls this before `end_episode`, so that a final
        state whose program misbehaves is reported (status "misbehaves") and
        never counted as the policy's result unseen. A final state that is the
        run's best has been checked already and is not run again.
        """
        actions = list(episode.env.actions)
        if (
            not actions
            or episode.failed
            or not self._runs_programs(episode.env)
            or (actions == self.best_actions and episode.trusts(len(actions)))
        ):
            return ""
        failure = self._misbehaves(episode.env, actions)
        if failure:
            episode.misbehaves = failure
            self.final_failures.append(self._refusal(failure, episode.env, actions))
        return failure

    def _runs_programs(self, env: LlvmEnv) -> bool:
        """Whether states of `env` are behaviour-checked: checks on, and a runnable benchmark."""
        return self.check_behaviour and env.benchmark is not None and env.benchmark.runnable

    @staticmethod
    def _refusal(failure: str, env: LlvmEnv, actions: Sequence[int]) -> str:
        """A refused state as the run's params name it: the reason, then its commandline."""
        return f"{failure}: {env.action_space.to_commandline(actions)}"

    def _misbehaves(self, env: LlvmEnv, actions: Sequence[int]) -> str:
        """Why the program after `actions` behaves differently from the original ("" if it does not)."""
        self.behaviour_checks += 1
        if list(env.actions) != list(actions):  # the prefix ends before the env's state: replay it
            if self._checker is None:
                self._checker = self.make_env().unwrapped
            try:
                self._checker.reset(options={"benchmark": self.benchmark})
                played = self._checker.play(actions, action_effect=False)
            except CompilerError as error:
                return f"the behaviour check failed ({error})"
            if played and played[-1].terminated:
                return f"replay failed ({played[-1].info['error']['message']})"
            env = self._checker
        return behaviour_failure(env, self.clock)

    def __enter__(self) -> SearchRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _reset(self, env: LlvmEnv) -> None:
        env.reset(options={"benchmark": self.benchmark})
        if self._template is None:
            self._template = env.state
            self._action_space = env.action_space
            # Loading the benchmark and measuring its O0/Oz references is not search:
            # the time budget starts now (the result's walltime still includes it).
            self.clock = BudgetClock(self.clock.budget)

    def action_indices(self, env: LlvmEnv, actions: Sequence[str | int] | None) -> list[int]:
        """The indices a search may use: all of the catalogue, or the named subset."""
        if actions is None:
            return list(range(env.action_space.n))
        catalogue = env.action_space.catalogue
        indices = [a if isinstance(a, int) else catalogue.index_of(a) for a in actions]
        if not indices:
            raise CompilerError(f"{self.agent}: the list of allowed actions is empty")
        return indices

    # Episodes.

    def new_episode(self, env: LlvmEnv | None = None) -> Episode:
        """Start an episode on `env` (reset on the benchmark) or on a new environment."""
        if env is None:
            env = self.open_env()
        else:
            self._reset(env)
        return Episode(env, initial_observation=self._observe(env))

    def _observe(self, env: LlvmEnv) -> Any:
        """The report's observation of the env's current state (None if it asked for none)."""
        return env.current_observation(self.observe[0]) if self.observe else None

    def fork(self, episode: Episode) -> Episode:
        """An independent copy of a running episode (its own compiler process)."""
        child = episode.env.fork()
        self._envs.append(child)
        return Episode(
            child, steps=list(episode.steps), initial_observation=episode.initial_observation
        )

    def step(self, episode: Episode, action: int) -> PlayedStep:
        """Apply one action, spend one step of the budget, and remember the best prefix."""
        if episode.failed:
            raise CompilerError(f"{self.agent}: step() on an episode that already failed")
        env = episode.env
        self._bound_step_timeout(env)
        started = time.perf_counter()
        try:
            _, reward, terminated, truncated, info = env.step(action)
        except CompilerError as error:  # e.g. the compiler died outside a step; end the episode
            reward, terminated, truncated = 0.0, True, False
            info = {"error": {"type": type(error).__name__, "message": str(error)}}
        walltime_s = time.perf_counter() - started
        self.clock.spend(1)
        observations = {}
        if self.observe and "error" not in info:
            observations[self.observe[0].name] = self._observe(env)
        outcome = PlayedStep(
            action=int(action),
            reward=float(reward),
            terminated=bool(terminated),
            info=info,
            walltime_s=walltime_s,
            metric=None,
            observations=observations,
            action_name=env.action_space.names[int(action)],
            truncated=bool(truncated),
        )
        episode.steps.append(outcome)
        if outcome.error is not None:
            episode.error = outcome.error
        elif env.episode_reward > self.best_reward:
            self._consider_best(episode, env.episode_reward, len(env.actions))
        return outcome

    def play(self, episode: Episode, actions: Sequence[int]) -> bool:
        """Apply actions (one request to the compiler); False if the budget or a failure cut them short."""
        actions = list(actions)
        outcomes = self.walk(episode, actions)
        return len(outcomes) == len(actions) and not episode.failed

    def walk(
        self,
        episode: Episode,
        actions: Sequence[int],
        patience: int | None = None,
        best: float | None = None,
    ) -> list[PlayedStep]:
        """Apply actions in one request, spending one budget step each, while the budget lasts.

        With `patience`, stop after that many steps in a row that do not beat
        the reward metric's value `best` (default: the current one); see
        `LlvmEnv.play`. Returns the outcomes of the steps taken; the best
        prefix is remembered as with `step`.
        """
        if episode.failed:
            raise CompilerError(f"{self.agent}: walk() on an episode that already failed")
        remaining = self.clock.remaining_steps()
        actions = [int(a) for a in actions][: len(actions) if remaining is None else remaining]
        if not actions or self.clock.exhausted:
            return []
        env = episode.env
        reward_before, length_before = env.episode_reward, len(env.actions)
        try:
            played = env.play(
                actions,
                patience=patience,
                best=best,
                time_limit_s=self.clock.seconds_left,
                overrun_s=self.overrun_s,
                action_effect=False,
                observe=self.observe,
            )
        except CompilerError as error:  # the compiler could not even be restarted on this state
            played = [
                PlayedStep(actions[0], 0.0, True, {"error": {"message": str(error)}}, 0.0, None)
            ]
        self.clock.spend(len(played))
        outcomes, reward = [], reward_before
        batch_best: tuple[float, int] | None = None
        for i, step in enumerate(played):
            outcome = replace(
                step,
                reward=float(step.reward),
                action_name=env.action_space.names[step.action],
                observations={
                    spec.name: step.observations[spec.name]
                    for spec in self.observe[:1]
                    if spec.name in step.observations
                },
            )
            episode.steps.append(outcome)
            outcomes.append(outcome)
            if outcome.error is not None:
                episode.error = outcome.error
                break
            reward += step.reward
            if reward > self.best_reward and (batch_best is None or reward > batch_best[0]):
                batch_best = (reward, length_before + i + 1)
        if batch_best is not None:
            self._consider_best(episode, *batch_best)
        return outcomes

    def evaluate(self, env: LlvmEnv, actions: Sequence[int]) -> float | None:
        """Replay a whole sequence as one episode from a fresh reset; its reward, None if it failed.

        Callers check `can_afford(len(actions))` first, so that every evaluation is complete.
        """
        episode = self.new_episode(env)
        completed = self.play(episode, actions)
        self.end_episode(episode)
        return episode.reward if completed and episode.trusts(len(actions)) else None

    def try_actions(self, episode: Episode, actions: Sequence[int]) -> list[float | None]:
        """The reward of each action from the episode's state (None: the compiler failed).

        Every tried action costs one step of the budget.
        """
        self.clock.spend(len(actions))
        self._bound_step_timeout(episode.env)
        try:
            return episode.env.try_actions(list(actions))
        except CompilerError as error:  # the compiler could not even be restarted on this state
            episode.error = describe_error({"message": str(error)})
            return [None] * len(actions)

    def end_episode(self, episode: Episode) -> None:
        """Report a finished episode, once. An episode that took no step is not reported."""
        if episode.reported or not episode.steps:
            return
        episode.reported = True
        self.episodes += 1
        if self.report is None:
            return
        self.report(
            EpisodeOutcome(
                benchmark=self.benchmark,
                seed=self.seed,
                steps=list(episode.steps),
                state=episode.env.state,
                status="error"
                if episode.failed
                else ("misbehaves" if episode.misbehaves else "ok"),
                error=episode.error or episode.misbehaves,
                observation_space=self.observe[0].name if self.observe else None,
                initial_observation=episode.initial_observation,
            )
        )

    def discard(self, episode: Episode) -> None:
        """Close the environment of an episode that is over (a beam that was dropped)."""
        self.close_env(episode.env)

    # Budget and result.

    def _bound_step_timeout(self, env: LlvmEnv) -> None:
        """Let the next request's steps run no later than the budget's end plus `overrun_s`."""
        if self._step_timeout_s is not None:
            env.step_timeout_s = step_timeout_within_budget_s(self.clock, self._step_timeout_s)

    def can_afford(self, steps: int = 1) -> bool:
        """Whether `steps` more steps fit in the budget (and time is not up)."""
        if self.clock.exhausted:
            return False
        remaining = self.clock.remaining_steps()
        return remaining is None or remaining >= steps

    def result(self, params: dict[str, object]) -> SearchResult:
        """The best prefix of any episode played, as a state that replays to its reward."""
        if self._template is None or self._action_space is None:
            raise CompilerError(f"{self.agent}: the search ended before it reset an environment")
        walltime_s = time.monotonic() - self.started
        state = replace(
            self._template,
            commandline=self._action_space.to_commandline(self.best_actions),
            reward=self.best_reward,
            walltime=walltime_s,
        )
        return SearchResult(
            agent=self.agent,
            benchmark=self.benchmark,
            best_state=state,
            best_reward=self.best_reward,
            steps=self.clock.steps,
            episodes=self.episodes,
            walltime_s=walltime_s,
            params={
                **params,
                "behaviour_checks": self.behaviour_checks,
                "miscompiles": len(self.miscompiles),
                **({"first_miscompile": self.miscompiles[0]} if self.miscompiles else {}),
                **({"final_misbehaves": self.final_failures[0]} if self.final_failures else {}),
            },
        )


def best_action(candidates: Sequence[int], rewards: Sequence[float | None]) -> tuple[int, float]:
    """The candidate with the highest reward; ties go to the earliest. (-1, -inf) if none worked."""
    best, best_reward = -1, -math.inf
    for action, reward in zip(candidates, rewards, strict=True):
        if reward is not None and reward > best_reward:
            best, best_reward = action, reward
    return best, best_reward
