"""The one clang-to-bitcode primitive that recipes, imports and CompilerGym's source datasets share."""

from __future__ import annotations

import pytest

from cgym_ray.datasets.toolchain import compile_c_to_bitcode, compile_to_bitcode
from cgym_ray.errors import ToolchainError
from cgym_ray.llvm.backend import get_backend


def test_a_unit_that_compiles_gives_bitcode_libllvm_reads(tmp_path):
    (tmp_path / "ok.c").write_text("int twice(int x) { return 2 * x; }\n")
    unit = compile_to_bitcode("ok.c", cwd=tmp_path)
    assert unit.ok and unit.bitcode.startswith(b"BC\xc0\xde")
    assert "-disable-llvm-passes" in unit.command
    assert get_backend().load(unit.bitcode, "ok").instruction_count() > 0


def test_a_unit_that_does_not_compile_gives_the_compilers_message(tmp_path):
    (tmp_path / "broken.c").write_text("int f(void) { return undeclared_name; }\n")
    unit = compile_to_bitcode("broken.c", cwd=tmp_path)
    assert not unit.ok and unit.bitcode is None and not unit.timed_out
    assert "broken.c:1" in unit.message and "undeclared_name" in unit.message


def test_source_read_from_stdin(tmp_path):
    unit = compile_to_bitcode("-", ["-xc"], cwd=tmp_path, stdin=b"int main(void) { return 0; }\n")
    assert unit.ok


def test_the_raising_wrapper_names_the_file_and_quotes_the_compiler(tmp_path):
    (tmp_path / "broken.c").write_text("int f(void) { return undeclared_name; }\n")
    with pytest.raises(ToolchainError, match=r"compiling .*broken.c failed .*\n.*undeclared_name"):
        compile_c_to_bitcode([tmp_path / "broken.c"], tmp_path / "out.bc")
    assert not (tmp_path / "out.bc").exists()
