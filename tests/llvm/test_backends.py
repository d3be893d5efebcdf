"""Behaviour both backends share: load, clone, run, measure, errors."""

from __future__ import annotations

import random

import pytest

from cgym_ray.errors import CompilerError, ModuleLoadError, PipelineError
from cgym_ray.llvm.backend import get_backend, ir_without_value_names

BACKENDS = ["libllvm", "llvmlite"]
# A pipeline text each backend's catalogue can run.
O3 = "default<O3>"


@pytest.mark.parametrize("backend", BACKENDS)
def test_o3_shrinks_and_keeps_module_valid(backend, crc32_bitcode):
    module = get_backend(backend).load(crc32_bitcode, "crc32")
    before = module.instruction_count()
    module.run_pipeline(O3)
    assert module.instruction_count() < before
    assert module.verify() == ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_clone_is_independent(backend, crc32_bitcode):
    module = get_backend(backend).load(crc32_bitcode, "crc32")
    clone = module.clone()
    clone.run_pipeline(O3)
    assert clone.instruction_count() < module.instruction_count()
    assert module.ir_text() != clone.ir_text()


@pytest.mark.parametrize("backend", BACKENDS)
def test_broken_bitcode_names_the_file(backend, crc32_bitcode):
    with pytest.raises(ModuleLoadError, match="broken.bc"):
        get_backend(backend).load(crc32_bitcode[:200], "broken.bc")


@pytest.mark.parametrize("backend", BACKENDS)
def test_ir_text_round_trips(backend, crc32_bitcode):
    instance = get_backend(backend)
    module = instance.load(crc32_bitcode, "crc32")
    again = instance.load(module.ir_text().encode(), "crc32.ll")
    assert again.instruction_count() == module.instruction_count()
    assert instance.load(module.bitcode(), "crc32").ir_text() == module.ir_text()


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_pipeline_is_refused(backend, crc32_bitcode):
    module = get_backend(backend).load(crc32_bitcode, "crc32")
    with pytest.raises(PipelineError, match="no-such-pass"):
        module.run_pipeline("no-such-pass")


@pytest.mark.parametrize("backend", BACKENDS)
def test_object_text_size_shrinks_with_o3(backend, crc32_bitcode):
    module = get_backend(backend).load(crc32_bitcode, "crc32")
    before = module.object_text_size_bytes()
    assert module.object_file()[:4] == b"\x7fELF"
    module.run_pipeline(O3)
    assert 0 < module.object_text_size_bytes() < before


@pytest.mark.parametrize("backend", BACKENDS)
def test_size_attributes_are_added_to_defined_functions(backend, crc32_bitcode):
    module = get_backend(backend).load(crc32_bitcode, "crc32")
    module.add_function_attributes(["minsize", "optsize"])
    text = module.ir_text()
    assert "minsize" in text and "optsize" in text
    assert module.verify() == ""


def test_libllvm_is_version_23():
    assert get_backend("libllvm").llvm_version.startswith("23.")


def test_fingerprint_sees_changes_and_only_changes(crc32_bitcode):
    module = get_backend("libllvm").load(crc32_bitcode, "crc32")
    first, count = module.fingerprint()
    assert count == module.instruction_count()
    module.run_pipeline("function(sroa<modify-cfg>)")
    second, _ = module.fingerprint()
    assert second != first
    module.run_pipeline("function(sroa<modify-cfg>)")  # nothing left for sroa to do
    assert module.fingerprint()[0] == second


@pytest.mark.parametrize("program", ["crc32", "dijkstra", "sha256"])
def test_fingerprint_changes_whenever_the_ir_text_does_other_than_names(program, suite_bitcode):
    """Random walks over the whole catalogue: no step may change the text but not the fingerprint."""
    backend = get_backend("libllvm")
    passes = [a for a in backend.actions if not a.is_macro]
    rng = random.Random(0)
    module = backend.load(suite_bitcode[program], program)
    fingerprint, text = module.fingerprint()[0], ir_without_value_names(module.ir_text())
    missed = []
    for _ in range(60):
        action = rng.choice(passes)
        try:
            module.run_pipeline(action.pipeline)
        except CompilerError:
            continue
        new_fingerprint, new_text = (
            module.fingerprint()[0],
            ir_without_value_names(module.ir_text()),
        )
        if new_text != text and new_fingerprint == fingerprint:
            missed.append(action.name)
        fingerprint, text = new_fingerprint, new_text
    assert not missed


def test_renaming_values_alone_is_no_change(crc32_bitcode):
    module = get_backend("libllvm").load(crc32_bitcode, "crc32")
    module.run_pipeline("function(sroa<modify-cfg>)")
    before = module.fingerprint()[0]
    module.run_pipeline("strip-nondebug")  # drops names only
    assert module.fingerprint()[0] == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_ir_does_not_depend_on_where_the_module_came_from(backend, crc32_bitcode):
    instance = get_backend(backend)
    texts = {
        instance.load(crc32_bitcode, name).ir_text()
        for name in ("benchmark://a/b", "/tmp/x/prog.bc")
    }
    assert len(texts) == 1
    (text,) = texts
    assert text.startswith("; ModuleID = 'module'\nsource_filename = \"module\"\n"), text[:120]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_binary_load_error_is_printable(backend):
    garbage = bytes(range(1, 256)) * 2
    with pytest.raises(ModuleLoadError, match="garbage.ll") as caught:
        get_backend(backend).load(garbage, "garbage.ll")
    message = str(caught.value)
    assert message.isascii() and all(c.isprintable() or c == "\n" for c in message), message
