"""Several actions in one request (`apply_sequence`), warm reloads, and worker pinning."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from cgym_ray.errors import CompilerAbort, CompilerTimeout, PipelineError, StepFailed
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.patience import PatienceRule
from cgym_ray.llvm.session import RELOADS_PER_WORKER, CompilerSession

CATALOGUE = get_backend("libllvm").actions
PASSES = [i for i, a in enumerate(CATALOGUE) if not a.is_macro]


def random_passes(seed: int, n: int) -> list[int]:
    return [int(a) for a in np.random.default_rng(seed).choice(PASSES, size=n)]


def test_a_sequence_does_what_the_steps_one_by_one_do(suite_bitcode):
    actions = random_passes(0, 25)
    one_by_one = CompilerSession(suite_bitcode["dijkstra"], "dijkstra")
    expected = [one_by_one.apply(a) for a in actions]
    batched = CompilerSession(suite_bitcode["dijkstra"], "dijkstra")
    results, error = batched.apply_sequence(actions)
    assert error is None
    assert [r.instruction_count for r in results] == [r.instruction_count for r in expected]
    assert [r.changed for r in results] == [r.changed for r in expected]
    assert batched.history == one_by_one.history
    assert batched.measure("ir_sha1") == one_by_one.measure("ir_sha1")


def test_without_changes_the_counts_are_the_same(crc32_bitcode):
    actions = random_passes(1, 15)
    with_changes, _ = CompilerSession(crc32_bitcode, "crc32").apply_sequence(actions)
    without, _ = CompilerSession(crc32_bitcode, "crc32").apply_sequence(actions, changes=False)
    assert [r.instruction_count for r in without] == [r.instruction_count for r in with_changes]
    assert all(r.changed for r in without)  # unknown, reported as changed


def test_patience_stops_after_that_many_steps_without_a_new_best(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    start = session.instruction_count
    # sroa shrinks the module; nothing after a second dce-like no-op can beat it.
    actions = ["sroa"] + ["strip-dead-prototypes"] * 10
    results, error = session.apply_sequence(
        actions, stop=PatienceRule(3, "instruction_count", float(start), True)
    )
    assert error is None
    assert [r.action for r in results] == ["sroa"] + ["strip-dead-prototypes"] * 3
    # Starting from a best it cannot beat, it stops after `patience` steps.
    results, _ = session.apply_sequence(
        actions, stop=PatienceRule(2, "instruction_count", 0.0, True)
    )
    assert len(results) == 2


def test_a_failing_action_ends_the_sequence_and_the_worker_lives(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    bad = Action("bad", "function(no-such-pass)")
    results, error = session.apply_sequence(["sroa", bad, "gvn"])
    assert [r.action for r in results] == ["sroa"]
    assert isinstance(error, PipelineError) and "bad" in str(error)
    assert session.alive and session.history == ["sroa"]
    assert session.apply("gvn").instruction_count > 0


def test_an_abort_inside_a_sequence_kills_only_the_worker(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(CompilerAbort, match="injected fatal error"):
        session.apply_sequence(["sroa", Action("boom", "cgym-inject-abort"), "gvn"])
    assert not session.alive


def test_each_step_of_a_sequence_keeps_its_timeout(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32", timeout_s=1.0)
    pid = session.worker_pid
    with pytest.raises(CompilerTimeout) as caught:
        session.apply_sequence(["sroa", Action("stuck", "cgym-inject-hang")])
    # The worker ended itself after the step's 1 s, well before the request's own limit.
    assert caught.value.timeout_s == 1.0 and caught.value.action == "cgym-inject-hang"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_worker_that_dies_in_a_sequence_leaves_the_step_it_was_running(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(CompilerAbort) as caught:
        session.apply_sequence(["sroa", "gvn", Action("boom", "cgym-inject-abort"), "instcombine"])
    assert caught.value.step_index == 2
    session = CompilerSession(crc32_bitcode, "crc32")
    with pytest.raises(StepFailed) as caught:
        session.try_actions(["sroa", Action("segv", "cgym-inject-segfault"), "gvn"])
    assert caught.value.cause == "crash" and caught.value.step_index == 1
    session = CompilerSession(crc32_bitcode, "crc32")
    session.apply_sequence(["sroa", "gvn"])
    with pytest.raises(CompilerAbort) as caught:  # a single step: no index
        session.apply(Action("boom", "cgym-inject-abort"))
    assert caught.value.step_index is None


def test_with_an_overrun_the_time_limit_bounds_a_step_too(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32", timeout_s=600.0)
    hang = Action("stuck", "cgym-inject-hang")
    with pytest.raises(CompilerTimeout) as caught:
        session.apply_sequence(["sroa", "gvn", hang], time_limit_s=0.2, overrun_s=0.3)
    assert caught.value.step_index == 2 and caught.value.timeout_s <= 0.5


def test_time_limit_stops_a_sequence(suite_bitcode):
    session = CompilerSession(suite_bitcode["aes128"], "aes128")
    results, _ = session.apply_sequence(["O3"] * 50, time_limit_s=1e-6)
    assert len(results) == 1  # at least one step, then the limit


def test_reload_keeps_the_worker_and_starts_afresh(suite_bitcode):
    session = CompilerSession(suite_bitcode["crc32"], "crc32")
    first_count, pid = session.instruction_count, session.worker_pid
    session.apply("sroa")
    assert session.reload(suite_bitcode["dijkstra"], "dijkstra")
    assert session.worker_pid == pid and session.history == [] and session.benchmark == "dijkstra"
    assert (
        session.instruction_count
        == CompilerSession(suite_bitcode["dijkstra"], "dijkstra").instruction_count
    )
    assert session.reload(suite_bitcode["crc32"], "crc32")
    assert session.instruction_count == first_count
    assert session.apply("sroa").changed  # the fingerprint of the old module is gone


def test_reload_declines_after_its_quota_or_a_crash(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    session._worker.loads = RELOADS_PER_WORKER  # loads are counted per worker
    assert not session.reload(crc32_bitcode, "crc32")
    session._worker.loads = 1
    with pytest.raises(CompilerAbort):
        session.apply(Action("boom", "cgym-inject-abort"))
    assert not session.reload(crc32_bitcode, "crc32")


def allowed_cpus(pid: int) -> str:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("Cpus_allowed_list:"):
            return line.split()[1]
    raise AssertionError("no Cpus_allowed_list")


def test_a_worker_pins_itself_to_its_callers_cpu(crc32_bitcode):
    session = CompilerSession(crc32_bitcode, "crc32")
    session.apply("sroa")
    pinned = allowed_cpus(session.worker_pid)
    assert pinned.isdigit() and int(pinned) in os.sched_getaffinity(0)


def test_pinning_can_be_turned_off(tmp_path):
    script = (
        "from cgym_ray.llvm.session import CompilerSession\n"
        "from cgym_ray.datasets import get_dataset\n"
        "s = CompilerSession(get_dataset('cgym-suite-v0').benchmark('crc32').bitcode(), 'crc32')\n"
        "s.apply('sroa')\n"
        "print(open(f'/proc/{s.worker_pid}/status').read())\n"
    )
    env = {**os.environ, "CGYM_PIN_WORKERS": "0"}
    status = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    (line,) = [x for x in status.stdout.splitlines() if x.startswith("Cpus_allowed_list:")]
    assert line.split()[1] == allowed_cpus(os.getpid())  # what it inherited, not one CPU chosen
