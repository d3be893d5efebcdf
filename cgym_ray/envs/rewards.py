"""Reward spaces: the decrease in a size metric, optionally scaled (docs/design.md).

- `IrInstructionCount`: previous count − current count;
- `IrInstructionCountNorm`: the same ÷ the O0 count;
- `IrInstructionCountO3` / `IrInstructionCountOz`: the same ÷ max(O0 − baseline, 1),
  so an episode's total is 1.0 when it matches the baseline and more beats it;
- the `ObjectTextSize` family: the same with the object file's `.text` bytes;
- the `TextSize` family: the same with the linked program's `.text` bytes
  (benchmarks that build into a program; others fail at reset with
  `ObservationNotApplicable`). It links a program every step: slower.
"""

from __future__ import annotations

from dataclasses import dataclass

from cgym_ray.errors import CompilerError, UnknownSpaceError


@dataclass(frozen=True)
class RewardSpec:
    name: str
    metric: str  # instruction_count, object_text_size_bytes or text_size_bytes (see LlvmEnv)
    reference_kind: str  # the baselines kind: instruction_count, text_size, executable_text_size
    baseline: str | None  # None (raw), "O0" (normalised), "O3" or "Oz"

    def scale(self, references: dict[str, int | None]) -> float:
        """The divisor that turns a raw decrease into this reward."""
        if self.baseline is None:
            return 1.0
        o0 = references["O0"] or 0
        if self.baseline == "O0":
            return float(max(o0, 1))
        target = references[self.baseline]
        if target is None:
            raise CompilerError(
                f"reward {self.name} needs the {self.baseline} reference, which this backend "
                f"cannot compute; use {self.name.removesuffix(self.baseline)}O3 instead"
            )
        return float(max(o0 - target, 1))


REWARDS: dict[str, RewardSpec] = {}
for _prefix, _metric, _kind, _raw in (
    ("IrInstructionCount", "instruction_count", "instruction_count", "IrInstructionCount"),
    ("ObjectTextSize", "object_text_size_bytes", "text_size", "ObjectTextSizeBytes"),
    ("TextSize", "text_size_bytes", "executable_text_size", "TextSizeBytes"),
):
    REWARDS[_raw] = RewardSpec(_raw, _metric, _kind, None)
    REWARDS[f"{_prefix}Norm"] = RewardSpec(f"{_prefix}Norm", _metric, _kind, "O0")
    for _level in ("O3", "Oz"):
        REWARDS[f"{_prefix}{_level}"] = RewardSpec(f"{_prefix}{_level}", _metric, _kind, _level)


def get_reward_spec(name: str) -> RewardSpec:
    try:
        return REWARDS[name]
    except KeyError:
        raise UnknownSpaceError(
            f"unknown reward space {name!r}; known: {', '.join(sorted(REWARDS))}"
        ) from None
