"""The worker protocol: named requests and replies, a version, one error shape."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cgym_ray
from cgym_ray.errors import PipelineError
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.protocol import (
    PROTOCOL_VERSION,
    Request,
    StepResult,
    WorkerError,
    pack_request,
    receive_message,
    send_message,
    unpack_reply,
)
from cgym_ray.llvm.session import CompilerSession

BAD = Action("bad", "no-such-pass")


@pytest.fixture
def session(crc32_bitcode):
    with CompilerSession(crc32_bitcode, "crc32") as session:
        yield session


def test_a_worker_refuses_a_request_of_another_protocol_version(session):
    worker = session._worker
    send_message(worker.sock, pack_request(Request("ping", version=PROTOCOL_VERSION + 1)))
    message, _ = receive_message(worker.sock, timeout_s=30)
    reply = unpack_reply(message)
    assert reply.version == PROTOCOL_VERSION and reply.value is None
    assert (
        reply.error.type == "ProtocolError" and "different cgym-ray versions" in reply.error.message
    )
    # The worker lives on, and answers a request of its own version.
    assert session.measure("instruction_count")["instruction_count"] == session.instruction_count


def test_every_failure_the_worker_survives_has_one_shape(session):
    with pytest.raises(PipelineError, match="no-such-pass"):
        session.apply(BAD)
    tried = session.try_actions(["sroa", BAD])
    assert [type(r) for r in tried] == [StepResult, StepResult] and tried[0].error is None
    assert isinstance(tried[1].error, WorkerError) and tried[1].error.type == "PipelineError"
    assert tried[1].action == "bad"
    results, error = session.apply_sequence(["sroa", BAD, "gvn"])
    assert [r.action for r in results] == ["sroa"]
    assert isinstance(error, PipelineError) and str(error).startswith("bad: ")


def test_a_worker_error_becomes_the_same_exception_class():
    assert type(WorkerError("PipelineError", "x").to_exception()) is PipelineError
    unknown = WorkerError("KeyError", "'colour'").to_exception()
    assert type(unknown).__name__ == "CompilerError" and str(unknown) == "KeyError: 'colour'"


def test_test_switches_live_only_in_the_faults_module():
    package = Path(cgym_ray.__file__).parent
    readers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if any(name in path.read_text() for name in ("CGYM_FAULT_INJECTION", "CGYM_STORE_PAUSE_AT"))
        and path.name != "faults.py"
    )
    # rl/config.py and rl/envs.py only name it in the docstrings of the train job's option.
    assert readers == ["rl/config.py", "rl/envs.py"], readers
    assert os.environ.get("CGYM_FAULT_INJECTION") == "1"  # set by tests/conftest.py


def test_requests_and_replies_cross_the_wire_as_plain_tuples_and_come_back_whole():
    import pickle

    from cgym_ray.llvm.protocol import Reply, pack_reply, unpack_request

    steps = [
        StepResult("sroa", True, 80, 1e-4, 2e-4, {"autophase": [1, 2]}),
        StepResult("bad", False, -1, 0.0, 0.0, error=WorkerError("PipelineError", "no such pass")),
    ]
    for reply in (
        Reply(steps),
        Reply(steps[0]),
        Reply((3, 4)),
        Reply(error=WorkerError("KeyError", "x", "tb")),
    ):
        wire = pickle.dumps(pack_reply(reply))
        assert b"cgym_ray" not in wire  # no class references: they cost more than the message
        assert unpack_reply(pickle.loads(wire)) == reply
    request = Request("apply", {"module_id": 1, "pipeline": "sroa"}, cpu=1)
    assert unpack_request(pickle.loads(pickle.dumps(pack_request(request)))) == request
    assert unpack_request(("apply", (1, "sroa"), 0)).version != PROTOCOL_VERSION  # the old format
