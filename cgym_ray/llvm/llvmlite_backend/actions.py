"""The llvmlite backend's action catalogue, `llvmlite-v1`.

llvmlite 0.50 (LLVM 22) cannot parse a pipeline text: it offers one
`add_*_pass` method per pass on its new-pass-manager `ModulePassManager`, and
the standard `default<O1>`..`default<O3>` pipelines through its `PassBuilder`.
This catalogue holds the transform passes among those methods (45), then O1,
O2 and O3 as macro-actions. Left out:

- printers and viewers, `aa-eval` and `verify`: they change nothing;
- Numba's `refprune`: it only touches Numba's reference-counting calls;
- `loop-reduce`: it leaves loops out of LCSSA form (LLVM issue 191652, open),
  and llvmlite's LLVM is built with assertions, which abort the process on
  it: on 11 of 27 built-in programs, run after `sroa` or `default<O1>`. Every
  other pass ran on all 38 built-in programs, fresh, after `sroa` and after
  `default<O1>`, without an abort and leaving valid IR.

Each action's `pipeline` is the LLVM new-pass-manager text for exactly what
llvmlite runs, with its explicit adaptor and the options llvmlite hard-codes,
so `opt` and the libllvm backend read it the same: llvmlite's SROA keeps the
CFG (`sroa<preserve-cfg>`), its InstCombine does not verify its fixpoint
(`instcombine<no-verify-fixpoint>`). One exception: LLVM 23 no longer
registers `mergereturn`. The action name is LLVM's pass name, as in
CompilerGym's commandlines (`sroa`, `loop-rotate`).

There is no `Oz`: llvmlite builds pipelines from a speed level only (its C
layer maps no size level), and running O2 after adding `minsize`/`optsize`
would be LLVM 23's Oz, not LLVM 22's `default<Oz>`, so any Oz reference from
this backend would be mislabelled. There is no `inline` and no `mem2reg`
either (llvmlite exposes neither); `sroa` promotes allocas to registers.
"""

from __future__ import annotations

from dataclasses import dataclass

from cgym_ray.llvm.actions import Action, ActionCatalogue, standard_macro_actions

CATALOGUE_VERSION = "llvmlite-v1"
LLVMLITE_LLVM_MAJOR = 22  # llvmlite 0.50 bundles LLVM 22


@dataclass(frozen=True)
class LlvmlitePass:
    """A pass llvmlite can add to a `ModulePassManager`.

    `method` is the `llvmlite.binding.ModulePassManager` method that adds it;
    `pipeline` is the same pass as LLVM pipeline text.
    """

    name: str
    pipeline: str
    method: str
    description: str


def _function(name: str, method: str, description: str, options: str = "") -> LlvmlitePass:
    return LlvmlitePass(name, f"function({name}{options})", method, description)


def _loop(name: str, method: str, description: str) -> LlvmlitePass:
    return LlvmlitePass(name, f"function(loop({name}))", method, description)


def _cgscc(name: str, method: str, description: str) -> LlvmlitePass:
    return LlvmlitePass(name, f"cgscc({name})", method, description)


def _module(name: str, method: str, description: str) -> LlvmlitePass:
    return LlvmlitePass(name, name, method, description)


# Sorted by name; a released version's order never changes (see cgym_ray.llvm.actions).
LLVMLITE_PASSES: tuple[LlvmlitePass, ...] = (
    _function("adce", "add_aggressive_dce_pass", "aggressive dead code elimination"),
    _function(
        "aggressive-instcombine",
        "add_aggressive_instcombine_pass",
        "combine expression patterns (truncation, popcount, ...)",
    ),
    _module("always-inline", "add_always_inliner_pass", "inline functions marked alwaysinline"),
    _cgscc("argpromotion", "add_argument_promotion_pass", "promote by-reference arguments"),
    _function("break-crit-edges", "add_break_critical_edges_pass", "split critical edges"),
    _module("constmerge", "add_constant_merge_pass", "merge duplicate global constants"),
    _function("dce", "add_dead_code_elimination_pass", "dead code elimination"),
    _module("deadargelim", "add_dead_arg_elimination_pass", "dead argument elimination"),
    _function("dse", "add_dead_store_elimination_pass", "dead store elimination"),
    _cgscc("function-attrs", "add_post_order_function_attributes_pass", "infer attributes"),
    _module("globaldce", "add_global_dead_code_eliminate_pass", "remove unused globals"),
    _module("globalopt", "add_global_opt_pass", "optimize global variables"),
    _function(
        "instcombine",
        "add_instruction_combine_pass",
        "combine redundant instructions",
        options="<no-verify-fixpoint>",
    ),
    _function("instnamer", "add_instruction_namer_pass", "name anonymous values"),
    _module("internalize", "add_internalize_pass", "give globals internal linkage"),
    _module("ipsccp", "add_ipsccp_pass", "interprocedural sparse conditional constants"),
    _function("jump-threading", "add_jump_threading_pass", "thread jumps"),
    _function("lcssa", "add_lcssa_pass", "loop-closed SSA form"),
    _loop("loop-deletion", "add_loop_deletion_pass", "delete dead loops"),
    _module("loop-extract", "add_loop_extract_pass", "extract loops into new functions"),
    _loop("loop-rotate", "add_loop_rotate_pass", "rotate loops"),
    _function("loop-simplify", "add_loop_simplify_pass", "canonicalize natural loops"),
    _function("loop-unroll", "add_loop_unroll_pass", "unroll loops", options="<O2>"),
    _loop("loop-unroll-and-jam", "add_loop_unroll_and_jam_pass", "unroll and jam loops"),
    _function("lower-atomic", "add_lower_atomic_pass", "lower atomics to plain memory ops"),
    _function("lower-invoke", "add_lower_invoke_pass", "lower invokes to calls"),
    _function("lower-switch", "add_lower_switch_pass", "lower switches to branches"),
    _function("memcpyopt", "add_mem_copy_opt_pass", "optimize memcpy and memset"),
    _module("mergefunc", "add_merge_functions_pass", "merge identical functions"),
    # UnifyFunctionExitNodesPass: `mergereturn` in LLVM 19, gone from LLVM 23's registry.
    _function("mergereturn", "add_unify_function_exit_nodes_pass", "one return block"),
    _function("newgvn", "add_new_gvn_pass", "global value numbering (NewGVN)"),
    _module("partial-inliner", "add_partial_inliner_pass", "inline parts of functions"),
    _function("reassociate", "add_reassociate_pass", "reassociate expressions"),
    _function("reg2mem", "add_register_to_memory_pass", "demote registers to memory"),
    _module("rpo-function-attrs", "add_rpo_function_attrs_pass", "infer attributes top-down"),
    _function("sccp", "add_sccp_pass", "sparse conditional constant propagation"),
    _function("simplifycfg", "add_simplify_cfg_pass", "simplify the control flow graph"),
    _function("sink", "add_sinking_pass", "sink instructions into successors"),
    _function(
        "sroa",
        "add_sroa_pass",
        "scalar replacement of aggregates, keeping the CFG",
        options="<preserve-cfg>",
    ),
    _module("strip", "add_strip_symbols_pass", "strip symbol names and debug info"),
    _module("strip-dead-debug-info", "add_strip_dead_debug_info_pass", "strip unused debug info"),
    _module("strip-dead-prototypes", "add_strip_dead_prototype_pass", "remove unused declarations"),
    _module("strip-debug-declare", "add_strip_debug_declare_pass", "strip dbg.declare"),
    _module("strip-nondebug", "add_strip_non_debug_symbols_pass", "strip non-debug symbols"),
    _function("tailcallelim", "add_tail_call_elimination_pass", "tail call elimination"),
)


def macro_actions() -> list[Action]:
    """O1, O2 and O3 (`default<On>`); no Oz, see the module docstring."""
    return [
        action
        for action in standard_macro_actions(LLVMLITE_LLVM_MAJOR)
        if action.name in ("O1", "O2", "O3")
    ]


def llvmlite_catalogue() -> ActionCatalogue:
    """The `llvmlite-v1` catalogue: 45 passes, then O1, O2, O3.

    >>> llvmlite_catalogue().lookup("sroa").pipeline
    'function(sroa<preserve-cfg>)'
    """
    passes = [
        Action(name=p.name, pipeline=p.pipeline, description=p.description) for p in LLVMLITE_PASSES
    ]
    return ActionCatalogue(CATALOGUE_VERSION, "llvmlite", passes + macro_actions())
