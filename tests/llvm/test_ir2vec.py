"""IR2Vec from libLLVM: vectors against a hand computation, the strict parser, and the
vocabulary's install (by URL over HTTP on 127.0.0.1, or --from) and checks.

The tests use the vocabulary tests/conftest.py makes (named by CGYM_IR2VEC_VOCABULARY), in
LLVM's layout: a fresh machine cannot download LLVM's own file."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading

import gymnasium as gym
import numpy as np
import pytest

import cgym_ray  # noqa: F401
from cgym_ray.datasets import get_dataset
from cgym_ray.errors import CompilerError, VocabularyError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.ir2vec import (
    INSTALL_COMMAND,
    KINDS,
    LLVM_VOCABULARY,
    VOCABULARY_VARIABLE,
    Vocabulary,
    install_vocabulary,
    parse_printer_output,
    program_vector,
    require_vocabulary,
)
from cgym_ray.llvm.session import CompilerSession
from tests.conftest import random_pass_walk

TINY = b"""
define i32 @f(i32 %a) {
entry:
  %b = add i32 %a, 1
  ret i32 %b
}
declare void @g()
"""
# LLVM's default weights: opcode 1.0, type 0.5, operand 0.2 (--ir2vec-*-weight).
OPCODE, TYPE, ARGUMENT = 1.0, 0.5, 0.2


@pytest.fixture(scope="module")
def vocabulary_bytes() -> bytes:
    """The vocabulary in use: the one tests/conftest.py made."""
    return require_vocabulary().read_bytes()


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """LLVM's pinned vocabulary, not installed: an empty user cache and no vocabulary of
    one's own, for this process and the workers it starts."""
    monkeypatch.setenv("CGYM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(VOCABULARY_VARIABLE)
    return tmp_path / "cache"


def test_vectors_of_a_tiny_module_are_the_hand_computed_ones(vocabulary_bytes):
    seeds = json.loads(vocabulary_bytes)
    opcode, types, operand = seeds["Opcodes"], seeds["Types"], seeds["Arguments"]

    def v(section: dict, key: str) -> np.ndarray:
        return np.array(section[key])

    # %b = add i32 %a, 1: its opcode, its type (i32), its operands (an argument, a constant).
    add = OPCODE * v(opcode, "Add") + TYPE * v(types, "IntegerTy")
    add += ARGUMENT * (v(operand, "Variable") + v(operand, "Constant"))
    # ret i32 %b: its type is void; symbolic counts %b as a variable, flow-aware as %b's vector.
    ret = OPCODE * v(opcode, "Ret") + TYPE * v(types, "VoidTy")
    symbolic = add + ret + ARGUMENT * v(operand, "Variable")
    flow_aware = add + ret + add
    with CompilerSession(TINY, "tiny.ll") as session:
        measured = session.measure("ir2vec_symbolic", "ir2vec_flow_aware")
    for kind, expected in (("ir2vec_symbolic", symbolic), ("ir2vec_flow_aware", flow_aware)):
        (name, vector), *others = measured[kind]
        assert name == "f" and not others  # the declaration @g has no vector
        np.testing.assert_allclose(vector, expected, atol=0.005 + 1e-9)  # LLVM prints "%.2f"


def test_env_observations_are_the_sum_and_the_rows_of_the_function_vectors(tmp_path):
    source = tmp_path / "tiny.ll"
    source.write_bytes(TINY + b"define void @h() {\n  ret void\n}\n")
    env = gym.make("llvm-v0", benchmark=f"file://{source}", observation_space="Ir2vec").unwrapped
    total, _ = env.reset()
    rows = env.observation["Ir2vecFunctions"]
    assert rows.shape == (2, LLVM_VOCABULARY.dimension)
    np.testing.assert_allclose(total, rows.sum(axis=0))
    for name in ("Ir2vec", "Ir2vecSymbolic", "Ir2vecFunctions", "Ir2vecSymbolicFunctions"):
        assert env.observation.spaces()[name].contains(env.observation[name]), name
    env.close()


def test_parser_reads_what_the_printer_writes_and_nothing_else():
    block = " [ 1.00  -2.50 ]"
    text = "\n".join(
        [
            "IR2Vec embeddings for function f:",
            "Function vector:  [ 1.00  -2.50 ]",
            "Basic block vectors:",
            "Basic block: entry:",
            block,
            "Instruction vectors:",
            "Instruction:   switch i32 %x, label %d [",
            "    i32 0, label %e",
            "  ] [ 1.00  -2.50 ]",
            "IR2Vec embeddings for function g:",
            "Function vector:  [ 0.00  0.00 ]",
            "Basic block vectors:",
            "Instruction vectors:",
        ]
    )
    ((name, vector),) = parse_printer_output(text, 2)
    assert name == "f" and vector.tolist() == [1.0, -2.5]
    with pytest.raises(CompilerError, match="expected 3 numbers"):
        parse_printer_output(text, 3)
    with pytest.raises(CompilerError, match="warning: something"):
        parse_printer_output("warning: something\n" + text, 2)
    with pytest.raises(CompilerError, match="ends early"):
        parse_printer_output("IR2Vec embeddings for function f:", 2)


# These two run LLVM in the test's own process, where the cache can be emptied (workers
# fork from a template that read its environment earlier): had LLVM been asked without
# the file, this process would have ended, so passing shows the check comes first.
def test_a_missing_vocabulary_names_the_file_and_the_command_before_llvm_is_asked(empty_cache):
    module = get_backend("libllvm").load(TINY, "tiny.ll")
    with pytest.raises(VocabularyError) as error:
        module.ir2vec("flow-aware")
    assert str(LLVM_VOCABULARY.path) in str(error.value)
    assert INSTALL_COMMAND in str(error.value) and "--from" in str(error.value)
    assert module.instruction_count() == 2
    module.dispose()  # here, not in whichever thread collects it


def test_a_damaged_vocabulary_fails_its_hash_before_llvm_reads_it(empty_cache, vocabulary_bytes):
    LLVM_VOCABULARY.path.parent.mkdir(parents=True)
    LLVM_VOCABULARY.path.write_bytes(vocabulary_bytes)  # well formed, but not LLVM's file
    module = get_backend("libllvm").load(TINY, "tiny.ll")
    with pytest.raises(VocabularyError, match="fails its sha256 check.*install-ir2vec"):
        module.ir2vec("symbolic")
    module.dispose()


@pytest.fixture
def served(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_install_downloads_checks_the_hash_and_keeps_nothing_wrong(
    served, empty_cache, vocabulary_bytes, tmp_path
):
    root, url = served
    (root / "good.json").write_bytes(vocabulary_bytes)
    (root / "bad.json").write_bytes(vocabulary_bytes + b"\n")
    # Pinned as LLVM's is, by URL and sha256, to the bytes this test serves.
    pinned = Vocabulary(
        file_name="seeds.json",
        url=f"{url}/good.json",
        sha256=hashlib.sha256(vocabulary_bytes).hexdigest(),
        dimension=75,
        licence="made by the test",
    )
    with pytest.raises(VocabularyError, match="sha256 is .* nothing was installed"):
        install_vocabulary(f"{url}/bad.json", pinned)
    assert not pinned.path.exists()
    with pytest.raises(VocabularyError, match=f"{INSTALL_COMMAND} --from"):
        install_vocabulary(f"{url}/missing.json", pinned)
    assert install_vocabulary(None, pinned) == pinned.path  # its own URL
    assert require_vocabulary(pinned).read_bytes() == vocabulary_bytes
    copy = tmp_path / "copy.json"
    copy.write_bytes(vocabulary_bytes)
    pinned.path.unlink()
    assert install_vocabulary(str(copy), pinned) == pinned.path  # --from PATH, offline


def test_a_vocabulary_of_ones_own_sets_the_dimension_and_is_checked(tmp_path, monkeypatch):
    """Seeds of another dimension work through CGYM_IR2VEC_VOCABULARY; a malformed file is a
    VocabularyError naming the file and the variable, before LLVM reads it."""
    keys = {"Opcodes": ["Add", "Ret"], "Types": ["IntegerTy", "VoidTy"], "Arguments": ["Variable"]}
    seeds = {section: {k: [1.0, 0.0, -1.0] for k in names} for section, names in keys.items()}
    own = tmp_path / "own.json"
    own.write_text(json.dumps(seeds))
    monkeypatch.setenv(VOCABULARY_VARIABLE, str(own))
    module = get_backend("libllvm").load(TINY, "tiny.ll")
    try:
        ((name, vector),) = module.ir2vec("symbolic")
        # add (opcode, i32, argument + the constant, which has no seed) and ret (void, %b):
        # each of the three coordinates is 1.0 * (1 + 1) + 0.5 * (1 + 1) + 0.2 * (1 + 1).
        assert name == "f" and vector.tolist() == pytest.approx([2 + 1 + 0.4, 0, -3.4], abs=1e-6)
        ((_, printed),) = module.ir2vec_printer("symbolic")
        np.testing.assert_allclose(printed, vector, atol=0.005 + 1e-9)
        for text, problem in (
            ("{", "not readable JSON"),
            (json.dumps({"Opcodes": seeds["Opcodes"]}), "no 'Types' section"),
            (json.dumps({**seeds, "Types": {"VoidTy": [1.0]}}), "different lengths"),
            (json.dumps({**seeds, "Types": {"VoidTy": ["x", 1, 2]}}), "Types.VoidTy is not"),
        ):
            own.write_text(text)
            with pytest.raises(VocabularyError, match=f"{own}.*{VOCABULARY_VARIABLE}.*{problem}"):
                module.ir2vec("symbolic")
        monkeypatch.setenv(VOCABULARY_VARIABLE, str(tmp_path / "absent.json"))
        with pytest.raises(VocabularyError, match="absent.json, which does not exist"):
            module.ir2vec("flow-aware")
        assert module.instruction_count() == 2
    finally:
        module.dispose()


def test_printed_text_is_whole_while_another_thread_writes_to_stderr(tmp_path):
    """LLVM's printer writes to descriptor 2 in small pieces; no other write may land inside.

    Another thread writes to this process's stderr all the while (as Ray's log threads do
    in a test process); this process's stderr, a file here as in a worker, keeps only
    what was written to it and nothing of the child's text.
    """
    import os

    from cgym_ray.llvm.ir2vec import stderr_of

    path = tmp_path / "stderr"
    saved = os.dup(2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    done = threading.Event()

    def noise() -> None:
        while not done.is_set():
            os.write(2, b"noise\n")

    pieces = [f" {i}.00".encode() for i in range(2000)]
    thread = threading.Thread(target=noise)
    try:
        os.write(2, b"before\n")
        thread.start()
        texts = [stderr_of(lambda: [os.write(2, piece) for piece in pieces]) for _ in range(5)]
    finally:
        done.set()
        thread.join()
        os.write(2, b"after\n")
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
    assert texts == [b"".join(pieces).decode()] * 5
    kept = path.read_bytes()
    assert kept.startswith(b"before\n") and kept.endswith(b"after\n")
    assert set(kept.splitlines()) == {b"before", b"noise", b"after"}


def test_a_child_that_fails_is_an_error_quoting_its_text():
    import os

    from cgym_ray.llvm.ir2vec import stderr_of

    def fails() -> None:
        os.write(2, b"LLVM ERROR: something broke\n")
        raise RuntimeError("the pass failed")

    with pytest.raises(CompilerError, match="exited with 1.*something broke.*the pass failed"):
        stderr_of(fails)
    with pytest.raises(CompilerError, match="killed by signal 9"):
        stderr_of(lambda: os.kill(os.getpid(), 9))


@pytest.fixture(scope="module")
def suite():
    from cgym_ray.datasets import get_dataset

    return get_dataset("cgym-suite-v0")


def _suite_names() -> list[str]:
    from cgym_ray.datasets import get_dataset

    return get_dataset("cgym-suite-v0").benchmark_names()


@pytest.mark.slow
@pytest.mark.parametrize("name", _suite_names())
def test_native_vectors_are_llvms_printed_ones_on_every_suite_program(suite, name):
    # features.c computes IR2Vec as LLVM's embedder does; LLVM's own printer is the
    # reference. After mem2reg, so flow-aware meets phis fed from later blocks (loops).
    module = get_backend("libllvm").load(suite.benchmark(name).bitcode(), name)
    module.run_pipeline("function(mem2reg)")
    for kind in KINDS:
        printed = module.ir2vec_printer(kind)
        native = module.ir2vec_native(kind)
        assert [f for f, _ in native] == [f for f, _ in printed], kind
        for (function, expected), (_, vector) in zip(printed, native, strict=True):
            # "%.2f": each printed number is within half a cent of the exact one.
            np.testing.assert_allclose(
                vector, expected, rtol=0, atol=0.005 + 1e-9, err_msg=function
            )
        # The program's vector: the sum of the functions' (each printed one rounded).
        np.testing.assert_allclose(
            program_vector(native, LLVM_VOCABULARY.dimension),
            program_vector(printed, LLVM_VOCABULARY.dimension),
            rtol=0,
            atol=0.005 * len(printed) + 1e-9,
            err_msg=kind,
        )
    module.dispose()


def test_vectors_kept_between_steps_are_those_computed_afresh():
    # ir2vec_native keeps each function's vector under its native key and computes only the
    # functions a step changed; a clone (nothing kept) computes them all.
    backend = get_backend("libllvm")
    suite = get_dataset("cgym-suite-v0")
    module = backend.load(suite.benchmark("crc32").bitcode(), "crc32")
    for step in random_pass_walk(backend, module, steps=12, seed=0):
        fresh = module.clone()
        for kind in KINDS:
            kept, computed = module.ir2vec_native(kind), fresh.ir2vec_native(kind)
            assert [name for name, _ in kept] == [name for name, _ in computed]
            for (name, vector), (_, expected) in zip(kept, computed, strict=True):
                np.testing.assert_array_equal(vector, expected, err_msg=f"{kind} {name} {step}")
        fresh.dispose()
    module.dispose()
