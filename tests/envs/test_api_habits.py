"""CompilerGym users' habits: each is supported, or refused with a message saying what to do."""

from __future__ import annotations

import copy

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.errors import CompilerError, UnknownActionError
from cgym_ray.llvm.backend import ir_without_value_names

CRC32 = "benchmark://cgym-suite-v0/crc32"
DIJKSTRA = "benchmark://cgym-suite-v0/dijkstra"


@pytest.fixture
def env():
    env = gym.make("llvm-ic-v0", benchmark=CRC32).unwrapped
    env.reset()
    yield env
    env.close()


def test_an_action_name_is_an_action(env):
    _, reward, _, _, _ = env.step("sroa")
    assert env.commandline() == "sroa" and reward > 0
    env.step(np.int64(env.action_space.index("gvn")))
    assert env.commandline() == "sroa gvn"
    with pytest.raises(UnknownActionError, match="frobnicate"):
        env.step("frobnicate")


@pytest.mark.parametrize("action", [1.7, 2.0, None, True, [3]])
def test_an_action_of_another_type_is_a_type_error(env, action):
    with pytest.raises(TypeError, match="int index .* or an action name"):
        env.step(action)
    assert env.commandline() == ""


def test_unknown_observation_and_reward_names_are_key_errors(env):
    with pytest.raises(KeyError, match="known: Autophase"):
        env.observation["bad"]
    with pytest.raises(KeyError, match="known: IrInstructionCount"):
        env.reward["bad"]
    with pytest.raises(CompilerError):  # and still the project's own error
        env.observation["bad"]


def test_copying_an_env_points_at_fork(env):
    with pytest.raises(TypeError, match=r"fork\(\)"):
        copy.copy(env)
    with pytest.raises(TypeError, match=r"fork\(\)"):
        copy.deepcopy(env)


def test_setting_the_benchmark_picks_the_next_reset(env):
    env.benchmark = DIJKSTRA
    assert env.benchmark.uri == CRC32  # this episode goes on
    env.reset()
    assert env.benchmark.uri == DIJKSTRA and env.state.benchmark == DIJKSTRA
    with pytest.raises(CompilerError, match="nope"):
        env.benchmark = "benchmark://cgym-suite-v0/nope"
    env.benchmark = None  # back to the env's selection (the train split)
    env.reset(seed=1)
    assert env.benchmark.uri in env.benchmark_uris


def test_setting_the_spaces_on_a_live_env(env):
    env.step("sroa")
    env.observation_space = "Autophase"
    observation, *_ = env.step("instcombine")
    assert env.observation_space.shape == (56,) and observation.shape == (56,)
    env.reward_space = "IrInstructionCount"
    assert env.reward_space.name == "IrInstructionCount"
    assert (
        env.episode_reward
        == env.references("instruction_count")["O0"] - env.observation["IrInstructionCount"]
    )
    _, reward, *_ = env.step("gvn")
    assert reward == float(int(reward))  # a raw count now
    assert env.validate(check_behaviour=False).ok
    with pytest.raises(TypeError, match="ObservationWrapper"):
        env.observation_space = gym.spaces.Discrete(3)
    with pytest.raises(KeyError):
        env.reward_space = "nope"


def test_commandline_is_a_method(env):
    env.step("sroa")
    assert env.commandline() == "sroa" == env.state.commandline


def test_write_bitcode_and_ir(env, tmp_path):
    env.step("sroa")
    bitcode = env.write_bitcode(tmp_path / "out.bc").read_bytes()
    ir = env.write_ir(tmp_path / "out.ll").read_text()
    assert bitcode.startswith(b"BC\xc0\xde") and ir == env.observation["Ir"] and "define" in ir


def test_action_space_flags_and_render(env):
    assert env.action_space.flags == env.action_space.names and "sroa" in env.action_space.flags
    env.step("sroa")
    assert env.render() == env.observation["Ir"]


@pytest.mark.parametrize(
    "action", ["sccp", "globalopt", "tailcallelim", "infer-alignment", "correlated-propagation"]
)
def test_a_pass_that_only_adds_flags_or_attributes_had_an_effect(env, action):
    """nuw, unnamed_addr, tail, align and nonnull all change the IR text."""
    env.step("sroa")
    before = ir_without_value_names(env.observation["Ir"])
    _, _, _, _, info = env.step(action)
    assert (
        ir_without_value_names(env.observation["Ir"]) != before
    )  # crc32 after sroa: each changes something
    assert info["action_had_no_effect"] is False


def test_a_program_with_no_instructions_is_refused_at_reset(tmp_path):
    source = tmp_path / "nothing.c"
    source.write_text("/* a comment, and no code */\n")
    env = gym.make("llvm-ic-v0").unwrapped
    with pytest.raises(CompilerError, match="nothing.c: the module has no instructions"):
        env.reset(options={"benchmark": f"file://{source}"})
    env.close()
