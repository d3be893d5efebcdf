"""Compiler sessions: actions, history, fork, measurements."""

from __future__ import annotations

import hashlib

import pytest

from cgym_ray.errors import CompilerError, UnknownActionError
from cgym_ray.llvm.session import CompilerSession


@pytest.fixture
def session(crc32_bitcode):
    with CompilerSession(crc32_bitcode, "benchmark://cgym-suite-v0/crc32") as s:
        yield s


def test_apply_updates_count_history_and_reports_change(session):
    start = session.instruction_count
    result = session.apply("sroa")
    assert result.changed and result.instruction_count < start
    assert session.history == ["sroa"]
    again = session.apply("sroa")
    assert not again.changed and again.instruction_count == result.instruction_count


def test_fork_is_independent_both_ways(session):
    session.apply("sroa")
    child = session.fork()
    assert child.worker_pid == session.worker_pid  # a copy in the same worker
    assert child.history == ["sroa"]
    child.apply("Oz")
    assert child.instruction_count < session.instruction_count
    assert session.measure("instruction_count")["instruction_count"] == session.instruction_count
    session.apply("simplifycfg")
    assert child.history == ["sroa", "Oz"]


def test_measurements(session):
    values = session.measure(
        "inst_count", "autophase", "ir_text", "ir_sha1", "bitcode", "object_text_size_bytes"
    )
    assert len(values["inst_count"]) == 70 and len(values["autophase"]) == 56
    assert values["inst_count"][0] == session.instruction_count
    assert values["ir_sha1"] == hashlib.sha1(values["ir_text"].encode()).hexdigest()
    assert values["bitcode"][:2] == b"BC"
    assert values["object_text_size_bytes"] > 0


def test_try_actions_leaves_the_session_unchanged(session):
    before = session.measure("ir_sha1")["ir_sha1"]
    results = session.try_actions(["sroa", "O3", "mem2reg"], observations=("verify",))
    assert [r.observations["verify"] for r in results] == ["", "", ""]
    assert results[1].instruction_count < session.instruction_count
    assert session.measure("ir_sha1")["ir_sha1"] == before


def test_unknown_action_and_measurement(session):
    with pytest.raises(UnknownActionError, match="not-a-pass"):
        session.apply("not-a-pass")
    with pytest.raises(CompilerError, match="unknown measurement"):
        session.measure("colour")


def test_in_process_isolation_gives_the_same_counts(crc32_bitcode):
    counts = []
    for isolation in ("process", "none"):
        with CompilerSession(crc32_bitcode, "crc32", isolation=isolation) as s:
            counts.append([s.apply(a).instruction_count for a in ("sroa", "instcombine", "O3")])
    assert counts[0] == counts[1]
