"""Job files: every class of error exits 2 naming the file, line and field."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from cgym_ray.jobs.loading import JobConfigError, load_job

GOOD = """\
kind: search
name: t
env: {id: llvm-ic-v0}
benchmarks:
  datasets: [cgym-suite-v0:test]
agents:
  - {name: random, params: {patience: 5}}
budget: {steps: 50}
ray:
  num_cpus: 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def cgym(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cgym_ray", *args], capture_output=True, text=True, timeout=300
    )


def test_good_config_loads(tmp_path):
    config = load_job(write(tmp_path, GOOD))
    assert config.kind == "search" and config.agents[0].params == {"patience": 5}
    assert len(config.benchmarks.resolve()) == 12


@pytest.mark.parametrize(
    ("change", "line", "field", "hint"),
    [
        (("ray:\n  num_cpus: 2", "ray:\n  num_cpu: 2"), 10, "ray.num_cpu", "allowed here"),
        (("budget: {steps: 50}", "budget: {steps: lots}"), 8, "budget.steps", "integer"),
        (("{name: random,", "{name: randon,"), 7, "agents.0.name", "known:"),
        (("cgym-suite-v0:test", "cgym-suite-v0:tset"), 5, "benchmarks.datasets", "split"),
        (("kind: search", "kind: serch"), 1, "kind", "allowed: search"),
        (("env: {id: llvm-ic-v0}", "env: {id: llvm-xx-v0}"), 3, "env.id", "known"),
    ],
)
def test_each_kind_of_error_names_line_and_field(tmp_path, change, line, field, hint):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(JobConfigError) as caught:
        load_job(path)
    message = str(caught.value)
    assert f"{path}:{line}" in message and field in message and hint in message, message
    result = cgym("run", str(path), "--dry-run")
    assert result.returncode == 2 and field in result.stderr and "Traceback" not in result.stderr


def test_bad_yaml_and_missing_file(tmp_path):
    path = write(tmp_path, "kind: search\nbenchmarks: [unclosed\n")
    with pytest.raises(JobConfigError, match=r"job.yaml:\d+: not valid YAML"):
        load_job(path)
    result = cgym("run", str(tmp_path / "absent.yaml"))
    assert result.returncode == 2 and "no such job file" in result.stderr


def test_unknown_benchmark_uri(tmp_path):
    path = write(
        tmp_path,
        GOOD.replace("datasets: [cgym-suite-v0:test]", "uris: [benchmark://cgym-suite-v0/nope]"),
    )
    with pytest.raises(JobConfigError, match="nope"):
        load_job(path)


def test_overrides_and_dry_run(tmp_path):
    path = write(tmp_path, GOOD)
    config = load_job(path, ["budget.seconds=3.5", "ray.num_cpus=1", "agents.0.params.patience=9"])
    assert config.budget.seconds == 3.5 and config.ray.num_cpus == 1
    assert config.agents[0].params["patience"] == 9
    with pytest.raises(JobConfigError, match="command-line override"):
        load_job(path, ["budget.steps=-4"])
    with pytest.raises(JobConfigError, match="key.sub=value"):
        load_job(path, ["budget"])
    result = cgym("run", str(path), "budget.steps=7", "--dry-run")
    assert result.returncode == 0
    resolved = yaml.safe_load(result.stdout)
    assert resolved["budget"]["steps"] == 7 and resolved["agents"][0]["name"] == "random"


def test_single_agent_shorthand_and_relative_files(tmp_path):
    (tmp_path / "prog.c").write_text(
        '#include <stdio.h>\nint main(void){printf("1\\n");return 0;}\n'
    )
    path = write(
        tmp_path,
        GOOD.replace("datasets: [cgym-suite-v0:test]", "files: [prog.c]").replace(
            "agents:\n  - {name: random, params: {patience: 5}}", "agent: {name: greedy}"
        ),
    )
    config = load_job(path)
    assert [a.name for a in config.agents] == ["greedy"]
    assert config.benchmarks.resolve() == [f"file://{tmp_path / 'prog.c'}"]
    broken = write(
        tmp_path,
        GOOD.replace("agents:\n  - {name: random, params: {patience: 5}}", "agent: {name: nobody}"),
    )
    with pytest.raises(JobConfigError, match="agent.name"):
        load_job(broken)


def test_shipped_configs_are_valid():
    for path in sorted(Path("configs").glob("*.yaml")):
        load_job(path)


@pytest.mark.parametrize("seconds", [".inf", "1e9"])
def test_an_endless_time_budget_without_a_step_limit_is_refused(tmp_path, seconds):
    path = write(tmp_path, GOOD.replace("budget: {steps: 50}", f"budget: {{seconds: {seconds}}}"))
    with pytest.raises(JobConfigError, match=r"job.yaml:8.*budget"):
        load_job(path)
    bounded = write(
        tmp_path, GOOD.replace("budget: {steps: 50}", "budget: {steps: 50, seconds: 1e9}")
    )
    assert load_job(bounded).budget.steps == 50


@pytest.mark.parametrize(
    ("name", "data", "complaint"),
    [
        ("empty.c", b"", "empty"),
        ("blank.ll", b"\n  \n", "empty"),
        ("empty.bc", b"", "empty"),
        ("garbage.bc", bytes(range(256)), "not LLVM bitcode"),
    ],
)
def test_empty_and_garbage_programs_are_refused_at_load_naming_the_file(
    tmp_path, name, data, complaint
):
    (tmp_path / name).write_bytes(data)
    path = write(tmp_path, GOOD.replace("datasets: [cgym-suite-v0:test]", f"files: [{name}]"))
    with pytest.raises(JobConfigError) as caught:
        load_job(path)
    message = str(caught.value)
    assert str(tmp_path / name) in message and complaint in message, message
    assert message.isascii() and all(c.isprintable() or c == "\n" for c in message), message


BLOCK_PARAMS = GOOD.replace(
    "agents:\n  - {name: random, params: {patience: 5}}",
    "agents:\n  - name: random\n    params:\n      max_episode_length: 9\n      patiense: 25\n",
)


def test_an_unknown_agent_parameter_exits_2_naming_its_line_and_field(tmp_path):
    path = write(tmp_path, BLOCK_PARAMS)
    with pytest.raises(JobConfigError) as caught:
        load_job(path)
    message = str(caught.value)
    assert f"{path}:10: agents.0.params.patiense: unknown parameter" in message, message
    assert "allowed: patience" in message
    result = cgym("run", str(path), "--dry-run")
    assert result.returncode == 2 and "agents.0.params.patiense" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("agent", "field", "words"),
    [
        ("{name: random, params: {patience: lots}}", "agents.0.params.patience", "not a valid"),
        ("{name: beam, params: {width: 1.5}}", "agents.0.params.width", "not a valid"),
        (
            "{name: policy, params: {checkpoints: x}}",
            "agents.0.params.checkpoints",
            "allowed: checkpoint",
        ),
        (
            "{name: greedy, params: {patience: 3}}",
            "agents.0.params.patience",
            "allowed: min_improvement",
        ),
    ],
)
def test_agent_parameters_are_checked_against_the_agent(tmp_path, agent, field, words):
    path = write(tmp_path, GOOD.replace("{name: random, params: {patience: 5}}", agent))
    with pytest.raises(JobConfigError) as caught:
        load_job(path)
    message = str(caught.value)
    assert f"{path}:7: {field}:" in message and words in message, message


def test_a_leaderboard_job_checks_its_agent_parameters(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text(
        "kind: leaderboard\ntask: llvm-ic-suite-v0\nagent: {name: random, params: {patiense: 2}}\n"
    )
    with pytest.raises(
        JobConfigError, match=r"job.yaml:3: agent.params.patiense: unknown parameter"
    ):
        load_job(path)


def test_validating_a_job_file_imports_neither_ray_nor_torch(tmp_path):
    """A config check stays light: the agents and job kinds are named, not imported."""
    path = write(
        tmp_path,
        GOOD.replace(
            "agents:\n  - {name: random, params: {patience: 5}}",
            "agents:\n  - {name: random, params: {patience: 5}}\n"
            "  - {name: genetic}\n  - {name: policy, params: {checkpoint: runs/x}}",
        ),
    )
    train = tmp_path / "train.yaml"
    train.write_text("kind: train\nbenchmarks: {datasets: [cgym-suite-v0:train]}\niterations: 1\n")
    code = textwrap.dedent(f"""
        import sys
        from cgym_ray.jobs.loading import load_job
        assert [a.name for a in load_job({str(path)!r}).agents] == ["random", "genetic", "policy"]
        assert load_job({str(train)!r}).kind == "train"
        loaded = sorted(m for m in ("ray", "torch") if m in sys.modules)
        assert not loaded, loaded
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_the_agent_table_names_every_search_baseline():
    from cgym_ray.agents import AGENTS, PIPELINE_AGENTS, load_agent
    from cgym_ray.search import AGENTS as SEARCH_AGENTS
    from cgym_ray.search import PIPELINE_AGENTS as PIPELINE_SEARCHES

    # The agents that live with the RL code (cgym_ray/rl/), beside every search baseline.
    assert set(AGENTS) == {
        *SEARCH_AGENTS,
        *PIPELINE_SEARCHES,
        "policy",
        "list_chooser",
        "chooser_portfolio",
        "edit_policy",
        "list_policy",
    }
    # The edit and list policies and the chooser-led pipeline portfolio act on the pipeline env
    # too: their states are pipeline texts.
    assert PIPELINE_AGENTS == {
        *PIPELINE_SEARCHES,
        "edit_policy",
        "list_policy",
        "chooser_portfolio",
    }
    searches = {**SEARCH_AGENTS, **PIPELINE_SEARCHES}
    assert all(load_agent(name) is searches[name] for name in searches)


def test_a_builtin_job_loads_by_name_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_job("quickstart").name == "quickstart"
    with pytest.raises(
        JobConfigError,
        match=r"quickstart.yaml: no such job file \(built-in jobs, by name: .*ppo-smoke",
    ):
        load_job("quickstart.yaml")  # a path, relative to here: not a name
