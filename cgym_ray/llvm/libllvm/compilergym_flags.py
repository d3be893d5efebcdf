"""CompilerGym's llvm-v0 flags (LLVM 10, legacy `opt -flag`) and their `libllvm-v2` actions.

CompilerGym offered 124 opt flags. Most still exist in LLVM 23's new pass
manager, some under a new name (`-functionattrs` is `function-attrs`,
`-lowerswitch` is `lower-switch`). The others were removed from LLVM, lived
only in the legacy pass manager, are instrumentation that `libllvm-v2` leaves
out, or (`-attributor`) were dropped after testing; `GONE_REASONS` says which.

Use `translate_compilergym_flag` to read a CompilerGym commandline
(`opt -sroa -gvn input.bc -o output.bc`) into catalogue names. A flag with
no equivalent raises `UnknownActionError` with the reason: a gone pass has no
stand-in that would replay the same transformation, so it is not guessed.
"""

from __future__ import annotations

from cgym_ray.errors import UnknownActionError

# Flag -> catalogue action name, or None; in CompilerGym's action order.
COMPILERGYM_FLAGS: dict[str, str | None] = {
    "-add-discriminators": "add-discriminators",
    "-adce": "adce",
    "-aggressive-instcombine": "aggressive-instcombine",
    "-alignment-from-assumptions": "alignment-from-assumptions",
    "-always-inline": "always-inline",
    "-argpromotion": "argpromotion",
    "-attributor": None,
    "-barrier": None,
    "-bdce": "bdce",
    "-break-crit-edges": "break-crit-edges",
    "-simplifycfg": "simplifycfg",
    "-callsite-splitting": "callsite-splitting",
    "-called-value-propagation": "called-value-propagation",
    "-canonicalize-aliases": "canonicalize-aliases",
    "-consthoist": "consthoist",
    "-constmerge": "constmerge",
    "-constprop": None,
    "-coro-cleanup": "coro-cleanup",
    "-coro-early": "coro-early",
    "-coro-elide": "coro-elide",
    "-coro-split": "coro-split",
    "-correlated-propagation": "correlated-propagation",
    "-cross-dso-cfi": None,
    "-deadargelim": "deadargelim",
    "-dce": "dce",
    "-die": None,
    "-dse": "dse",
    "-reg2mem": "reg2mem",
    "-div-rem-pairs": "div-rem-pairs",
    "-early-cse-memssa": "early-cse-memssa",
    "-early-cse": "early-cse",
    "-elim-avail-extern": "elim-avail-extern",
    "-ee-instrument": None,
    "-flattencfg": "flatten-cfg",
    "-float2int": "float2int",
    "-forceattrs": "forceattrs",
    "-inline": "inline",
    "-insert-gcov-profiling": None,
    "-gvn-hoist": "gvn-hoist",
    "-gvn": "gvn",
    "-globaldce": "globaldce",
    "-globalopt": "globalopt",
    "-globalsplit": "globalsplit",
    "-guard-widening": "guard-widening",
    "-hotcoldsplit": "hotcoldsplit",
    "-ipconstprop": None,
    "-ipsccp": "ipsccp",
    "-indvars": "indvars",
    "-irce": "irce",
    "-infer-address-spaces": "infer-address-spaces",
    "-inferattrs": "inferattrs",
    "-inject-tli-mappings": "inject-tli-mappings",
    "-instsimplify": "instsimplify",
    "-instcombine": "instcombine",
    "-instnamer": "instnamer",
    "-jump-threading": "jump-threading",
    "-lcssa": "lcssa",
    "-licm": "licm",
    "-libcalls-shrinkwrap": "libcalls-shrinkwrap",
    "-load-store-vectorizer": "load-store-vectorizer",
    "-loop-data-prefetch": "loop-data-prefetch",
    "-loop-deletion": "loop-deletion",
    "-loop-distribute": "loop-distribute",
    "-loop-fusion": "loop-fusion",
    "-loop-guard-widening": "loop-guard-widening",
    "-loop-idiom": "loop-idiom",
    "-loop-instsimplify": "loop-instsimplify",
    "-loop-interchange": "loop-interchange",
    "-loop-load-elim": "loop-load-elim",
    "-loop-predication": "loop-predication",
    "-loop-reroll": None,
    "-loop-rotate": "loop-rotate",
    "-loop-simplifycfg": "loop-simplifycfg",
    "-loop-simplify": "loop-simplify",
    "-loop-sink": "loop-sink",
    "-loop-reduce": "loop-reduce",
    "-loop-unroll-and-jam": "loop-unroll-and-jam",
    "-loop-unroll": "loop-unroll",
    "-loop-unswitch": None,
    "-loop-vectorize": "loop-vectorize",
    "-loop-versioning-licm": "loop-versioning-licm",
    "-loop-versioning": "loop-versioning",
    "-loweratomic": "lower-atomic",
    "-lower-constant-intrinsics": "lower-constant-intrinsics",
    "-lower-expect": "lower-expect",
    "-lower-guard-intrinsic": "lower-guard-intrinsic",
    "-lowerinvoke": "lower-invoke",
    "-lower-matrix-intrinsics": "lower-matrix-intrinsics",
    "-lowerswitch": "lower-switch",
    "-lower-widenable-condition": "lower-widenable-condition",
    "-memcpyopt": "memcpyopt",
    "-mergefunc": "mergefunc",
    "-mergeicmps": "mergeicmps",
    "-mldst-motion": "mldst-motion",
    "-sancov": None,
    "-name-anon-globals": "name-anon-globals",
    "-nary-reassociate": "nary-reassociate",
    "-newgvn": "newgvn",
    "-pgo-memop-opt": None,
    "-partial-inliner": "partial-inliner",
    "-partially-inline-libcalls": "partially-inline-libcalls",
    "-post-inline-ee-instrument": None,
    "-functionattrs": "function-attrs",
    "-mem2reg": "mem2reg",
    "-prune-eh": None,
    "-reassociate": "reassociate",
    "-redundant-dbg-inst-elim": "redundant-dbg-inst-elim",
    "-rpo-functionattrs": "rpo-function-attrs",
    "-rewrite-statepoints-for-gc": "rewrite-statepoints-for-gc",
    "-sccp": "sccp",
    "-slp-vectorizer": "slp-vectorizer",
    "-sroa": "sroa",
    "-scalarizer": "scalarizer",
    "-separate-const-offset-from-gep": "separate-const-offset-from-gep",
    "-simple-loop-unswitch": "simple-loop-unswitch",
    "-sink": "sink",
    "-speculative-execution": "speculative-execution",
    "-slsr": "slsr",
    "-strip-dead-prototypes": "strip-dead-prototypes",
    "-strip-debug-declare": "strip-debug-declare",
    "-strip-nondebug": "strip-nondebug",
    "-strip": "strip",
    "-tailcallelim": "tailcallelim",
    "-mergereturn": None,
}

# Why each flag mapped to None has no `libllvm-v2` action.
GONE_REASONS: dict[str, str] = {
    "-attributor": "dropped: the full Attributor ran 50-80 s on a 1,800-line "
    "program (LLVM 23.1.4); attributor-light is its bounded variant",
    "-barrier": "a legacy pass manager no-op that only separated pass groups; nothing to run",
    "-constprop": "ConstantPropagation was removed in LLVM 12; instsimplify and sccp do its work",
    "-cross-dso-cfi": "control-flow-integrity support for -fsanitize-cfi-cross-dso; "
    "excluded with the sanitizer passes",
    "-die": "DeadInstElimination was removed from LLVM; dce does the same and more",
    "-ee-instrument": "instrumentation (calls mcount-style hooks at function entry/exit); "
    "excluded from the catalogue",
    "-insert-gcov-profiling": "gcov coverage instrumentation; excluded from the catalogue",
    "-ipconstprop": "IPConstantPropagation was removed in LLVM 12; ipsccp replaces it",
    "-loop-reroll": "LoopReroll was removed in LLVM 19 (unmaintained)",
    "-loop-unswitch": "the legacy LoopUnswitch was removed in LLVM 15; "
    "use simple-loop-unswitch-nontrivial",
    "-sancov": "SanitizerCoverage instrumentation; excluded from the catalogue",
    "-pgo-memop-opt": "needs value-profile data from a PGO run; excluded from the catalogue",
    "-post-inline-ee-instrument": "instrumentation (entry/exit hooks after inlining); "
    "excluded from the catalogue",
    "-prune-eh": "legacy pass manager only, removed with it; function-attrs infers nounwind "
    "and simplifycfg deletes the dead unwind code",
    "-mergereturn": "UnifyFunctionExitNodes was deleted in LLVM 23 (nothing used it); "
    "simplifycfg merges returns where it pays",
}


def translate_compilergym_flag(flag: str) -> str:
    """The `libllvm-v2` action name for a CompilerGym flag (`-sroa` or `sroa`)."""
    key = flag if flag.startswith("-") else f"-{flag}"
    if key not in COMPILERGYM_FLAGS:
        raise UnknownActionError(f"{flag!r} is not one of CompilerGym's llvm-v0 flags")
    name = COMPILERGYM_FLAGS[key]
    if name is None:
        raise UnknownActionError(
            f"CompilerGym flag {key} has no equivalent in libllvm-v2: {GONE_REASONS[key]}"
        )
    return name
