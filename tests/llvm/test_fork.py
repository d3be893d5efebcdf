"""Forks inside the worker: exact copies, and crash isolation between siblings."""

from __future__ import annotations

import re

import pytest

from cgym_ray.errors import CompilerAbort
from cgym_ray.llvm.actions import Action
from cgym_ray.llvm.session import CompilerSession

# Passes that reorder use lists and create clashing names, then -Oz: where a
# CloneModule'd copy went wrong (5 of 36 random cases on the suite).
BEFORE = ["loop-rotate", "gvn-hoist", "simplifycfg-aggressive", "mem2reg", "reassociate"]
AFTER = ["div-rem-pairs", "mergefunc", "loop-rotate", "Oz"]
_NAME = re.compile(r"([%@])([-A-Za-z$._][-\w$.]*)|^([-A-Za-z$._][-\w$.]*):", re.MULTILINE)


def canonical_ir(session: CompilerSession) -> str:
    """The IR text with each name replaced by its order of first appearance.

    LLVM numbers a clashing name from a counter in its symbol table (`%.not116`),
    which no API copies, so only those numbers may differ after a fork;
    everything else, the use-list order comments (`; preds = ...`) included, must not.
    """
    globals_: dict[str, str] = {}

    def canonical(chunk: str) -> str:
        locals_: dict[str, str] = {}  # local names are per function

        def rename(match: re.Match) -> str:
            sigil, name, label = match.groups()
            key = ("%" + label) if label else sigil + name
            names = globals_ if key[0] == "@" else locals_
            new = names.setdefault(key, f"{key[0]}n{len(names)}")
            return f"{new[1:]}:" if label else new

        return _NAME.sub(rename, chunk)

    text = session.measure("ir_text")["ir_text"]
    renamed = "".join(canonical(chunk) for chunk in re.split(r"(?m)^(?=define )", text))
    return re.sub(r" +;", " ;", renamed)  # comments are aligned after the label


@pytest.mark.slow  # 45 programs, three sessions each
def test_a_fork_gives_the_ir_of_an_unforked_replay_on_every_suite_program(suite_bitcode):
    for name, bitcode in sorted(suite_bitcode.items()):
        with CompilerSession(bitcode, name, isolation="none") as replay:
            replay.apply_sequence(BEFORE + AFTER)
            expected = canonical_ir(replay)
        with CompilerSession(bitcode, name, isolation="none") as parent:
            parent.apply_sequence(BEFORE)
            with parent.fork() as child:
                child.apply_sequence(AFTER)
                assert canonical_ir(child) == expected, f"{name}: the child differs"
            parent.apply_sequence(AFTER)
            assert canonical_ir(parent) == expected, f"{name}: the parent differs"


def test_forks_share_a_worker_unless_a_process_is_asked_for(crc32_bitcode):
    with CompilerSession(crc32_bitcode, "crc32") as parent:
        parent.apply("sroa")
        with parent.fork() as child, parent.fork(new_process=True) as other:
            assert child.worker_pid == parent.worker_pid != other.worker_pid
            assert child.history == other.history == ["sroa"]
            child.apply("Oz")
            assert parent.measure("instruction_count")["instruction_count"] == (
                parent.instruction_count
            )
            assert other.measure("ir_text") == parent.measure("ir_text")


def test_a_sibling_that_crashes_costs_the_others_a_replay_not_their_state(crc32_bitcode):
    with CompilerSession(crc32_bitcode, "crc32") as replay:
        replay.apply_sequence(["sroa", "instcombine", "gvn"])
        expected = replay.measure("ir_text")["ir_text"]
    parent = CompilerSession(crc32_bitcode, "crc32")
    parent.apply_sequence(["sroa", "instcombine"])
    first, second = parent.fork(), parent.fork()
    dead_pid = parent.worker_pid
    with pytest.raises(CompilerAbort):
        first.apply(Action("boom", "cgym-inject-abort"))
    assert not first.alive and parent.alive and second.alive
    second.apply("gvn")
    parent.apply("gvn")
    assert second.worker_pid == parent.worker_pid != dead_pid  # one successor for both
    assert second.measure("ir_text")["ir_text"] == expected
    assert parent.measure("ir_text")["ir_text"] == expected
    for session in (first, second, parent):
        session.close()
