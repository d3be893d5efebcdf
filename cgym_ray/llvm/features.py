"""Names and meaning of the InstCount (70) and Autophase (56) feature vectors.

InstCount, as LLVM's `-instcount` statistics and CompilerGym's observation:
TotalInsts, TotalBlocks and TotalFuncs over *defined* functions, then one count
per opcode in LLVM's internal opcode order (`INSTCOUNT_OPCODES`).

Autophase, as the AutoPhase paper (Haj-Ali et al., MLSys 2020) defines it:
block shapes by predecessor/successor edges (edges counted with repeats, as
LLVM's pred_iterator does), PHI statistics, constants among operands, and a
few opcode counts. Two details worth knowing: TotalFuncs counts declarations
too, and BeginPhi counts blocks whose first instruction is a PHI.

Both are computed natively for the libllvm backend (`native/features.c`) and
in Python for the llvmlite backend (`llvmlite_backend/features.py`); a test
checks the two agree on every built-in program.
"""

from __future__ import annotations

# LLVM's opcode order (llvm/IR/Instruction.def), lower-case IR mnemonics.
INSTCOUNT_OPCODES: tuple[str, ...] = (
    "ret", "br", "switch", "indirectbr", "invoke", "resume", "unreachable",
    "cleanupret", "catchret", "catchswitch", "callbr", "fneg", "add", "fadd",
    "sub", "fsub", "mul", "fmul", "udiv", "sdiv", "fdiv", "urem", "srem",
    "frem", "shl", "lshr", "ashr", "and", "or", "xor", "alloca", "load",
    "store", "getelementptr", "fence", "cmpxchg", "atomicrmw", "trunc", "zext",
    "sext", "fptoui", "fptosi", "uitofp", "sitofp", "fptrunc", "fpext",
    "ptrtoint", "inttoptr", "bitcast", "addrspacecast", "cleanuppad",
    "catchpad", "icmp", "fcmp", "phi", "call", "select", "userop1", "userop2",
    "va_arg", "extractelement", "insertelement", "shufflevector",
    "extractvalue", "insertvalue", "landingpad", "freeze",
)  # fmt: skip

_OPCODE_FEATURE_NAMES = (
    "Ret", "Br", "Switch", "IndirectBr", "Invoke", "Resume", "Unreachable",
    "CleanupRet", "CatchRet", "CatchSwitch", "CallBr", "FNeg", "Add", "FAdd",
    "Sub", "FSub", "Mul", "FMul", "UDiv", "SDiv", "FDiv", "URem", "SRem",
    "FRem", "Shl", "LShr", "AShr", "And", "Or", "Xor", "Alloca", "Load",
    "Store", "GetElementPtr", "Fence", "AtomicCmpXchg", "AtomicRMW", "Trunc",
    "ZExt", "SExt", "FPToUI", "FPToSI", "UIToFP", "SIToFP", "FPTrunc", "FPExt",
    "PtrToInt", "IntToPtr", "BitCast", "AddrSpaceCast", "CleanupPad",
    "CatchPad", "ICmp", "FCmp", "PHI", "Call", "Select", "UserOp1", "UserOp2",
    "VAArg", "ExtractElement", "InsertElement", "ShuffleVector",
    "ExtractValue", "InsertValue", "LandingPad", "Freeze",
)  # fmt: skip

INSTCOUNT_NAMES: tuple[str, ...] = ("TotalInsts", "TotalBlocks", "TotalFuncs") + tuple(
    f"{name}Count" for name in _OPCODE_FEATURE_NAMES
)

AUTOPHASE_NAMES: tuple[str, ...] = (
    "BBNumArgsHi", "BBNumArgsLo", "onePred", "onePredOneSuc", "onePredTwoSuc",
    "oneSuccessor", "twoPred", "twoPredOneSuc", "twoEach", "twoSuccessor",
    "morePreds", "BB03Phi", "BBHiPhi", "BBNoPhi", "BeginPhi", "BranchCount",
    "returnInt", "CriticalCount", "NumEdges", "const32Bit", "const64Bit",
    "numConstZeroes", "numConstOnes", "UncondBranches", "binaryConstArg",
    "NumAShrInst", "NumAddInst", "NumAllocaInst", "NumAndInst", "BlockMid",
    "BlockLow", "NumBitCastInst", "NumBrInst", "NumCallInst",
    "NumGetElementPtrInst", "NumICmpInst", "NumLShrInst", "NumLoadInst",
    "NumMulInst", "NumOrInst", "NumPHIInst", "NumRetInst", "NumSExtInst",
    "NumSelectInst", "NumShlInst", "NumStoreInst", "NumSubInst",
    "NumTruncInst", "NumXorInst", "NumZExtInst", "TotalBlocks", "TotalInsts",
    "TotalMemInst", "TotalFuncs", "ArgsPhi", "testUnary",
)  # fmt: skip

assert len(INSTCOUNT_NAMES) == 70
assert len(AUTOPHASE_NAMES) == 56

# Autophase opcode-count slots, by IR mnemonic (used by the Python extractor).
AUTOPHASE_OPCODE_SLOTS: dict[str, int] = {
    opcode: AUTOPHASE_NAMES.index(name)
    for opcode, name in {
        "ashr": "NumAShrInst", "add": "NumAddInst", "alloca": "NumAllocaInst",
        "and": "NumAndInst", "bitcast": "NumBitCastInst", "br": "NumBrInst",
        "call": "NumCallInst", "getelementptr": "NumGetElementPtrInst",
        "icmp": "NumICmpInst", "lshr": "NumLShrInst", "load": "NumLoadInst",
        "mul": "NumMulInst", "or": "NumOrInst", "phi": "NumPHIInst",
        "ret": "NumRetInst", "sext": "NumSExtInst", "select": "NumSelectInst",
        "shl": "NumShlInst", "store": "NumStoreInst", "sub": "NumSubInst",
        "trunc": "NumTruncInst", "xor": "NumXorInst", "zext": "NumZExtInst",
    }.items()
}  # fmt: skip

# LLVM's UnaryInstruction subclasses, and BinaryOperator opcodes.
UNARY_OPCODES = frozenset(
    "alloca load va_arg extractvalue fneg freeze trunc zext sext fptoui fptosi uitofp sitofp "
    "fptrunc fpext ptrtoint ptrtoaddr inttoptr bitcast addrspacecast".split()
)
BINARY_OPCODES = frozenset(
    "add fadd sub fsub mul fmul udiv sdiv fdiv urem srem frem shl lshr ashr and or xor".split()
)
MEMORY_OPCODES = frozenset("getelementptr load store call invoke alloca".split())
