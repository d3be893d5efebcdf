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
    "llvm-pipeline-ic-v0": ("IrInstructionCount", "IrInstructionCountOz"),
    "llvm-pipeline-codesize-v0": ("ObjectTextSizeBytes", "ObjectTextSizeOz"),
}

# The ids of ENV_SPECS whose env is a `PipelineEnv` (a state's commandline is a pipeline text).
PIPELINE_ENV_SPECS: dict[str, tuple[str, str | None]] = {
    env_id: spec for env_id, spec in ENV_SPECS.items() if env_id.startswith("llvm-pipeline-")
}


def register_envs() -> None:
    for env_id, (observation, reward) in ENV_SPECS.items():
        if env_id in gym.registry:
            continue
        entry = "pipeline_env:PipelineEnv" if env_id in PIPELINE_ENV_SPECS else "llvm_env:LlvmEnv"
        gym.register(
            id=env_id,
            entry_point=f"cgym_ray.envs.{entry}",
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
