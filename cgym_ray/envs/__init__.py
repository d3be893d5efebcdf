"""Gymnasium environments for LLVM phase ordering; importing `cgym_ray` registers them.

Ids follow `<compiler>-<observation>-<reward>-v<N>`:

| id | observation | reward |
|---|---|---|
| llvm-v0 | IrInstructionCount | none (pick one with reward_space=) |
| llvm-ic-v0 | IrInstructionCount | IrInstructionCountOz |
| llvm-codesize-v0 | ObjectTextSizeBytes | ObjectTextSizeOz |
| llvm-autophase-ic-v0 | Autophase | IrInstructionCountOz |
| llvm-autophase-codesize-v0 | Autophase | ObjectTextSizeOz |
| llvm-instcount-ic-v0 | InstCount | IrInstructionCountOz |
| llvm-ir-ic-v0 | Ir | IrInstructionCountOz |
| llvm-ir-codesize-v0 | Ir | ObjectTextSizeOz |

The pipeline envs (`pipeline_env.py`) edit a whole pass pipeline instead:

| id | observation | reward |
|---|---|---|
| llvm-pipeline-ic-v0 | IrInstructionCount | IrInstructionCountOz |
| llvm-pipeline-codesize-v0 | ObjectTextSizeBytes | ObjectTextSizeOz |
"""

from __future__ import annotations

import gymnasium as gym

from cgym_ray.envs.llvm_env import LlvmEnv
from cgym_ray.envs.state import CompilerEnvState, read_csv, write_csv
from cgym_ray.envs.validation import ValidationResult, validate

ENV_SPECS: dict[str, tuple[str, str | None]] = {
    "llvm-v0": ("IrInstructionCount", None),
    "llvm-ic-v0": ("IrInstructionCount", "IrInstructionCountOz"),
    "llvm-codesize-v0": ("ObjectTextSizeBytes", "ObjectTextSizeOz"),
    "llvm-autophase-ic-v0": ("Autophase", "IrInstructionCountOz"),
    "llvm-autophase-codesize-v0": ("Autophase", "ObjectTextSizeOz"),
    "llvm-instcount-ic-v0": ("InstCount", "IrInstructionCountOz"),
    "llvm-ir-ic-v0": ("Ir", "IrInstructionCountOz"),
    "llvm-ir-codesize-v0": ("Ir", "ObjectTextSizeOz"),
}

PIPELINE_ENV_SPECS: dict[str, tuple[str, str]] = {
    "llvm-pipeline-ic-v0": ("IrInstructionCount", "IrInstructionCountOz"),
    "llvm-pipeline-codesize-v0": ("ObjectTextSizeBytes", "ObjectTextSizeOz"),
}


def register_envs() -> None:
    for env_id, (observation, reward) in ENV_SPECS.items():
        if env_id in gym.registry:
            continue
        gym.register(
            id=env_id,
            entry_point="cgym_ray.envs.llvm_env:LlvmEnv",
            kwargs={"observation_space": observation, "reward_space": reward},
        )
    for env_id, (observation, reward) in PIPELINE_ENV_SPECS.items():
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point="cgym_ray.envs.pipeline_env:PipelineEnv",
                kwargs={"observation_space": observation, "reward_space": reward},
            )


register_envs()

__all__ = [
    "ENV_SPECS",
    "PIPELINE_ENV_SPECS",
    "CompilerEnvState",
    "LlvmEnv",
    "ValidationResult",
    "read_csv",
    "register_envs",
    "validate",
    "write_csv",
]
