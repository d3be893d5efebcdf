"""A trained policy, loaded from a training checkpoint, as action probabilities.

    >>> policy = load_policy("runs/ppo/checkpoints/iter_000050")  # doctest: +SKIP
    >>> policy = load_policy("released")    # the policy shipped in the package  # doctest: +SKIP
    >>> policy.probabilities(policy.observe(raw_autophase, history)).argmax()  # doctest: +SKIP

Every checkpoint directory the trainer writes holds RLlib's checkpoint and
`cgym_policy.json` (a `PolicySpec`): what the policy observes, which action
each of its outputs means, and where it came from. Loading needs torch and
RLlib's module classes, but no running Ray.

A released policy (`release_policy`) keeps only what inference needs, the
policy module and `cgym_policy.json`, in the same layout, plus its training
config and metrics; `RELEASED_POLICY` ships in the package under
`cgym_ray/rl/released/`, and the checkpoint name "released" means it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from cgym_ray.errors import CompilerError
from cgym_ray.rl.envs import RAW_OBSERVATION

SPEC_FILE = "cgym_policy.json"
MODULE_PATH = ("learner_group", "learner", "rl_module", "default_policy")
RELEASED_DIR = Path(__file__).parent / "released"
RELEASED_POLICY = "ppo-oz-v0"  # what checkpoint "released" means


class PolicyLoadError(CompilerError):
    """A checkpoint is missing, incomplete or not a cgym-ray training checkpoint."""


@dataclass
class PolicySpec:
    """What `cgym_policy.json` says about the policy in a checkpoint."""

    algorithm: str
    env_id: str
    env_kwargs: dict[str, Any]
    observation: str  # "autophase_history" or "instcount"
    episode_length: int
    terminal_action: bool
    actions: list[str]  # the action name behind each policy output (then the terminal action)
    iteration: int
    env_steps: int
    run_ids: list[str] = field(default_factory=list)  # the training runs, first to last (resumes)
    seed: int = 0
    backend: str = ""
    llvm_version: str = ""
    start_from: list[str] = field(default_factory=list)  # actions played before the policy acts

    @property
    def raw_observation(self) -> str:
        return RAW_OBSERVATION[self.observation]

    @property
    def num_outputs(self) -> int:
        return len(self.actions) + int(self.terminal_action)

    def write(self, checkpoint: str | Path) -> None:
        (Path(checkpoint) / SPEC_FILE).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def read(cls, checkpoint: str | Path) -> PolicySpec:
        path = Path(checkpoint) / SPEC_FILE
        if not path.is_file():
            raise PolicyLoadError(
                f"{checkpoint} is not a cgym-ray training checkpoint (no {SPEC_FILE})"
            )
        return cls(**json.loads(path.read_text()))


class Policy:
    """The policy network of a checkpoint, on CPU, for inference."""

    def __init__(self, checkpoint: str | Path) -> None:
        from ray.rllib.core.rl_module.rl_module import RLModule

        self.checkpoint = str(checkpoint)
        self.spec = PolicySpec.read(checkpoint)
        module_dir = Path(checkpoint).joinpath(*MODULE_PATH)
        if not module_dir.is_dir():
            raise PolicyLoadError(f"{checkpoint}: no policy module at {module_dir}")
        self.module = RLModule.from_checkpoint(module_dir)
        self.module.eval()

    def observe(self, raw: Any, history: np.ndarray) -> np.ndarray:
        """The policy's input from the raw observation and the counts of its outputs so far."""
        from cgym_ray.rl.envs import policy_observation

        return policy_observation(raw, history, self.spec.observation, self.spec.episode_length)

    def probabilities(self, observation: np.ndarray, temperature: float = 1.0) -> np.ndarray:
        """The probability of each policy output (softmax of the logits ÷ temperature)."""
        import torch

        with torch.no_grad():
            batch = {"obs": torch.as_tensor(observation, dtype=torch.float32)[None]}
            logits = self.module.forward_inference(batch)["action_dist_inputs"][0].double().numpy()
        logits = logits / temperature
        weights = np.exp(logits - logits.max())
        return weights / weights.sum()


def resolve_checkpoint(checkpoint: str | Path) -> Path:
    """A checkpoint directory, or "released" / a released policy's name -> its directory."""
    name = RELEASED_POLICY if str(checkpoint) == "released" else str(checkpoint)
    if (RELEASED_DIR / name / SPEC_FILE).is_file():
        return RELEASED_DIR / name
    return Path(checkpoint).resolve()


@lru_cache(maxsize=8)
def load_policy(checkpoint: str) -> Policy:
    """The policy of a checkpoint (or "released"), loaded once per process."""
    return Policy(str(resolve_checkpoint(checkpoint)))


def release_policy(checkpoint: str | Path, out_dir: str | Path, *extra_files: str | Path) -> Path:
    """Copy what inference needs from a training checkpoint (module + spec) to `out_dir`.

    `extra_files` (the training config, metrics, a description) are copied beside it.
    The copy loads like the checkpoint itself (`load_policy(out_dir)`).
    """
    import shutil

    source = Path(checkpoint)
    PolicySpec.read(source)  # a cgym-ray checkpoint, or a clear error
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    module = out.joinpath(*MODULE_PATH)
    shutil.copytree(source.joinpath(*MODULE_PATH), module)
    parent_files = source.joinpath(*MODULE_PATH[:-1])
    for name in ("class_and_ctor_args.pkl", "metadata.json", "module_state.pkl"):
        if (parent_files / name).is_file():
            shutil.copy2(parent_files / name, module.parent / name)
    shutil.copy2(source / SPEC_FILE, out / SPEC_FILE)
    for path in extra_files:
        shutil.copy2(path, out / Path(path).name)
    return out
