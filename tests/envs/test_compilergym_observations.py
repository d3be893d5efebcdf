"""CompilerGym's remaining observations and the TextSize rewards: buildability, program
sizes, build time, the host CPU, Dict observations, and the one error for what cannot apply."""

from __future__ import annotations

import shutil
import subprocess

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.errors import CompilerError, ObservationNotApplicable, UnknownSpaceError
from cgym_ray.llvm.programs import elf_text_size_bytes

CRC32 = "benchmark://cgym-suite-v0/crc32"
NO_MAIN = "generator://llvm-stress-v0/1"


def test_elf_text_size_is_what_size_reports():
    program = shutil.which("true") or "/bin/true"
    report = subprocess.run(["size", "-A", program], capture_output=True, text=True, check=True)
    expected = sum(
        int(line.split()[1]) for line in report.stdout.splitlines() if line.startswith(".text")
    )
    with open(program, "rb") as file:
        assert elf_text_size_bytes(file.read()) == expected > 0


@pytest.mark.parametrize(
    "space", ["Buildtime", "TextSizeBytes", "TextSizeOz", "Runtime", "Autophase+Runtime"]
)
def test_what_needs_a_program_fails_at_reset_with_one_error(space):
    env = gym.make("llvm-v0", benchmark=NO_MAIN, observation_space=space).unwrapped
    with pytest.raises(ObservationNotApplicable, match=f"{NO_MAIN} does not"):
        env.reset()
    env.close()


def test_text_size_reward_needs_a_program_and_says_so():
    env = gym.make("llvm-v0", benchmark=NO_MAIN, reward_space="TextSizeOz").unwrapped
    with pytest.raises(ObservationNotApplicable, match="TextSize"):
        env.reset()
    env.close()


def test_buildable_flags_tell_programs_from_fragments():
    env = gym.make("llvm-v0", benchmark=NO_MAIN, observation_space="IsBuildable").unwrapped
    obs, _ = env.reset()
    assert obs.tolist() == [0] and env.observation["IsRunnable"].tolist() == [0]
    env.reset(options={"benchmark": CRC32})
    assert env.observation["IsBuildable"].tolist() == [1] == env.observation["IsRunnable"].tolist()
    env.close()


def test_dict_observation_holds_each_part_as_observed_alone():
    env = gym.make(
        "llvm-v0", benchmark=CRC32, observation_space="Autophase+InstCountNorm"
    ).unwrapped
    env.reset()
    obs, *_ = env.step(env.action_space.index("sroa"))
    assert env.observation_space.contains(obs)
    assert set(obs) == {"Autophase", "InstCountNorm"}
    np.testing.assert_array_equal(obs["Autophase"], env.observation["Autophase"])
    counts = env.observation["InstCount"]
    np.testing.assert_allclose(obs["InstCountNorm"], counts[1:] / counts[0], rtol=1e-6)
    named = env.observation["InstCountNormDict"]
    assert named["TotalBlocksDensity"] == pytest.approx(counts[1] / counts[0], rel=1e-6)
    assert env.observation[["IrInstructionCount", "IsBuildable"]]["IsBuildable"].tolist() == [1]
    env.close()


def test_unknown_names_in_a_dict_are_named_with_the_known_ones():
    with pytest.raises(UnknownSpaceError, match="'Autofase'.*known: Autophase"):
        gym.make("llvm-v0", observation_space="IrInstructionCount+Autofase")


def test_cpu_info_has_compilergym_keys_and_fits_its_space():
    env = gym.make("llvm-v0", benchmark=CRC32).unwrapped
    env.reset()
    info = env.observation["CpuInfo"]
    assert env.observation.spaces()["CpuInfo"].contains(info)
    assert info["cores_count"] >= 1 and info["name"]
    assert {"l1d_cache_size", "l2_cache_count", "l4_cache_size"} <= set(info)
    env.close()


@pytest.mark.slow
def test_text_size_rewards_reach_exactly_one_at_oz_and_the_program_size_is_measured():
    env = gym.make("llvm-v0", benchmark=CRC32, reward_space="TextSizeOz").unwrapped
    env.reset()
    sizes = env.references("executable_text_size")
    assert env.observation["TextSizeO0"].tolist() == [sizes["O0"]]
    assert env.observation["TextSizeBytes"].tolist() == [sizes["O0"]]
    # A program is more than its object file: the C runtime's start-up code is linked in.
    assert sizes["O0"] > env.observation["ObjectTextSizeBytes"][0]
    _, reward, *_ = env.step(env.action_space.index("Oz"))
    assert reward == pytest.approx(1.0)
    assert env.observation["TextSizeBytes"].tolist() == [sizes["Oz"]]
    assert 0 < env.observation["Buildtime"][0]
    env.close()


@pytest.mark.slow
def test_text_size_rewards_agree_between_try_actions_play_and_step():
    env = gym.make("llvm-v0", benchmark=CRC32, reward_space="TextSizeOz").unwrapped
    env.reset()
    actions = [env.action_space.index("sroa"), env.action_space.index("Oz")]
    tried = env.try_actions(actions)
    played = env.fork()
    (step,) = played.play(actions[:1])
    _, reward, *_ = env.step(actions[0])
    assert tried[0] == pytest.approx(reward) == pytest.approx(step.reward)
    assert tried[1] == pytest.approx(1.0)
    with pytest.raises(CompilerError, match="cannot link programs"):
        played.play(actions, patience=2)
    played.close()
    env.close()
