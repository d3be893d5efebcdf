"""Per-function marks (`function-marks<...>`): checked before LLVM, run through the C API, replayed."""

from __future__ import annotations

import pytest

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.pipelines import Pipeline, PipelineSyntaxError, load_table
from cgym_ray.llvm.pipelines.marks import marks_element
from cgym_ray.llvm.pipelines.run import pipeline_action, run_pipeline, segments
from cgym_ray.llvm.session import CompilerSession

OZ_MARKS = ("minsize", "optsize")


def test_marks_print_back_and_pass_the_table():
    text = "function-marks<main:-minsize;rng_next:noinline>,function(sroa)"
    assert str(load_table().check(text)) == text
    assert str(marks_element([("f", "alwaysinline")])) == "function-marks<f:alwaysinline>"


@pytest.mark.parametrize(
    "text, words",
    [
        ("function(function-marks<f:noinline>)", "module level only"),
        ("function-marks<f:inline>", "unknown mark 'inline'"),
        ("function-marks<f>", "is not FUNCTION:MARK"),
        ("function-marks<1f:noinline>", "not a function name"),
        ("function-marks<f:noinline;f:alwaysinline>", "both noinline and alwaysinline"),
        ("function-marks<f:noinline;f:noinline>", "given twice"),
        ("function-marks<f:minsize;f:-minsize>", "'f:-minsize' contradicts 'f:minsize'"),
        ("function-marks<*:noinline;*:alwaysinline>", "both noinline and alwaysinline"),
        ("function-marks<**:minsize>", "not a function name"),
        ("function-marks", "at least one FUNCTION:MARK"),
        ("function-marks<f:noinline>(sroa)", "no nested pipeline"),
    ],
)
def test_bad_marks_are_refused_before_llvm_with_their_position(text, words):
    with pytest.raises(PipelineSyntaxError, match=words) as caught:
        load_table().check(f"globalopt,{text}")
    assert caught.value.position == len("globalopt,") + text.index("function-marks")


def test_marks_are_a_segment_of_their_own_and_run_as_attributes():
    pipeline = Pipeline.parse("function(sroa),function-marks<f:noinline>,function(early-cse)")
    parts = [str(part) for part in segments(pipeline)]
    assert parts == ["function(sroa)", "function-marks<f:noinline>", "function(early-cse)"]
    action = pipeline_action(segments(pipeline)[1])
    assert (action.kind, action.pipeline, action.attributes) == ("attributes", "", ("@f:noinline",))
    with pytest.raises(Exception, match="segment of its own"):
        pipeline_action(pipeline)


def test_after_marks_or_invalidate_all_nothing_is_cached_so_passes_are_cut_again():
    passes = "function(sroa),function(gvn)"
    text = (
        f"require<globals-aa>,{passes},invalidate<all>,{passes},function-marks<*:minsize>,{passes}"
    )
    parts = [str(part) for part in segments(load_table().check(text))]
    assert parts == [
        f"require<globals-aa>,{passes}",  # GlobalsAA cached: these run together
        "invalidate<all>",
        "function(sroa)",
        "function(gvn)",
        "function-marks<*:minsize>",
        "function(sroa)",
        "function(gvn)",
    ]


def test_noinline_keeps_a_function_oz_inlines_and_alwaysinline_inlines_one_it_keeps(crc32_bitcode):
    def after_oz(marks: list[str]) -> dict[str, int]:
        module = get_backend("libllvm").load(crc32_bitcode, "crc32")
        module.add_function_attributes(OZ_MARKS)
        module.add_function_attributes(marks)
        module.run_pipeline("default<O2>")
        assert module.verify() == ""
        return module.function_sizes()

    plain = after_oz([])
    assert "rng_next" not in plain and "gf2_matrix_times" in plain  # -Oz's own choices
    marked = after_oz(["@rng_next:noinline", "@gf2_matrix_times:alwaysinline"])
    assert "rng_next" in marked and "gf2_matrix_times" not in marked
    # The inliner's two marks exclude each other: the later one wins, and the module verifies.
    assert "rng_next" not in after_oz(["@rng_next:noinline", "@rng_next:alwaysinline"])


def functions_with(module, mark: str) -> set[str]:
    """The defined functions whose attribute group holds `mark`, read from the IR text."""
    text = module.ir_text()
    groups = {
        line.split()[1]: line for line in text.splitlines() if line.startswith("attributes #")
    }
    found = set()
    for line in text.splitlines():
        if line.startswith("define") and "#" in line:
            group = "#" + line.rsplit("#", 1)[1].split()[0]
            if f" {mark} " in groups.get(group, "") + " ":
                found.add(line.split("@", 1)[1].split("(", 1)[0])
    return found


def test_star_names_every_function_and_items_apply_in_their_order(crc32_bitcode):
    element = load_table().check("function-marks<*:-minsize;*:-optsize;main:minsize>").elements[0]
    from cgym_ray.llvm.pipelines.marks import function_attributes

    names = function_attributes(element)
    assert names == ("-minsize", "-optsize", "@main:minsize")
    module = get_backend("libllvm").load(crc32_bitcode, "crc32")
    module.add_function_attributes(OZ_MARKS)
    module.add_function_attributes(names)
    assert functions_with(module, "minsize") == {"main"}
    assert functions_with(module, "optsize") == set()
    # `*:noinline` takes alwaysinline off every function, as one function's mark does.
    module.add_function_attributes(["@rng_next:alwaysinline", "noinline"])
    assert module.verify() == ""
    assert "rng_next" in functions_with(module, "noinline")
    assert functions_with(module, "alwaysinline") == set()


def test_a_mark_on_a_function_the_module_does_not_define_names_it(crc32_bitcode):
    module = get_backend("libllvm").load(crc32_bitcode, "crc32")
    with pytest.raises(CompilerError, match="'printf', which is not a function defined"):
        module.add_function_attributes(["@printf:noinline"])  # declared, not defined
    with pytest.raises(CompilerError, match="'no_such', which is not"):
        module.add_function_attributes(["@no_such:noinline"])


def test_function_sizes_agree_between_backends_and_with_the_module_count(crc32_bitcode):
    sizes = {}
    for name in ("libllvm", "llvmlite"):
        module = get_backend(name).load(crc32_bitcode, "crc32")
        sizes[name] = module.function_sizes()
        assert sum(sizes[name].values()) == module.instruction_count()
    assert sizes["libllvm"] == sizes["llvmlite"]
    assert list(sizes["libllvm"])[0] == "main"  # module order


def test_a_pipeline_with_marks_runs_in_a_session_and_a_bad_name_fails_there(crc32_bitcode):
    with CompilerSession(crc32_bitcode, "crc32", attributes=OZ_MARKS) as session:
        run_pipeline(session, Pipeline.parse("default<O2>"))
        oz = session.instruction_count
    with CompilerSession(crc32_bitcode, "crc32", attributes=OZ_MARKS) as session:
        run_pipeline(session, Pipeline.parse("function-marks<main:-minsize>,default<O2>"))
        assert session.instruction_count != oz
    with CompilerSession(crc32_bitcode, "crc32", attributes=OZ_MARKS) as session:
        with pytest.raises(CompilerError, match="'nowhere', which is not a function defined"):
            run_pipeline(session, Pipeline.parse("function-marks<nowhere:noinline>,default<O2>"))
