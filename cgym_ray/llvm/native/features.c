/*
 * Feature extraction over LLVM's C API, in native code.
 *
 * Walking a module from Python through ctypes costs about 0.45 us an
 * instruction, as much as the pass itself on small programs; the same walk
 * here costs a few nanoseconds an instruction. The LLVM symbols are resolved
 * at load time from the libLLVM that the Python side loaded with RTLD_GLOBAL,
 * so this file needs no LLVM headers: the few prototypes are declared below.
 *
 * Feature definitions: cgym_ray/llvm/features.py (the order and meaning of
 * every slot). The llvmlite backend computes the same features in Python and
 * the tests check both give identical vectors on the same bitcode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct LLVMOpaqueModule *LLVMModuleRef;
typedef struct LLVMOpaqueValue *LLVMValueRef;
typedef struct LLVMOpaqueBasicBlock *LLVMBasicBlockRef;
typedef struct LLVMOpaqueType *LLVMTypeRef;

extern LLVMValueRef LLVMGetFirstFunction(LLVMModuleRef);
extern LLVMValueRef LLVMGetNextFunction(LLVMValueRef);
extern int LLVMIsDeclaration(LLVMValueRef);
extern LLVMBasicBlockRef LLVMGetFirstBasicBlock(LLVMValueRef);
extern LLVMBasicBlockRef LLVMGetNextBasicBlock(LLVMBasicBlockRef);
extern unsigned LLVMCountBasicBlocks(LLVMValueRef);
extern LLVMValueRef LLVMGetFirstInstruction(LLVMBasicBlockRef);
extern LLVMValueRef LLVMGetNextInstruction(LLVMValueRef);
extern int LLVMGetInstructionOpcode(LLVMValueRef);
extern LLVMValueRef LLVMGetBasicBlockTerminator(LLVMBasicBlockRef);
extern unsigned LLVMGetNumSuccessors(LLVMValueRef);
extern LLVMBasicBlockRef LLVMGetSuccessor(LLVMValueRef, unsigned);
extern int LLVMGetNumOperands(LLVMValueRef);
extern LLVMValueRef LLVMGetOperand(LLVMValueRef, unsigned);
extern LLVMValueRef LLVMIsAConstantInt(LLVMValueRef);
extern LLVMValueRef LLVMIsAConstant(LLVMValueRef);
extern LLVMValueRef LLVMIsAFunction(LLVMValueRef);
extern LLVMTypeRef LLVMTypeOf(LLVMValueRef);
extern unsigned LLVMGetIntTypeWidth(LLVMTypeRef);
extern unsigned long long LLVMConstIntGetZExtValue(LLVMValueRef);
extern int LLVMIsNull(LLVMValueRef);
extern unsigned LLVMCountIncoming(LLVMValueRef);
extern int LLVMIsConditional(LLVMValueRef);
extern LLVMValueRef LLVMGetCalledValue(LLVMValueRef);
extern LLVMTypeRef LLVMGetCalledFunctionType(LLVMValueRef);
extern LLVMTypeRef LLVMGlobalGetValueType(LLVMValueRef);
extern LLVMTypeRef LLVMGetReturnType(LLVMTypeRef);
extern int LLVMGetTypeKind(LLVMTypeRef);
/* LLVM 20+; weak so that the library still loads on an older libLLVM. */
extern LLVMValueRef LLVMGetSwitchCaseValue(LLVMValueRef, unsigned) __attribute__((weak));
extern LLVMValueRef LLVMGetFirstGlobal(LLVMModuleRef);
extern LLVMValueRef LLVMGetNextGlobal(LLVMValueRef);
extern LLVMValueRef LLVMGetInitializer(LLVMValueRef);
extern unsigned LLVMGetAttributeCountAtIndex(LLVMValueRef, unsigned);

/* LLVMOpcode values from llvm-c/Core.h (stable across releases). */
enum {
  OP_RET = 1, OP_BR = 2, OP_SWITCH = 3, OP_INDIRECTBR = 4, OP_INVOKE = 5,
  OP_UNREACHABLE = 7, OP_ADD = 8, OP_FADD = 9, OP_SUB = 10, OP_FSUB = 11,
  OP_MUL = 12, OP_FMUL = 13, OP_UDIV = 14, OP_SDIV = 15, OP_FDIV = 16,
  OP_UREM = 17, OP_SREM = 18, OP_FREM = 19, OP_SHL = 20, OP_LSHR = 21,
  OP_ASHR = 22, OP_AND = 23, OP_OR = 24, OP_XOR = 25, OP_ALLOCA = 26,
  OP_LOAD = 27, OP_STORE = 28, OP_GEP = 29, OP_TRUNC = 30, OP_ZEXT = 31,
  OP_SEXT = 32, OP_FPTOUI = 33, OP_FPTOSI = 34, OP_UITOFP = 35, OP_SITOFP = 36,
  OP_FPTRUNC = 37, OP_FPEXT = 38, OP_PTRTOINT = 39, OP_INTTOPTR = 40,
  OP_BITCAST = 41, OP_ICMP = 42, OP_FCMP = 43, OP_PHI = 44, OP_CALL = 45,
  OP_SELECT = 46, OP_USEROP1 = 47, OP_USEROP2 = 48, OP_VAARG = 49,
  OP_EXTRACTELEMENT = 50, OP_INSERTELEMENT = 51, OP_SHUFFLEVECTOR = 52,
  OP_EXTRACTVALUE = 53, OP_INSERTVALUE = 54, OP_FENCE = 55,
  OP_ATOMICCMPXCHG = 56, OP_ATOMICRMW = 57, OP_RESUME = 58, OP_LANDINGPAD = 59,
  OP_ADDRSPACECAST = 60, OP_CLEANUPRET = 61, OP_CATCHRET = 62,
  OP_CATCHPAD = 63, OP_CLEANUPPAD = 64, OP_CATCHSWITCH = 65, OP_FNEG = 66,
  OP_CALLBR = 67, OP_FREEZE = 68, OP_PTRTOADDR = 69,
  /* LLVM 23 split `br` into two instruction classes; both print as `br`. */
  OP_UNCONDBR = 70, OP_CONDBR = 71,
  OP_LIMIT = 128
};

/* The opcode with LLVM 23's split branches folded back into OP_BR. */
static int opcode_of(LLVMValueRef inst) {
  int opcode = LLVMGetInstructionOpcode(inst);
  return (opcode == OP_UNCONDBR || opcode == OP_CONDBR) ? OP_BR : opcode;
}

#define LLVM_INTEGER_TYPE_KIND 8

/* InstCount slot (3 + position in LLVM's internal opcode order) of each C opcode. */
static int instcount_slot[OP_LIMIT];

static void init_slots(void) {
  static int done = 0;
  static const int order[] = {
      OP_RET, OP_BR, OP_SWITCH, OP_INDIRECTBR, OP_INVOKE, OP_RESUME, OP_UNREACHABLE,
      OP_CLEANUPRET, OP_CATCHRET, OP_CATCHSWITCH, OP_CALLBR, OP_FNEG, OP_ADD, OP_FADD,
      OP_SUB, OP_FSUB, OP_MUL, OP_FMUL, OP_UDIV, OP_SDIV, OP_FDIV, OP_UREM, OP_SREM,
      OP_FREM, OP_SHL, OP_LSHR, OP_ASHR, OP_AND, OP_OR, OP_XOR, OP_ALLOCA, OP_LOAD,
      OP_STORE, OP_GEP, OP_FENCE, OP_ATOMICCMPXCHG, OP_ATOMICRMW, OP_TRUNC, OP_ZEXT,
      OP_SEXT, OP_FPTOUI, OP_FPTOSI, OP_UITOFP, OP_SITOFP, OP_FPTRUNC, OP_FPEXT,
      OP_PTRTOINT, OP_INTTOPTR, OP_BITCAST, OP_ADDRSPACECAST, OP_CLEANUPPAD,
      OP_CATCHPAD, OP_ICMP, OP_FCMP, OP_PHI, OP_CALL, OP_SELECT, OP_USEROP1,
      OP_USEROP2, OP_VAARG, OP_EXTRACTELEMENT, OP_INSERTELEMENT, OP_SHUFFLEVECTOR,
      OP_EXTRACTVALUE, OP_INSERTVALUE, OP_LANDINGPAD, OP_FREEZE};
  if (done) return;
  for (int i = 0; i < OP_LIMIT; i++) instcount_slot[i] = -1;
  for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++) instcount_slot[order[i]] = 3 + i;
  done = 1;
}

/* Instructions in defined functions: the IrInstructionCount observation. */
int64_t cgym_instruction_count(LLVMModuleRef module) {
  int64_t total = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst))
        total++;
  }
  return total;
}

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

/*
 * A fingerprint of the module, to tell whether a pass changed anything: a
 * hash of everything its IR text shows except value names. Objects enter by
 * identity (address): constants, types, attributes and uniqued metadata are
 * uniqued per context, so their identity is their value; functions, blocks
 * and instructions by identity and position. Around that, every property the
 * text prints: flags (nuw, nsw, exact, nneg, disjoint, samesign, fast-math,
 * inbounds), alignment, volatile and atomic orderings, tail markers, calling
 * conventions, predicates, result and allocated types, phi blocks, indices,
 * shuffle masks, attributes of functions, returns, parameters and call
 * sites, metadata attachments, and each global's linkage, visibility,
 * unnamed_addr, constness, section and initialiser. A pass that rebuilds an
 * identical instruction counts as a change (the address differs). Writes the
 * instruction count to *count. Functions of newer LLVMs are weak, and only
 * called on instructions they accept (LLVM casts without checking).
 */
typedef struct LLVMOpaqueAttributeRef *LLVMAttributeRef;
typedef struct LLVMOpaqueValueMetadataEntry LLVMValueMetadataEntry;
typedef struct LLVMOpaqueMetadata *LLVMMetadataRef;
typedef struct LLVMOpaqueNamedMDNode *LLVMNamedMDNodeRef;
typedef struct LLVMOpaqueDbgRecord *LLVMDbgRecordRef;

extern int LLVMGetNUW(LLVMValueRef);
extern int LLVMGetNSW(LLVMValueRef);
extern int LLVMGetExact(LLVMValueRef) __attribute__((weak));
extern int LLVMGetNNeg(LLVMValueRef) __attribute__((weak));
extern int LLVMGetIsDisjoint(LLVMValueRef) __attribute__((weak));
extern int LLVMGetICmpSameSign(LLVMValueRef) __attribute__((weak));
extern int LLVMCanValueUseFastMathFlags(LLVMValueRef) __attribute__((weak));
extern unsigned LLVMGetFastMathFlags(LLVMValueRef) __attribute__((weak));
extern unsigned LLVMGEPGetNoWrapFlags(LLVMValueRef) __attribute__((weak));
extern int LLVMIsInBounds(LLVMValueRef);
extern unsigned LLVMGetAlignment(LLVMValueRef);
extern int LLVMGetVolatile(LLVMValueRef);
extern int LLVMGetOrdering(LLVMValueRef);
extern int LLVMGetCmpXchgSuccessOrdering(LLVMValueRef);
extern int LLVMGetCmpXchgFailureOrdering(LLVMValueRef);
extern int LLVMGetWeak(LLVMValueRef);
extern int LLVMGetAtomicRMWBinOp(LLVMValueRef);
extern int LLVMIsTailCall(LLVMValueRef);
extern int LLVMGetTailCallKind(LLVMValueRef) __attribute__((weak));
extern unsigned LLVMGetInstructionCallConv(LLVMValueRef);
extern unsigned LLVMGetFunctionCallConv(LLVMValueRef);
extern unsigned LLVMGetNumArgOperands(LLVMValueRef);
extern unsigned LLVMGetCallSiteAttributeCount(LLVMValueRef, unsigned);
extern void LLVMGetCallSiteAttributes(LLVMValueRef, unsigned, LLVMAttributeRef *);
extern void LLVMGetAttributesAtIndex(LLVMValueRef, unsigned, LLVMAttributeRef *);
extern unsigned LLVMCountParams(LLVMValueRef);
extern int LLVMGetICmpPredicate(LLVMValueRef);
extern int LLVMGetFCmpPredicate(LLVMValueRef);
extern LLVMTypeRef LLVMGetAllocatedType(LLVMValueRef);
extern LLVMTypeRef LLVMGetGEPSourceElementType(LLVMValueRef);
extern LLVMBasicBlockRef LLVMGetIncomingBlock(LLVMValueRef, unsigned);
extern unsigned LLVMGetNumMaskElements(LLVMValueRef);
extern int LLVMGetMaskValue(LLVMValueRef, unsigned);
extern unsigned LLVMGetNumIndices(LLVMValueRef);
extern const unsigned *LLVMGetIndices(LLVMValueRef);
extern int LLVMHasMetadata(LLVMValueRef);
extern LLVMValueMetadataEntry *LLVMInstructionGetAllMetadataOtherThanDebugLoc(LLVMValueRef, size_t *);
extern LLVMValueMetadataEntry *LLVMGlobalCopyAllMetadata(LLVMValueRef, size_t *);
extern unsigned LLVMValueMetadataEntriesGetKind(LLVMValueMetadataEntry *, unsigned);
extern LLVMMetadataRef LLVMValueMetadataEntriesGetMetadata(LLVMValueMetadataEntry *, unsigned);
extern void LLVMDisposeValueMetadataEntries(LLVMValueMetadataEntry *);
extern LLVMMetadataRef LLVMInstructionGetDebugLoc(LLVMValueRef) __attribute__((weak));
extern LLVMDbgRecordRef LLVMGetFirstDbgRecord(LLVMValueRef) __attribute__((weak));
extern LLVMDbgRecordRef LLVMGetNextDbgRecord(LLVMDbgRecordRef) __attribute__((weak));
extern int LLVMGetLinkage(LLVMValueRef);
extern int LLVMGetVisibility(LLVMValueRef);
extern int LLVMGetDLLStorageClass(LLVMValueRef);
extern int LLVMGetUnnamedAddress(LLVMValueRef);
extern const char *LLVMGetSection(LLVMValueRef);
extern const char *LLVMGetGC(LLVMValueRef);
extern void *LLVMGetComdat(LLVMValueRef);
extern int LLVMIsGlobalConstant(LLVMValueRef);
extern int LLVMIsThreadLocal(LLVMValueRef);
extern int LLVMGetThreadLocalMode(LLVMValueRef);
extern int LLVMIsExternallyInitialized(LLVMValueRef);
extern int LLVMHasPersonalityFn(LLVMValueRef);
extern LLVMValueRef LLVMGetPersonalityFn(LLVMValueRef);
extern LLVMValueRef LLVMGetFirstGlobalAlias(LLVMModuleRef);
extern LLVMValueRef LLVMGetNextGlobalAlias(LLVMValueRef);
extern LLVMValueRef LLVMAliasGetAliasee(LLVMValueRef);
extern LLVMNamedMDNodeRef LLVMGetFirstNamedMetadata(LLVMModuleRef);
extern LLVMNamedMDNodeRef LLVMGetNextNamedMetadata(LLVMNamedMDNodeRef);
extern const char *LLVMGetModuleInlineAsm(LLVMModuleRef, size_t *);
extern unsigned LLVMGetModuleDebugMetadataVersion(LLVMModuleRef);
extern void LLVMGetVersion(unsigned *, unsigned *, unsigned *) __attribute__((weak));

#define ATTRIBUTE_FUNCTION_INDEX 0xFFFFFFFFu
#define ATTRIBUTE_RETURN_INDEX 0u

static uint64_t mix_string(uint64_t h, const char *text, size_t length) {
  if (!text) return mix(h, 0);
  for (size_t i = 0; i < length; i++) h = (h ^ (unsigned char)text[i]) * 0x100000001b3ull;
  return mix(h, length);
}

static uint64_t mix_cstring(uint64_t h, const char *text) { return mix_string(h, text, text ? strlen(text) : 0); }

/* Attributes are uniqued per context: their addresses are their values. */
static uint64_t mix_attributes(uint64_t h, LLVMValueRef value, unsigned index, int call_site) {
  LLVMAttributeRef stack[32];
  unsigned count = call_site ? LLVMGetCallSiteAttributeCount(value, index) : LLVMGetAttributeCountAtIndex(value, index);
  h = mix(h, count);
  if (!count) return h;
  LLVMAttributeRef *attributes = count <= 32 ? stack : malloc(count * sizeof *attributes);
  if (!attributes) return mix(h, ~0ull);
  if (call_site)
    LLVMGetCallSiteAttributes(value, index, attributes);
  else
    LLVMGetAttributesAtIndex(value, index, attributes);
  for (unsigned i = 0; i < count; i++) h = mix(h, (uintptr_t)attributes[i]);
  if (attributes != stack) free(attributes);
  return h;
}

static uint64_t mix_metadata(uint64_t h, LLVMValueMetadataEntry *entries, size_t count) {
  h = mix(h, count);
  for (unsigned i = 0; i < count; i++)
    h = mix(mix(h, LLVMValueMetadataEntriesGetKind(entries, i)), (uintptr_t)LLVMValueMetadataEntriesGetMetadata(entries, i));
  if (entries) LLVMDisposeValueMetadataEntries(entries);
  return h;
}

/*
 * What a global value shows besides its name: linkage, visibility,
 * unnamed_addr, ...; for a global object (not an alias) also its comdat,
 * alignment and metadata, which LLVM only reads from objects.
 */
static uint64_t mix_global(uint64_t h, LLVMValueRef global, int object) {
  size_t count = 0;
  h = mix(h, (uintptr_t)global);
  h = mix(h, (uint64_t)LLVMGetLinkage(global) << 32 | (uint64_t)LLVMGetVisibility(global) << 16 |
                 (uint64_t)LLVMGetDLLStorageClass(global) << 8 | (uint64_t)LLVMGetUnnamedAddress(global));
  h = mix(h, (uintptr_t)LLVMGlobalGetValueType(global));
  h = mix_cstring(h, LLVMGetSection(global));
  if (!object) return h;
  h = mix(mix(h, (uintptr_t)LLVMGetComdat(global)), LLVMGetAlignment(global));
  return mix_metadata(h, LLVMGlobalCopyAllMetadata(global, &count), count);
}

static unsigned llvm_major(void) {
  unsigned major = 0, minor = 0, patch = 0;
  if (LLVMGetVersion) LLVMGetVersion(&major, &minor, &patch);
  return major;
}

/* Opcodes whose instructions may carry fast-math flags (FPMathOperator). */
static int may_have_fast_math(int opcode) {
  switch (opcode) {
    case OP_FNEG: case OP_FADD: case OP_FSUB: case OP_FMUL: case OP_FDIV: case OP_FREM:
    case OP_FPTRUNC: case OP_FPEXT: case OP_FCMP: case OP_PHI: case OP_SELECT: case OP_CALL:
      return 1;
    default:
      return 0;
  }
}

/*
 * The properties of one instruction that its text prints, by opcode.
 * `debug`: the module has debug info, so instructions may carry debug records.
 */
static uint64_t mix_instruction(uint64_t h, LLVMValueRef inst, int opcode, unsigned major, int debug) {
  h = mix(h, (uintptr_t)LLVMTypeOf(inst));
  switch (opcode) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_SHL:
      h = mix(h, LLVMGetNUW(inst) | LLVMGetNSW(inst) << 1);
      break;
    case OP_TRUNC:
      if (major >= 19) h = mix(h, LLVMGetNUW(inst) | LLVMGetNSW(inst) << 1);
      break;
    case OP_UDIV: case OP_SDIV: case OP_LSHR: case OP_ASHR:
      if (LLVMGetExact) h = mix(h, LLVMGetExact(inst));
      break;
    case OP_ZEXT:
      if (LLVMGetNNeg) h = mix(h, LLVMGetNNeg(inst));
      break;
    case OP_UITOFP:
      if (LLVMGetNNeg && major >= 19) h = mix(h, LLVMGetNNeg(inst));
      break;
    case OP_OR:
      if (LLVMGetIsDisjoint) h = mix(h, LLVMGetIsDisjoint(inst));
      break;
    case OP_ICMP:
      h = mix(h, LLVMGetICmpPredicate(inst));
      if (LLVMGetICmpSameSign) h = mix(h, LLVMGetICmpSameSign(inst));
      break;
    case OP_FCMP:
      h = mix(h, LLVMGetFCmpPredicate(inst));
      break;
    case OP_GEP:
      h = mix(h, (uintptr_t)LLVMGetGEPSourceElementType(inst));
      h = mix(h, LLVMGEPGetNoWrapFlags ? LLVMGEPGetNoWrapFlags(inst) : (unsigned)LLVMIsInBounds(inst));
      break;
    case OP_ALLOCA:
      h = mix(mix(h, (uintptr_t)LLVMGetAllocatedType(inst)), LLVMGetAlignment(inst));
      break;
    case OP_LOAD: case OP_STORE:
      h = mix(h, LLVMGetAlignment(inst) | (uint64_t)LLVMGetVolatile(inst) << 32 | (uint64_t)LLVMGetOrdering(inst) << 40);
      break;
    case OP_FENCE:
      h = mix(h, LLVMGetOrdering(inst));
      break;
    case OP_ATOMICRMW:
      h = mix(h, LLVMGetAlignment(inst) | (uint64_t)LLVMGetVolatile(inst) << 32 | (uint64_t)LLVMGetOrdering(inst) << 40 |
                     (uint64_t)LLVMGetAtomicRMWBinOp(inst) << 48);
      break;
    case OP_ATOMICCMPXCHG:
      h = mix(h, LLVMGetAlignment(inst) | (uint64_t)LLVMGetVolatile(inst) << 32 | (uint64_t)LLVMGetWeak(inst) << 33 |
                     (uint64_t)LLVMGetCmpXchgSuccessOrdering(inst) << 40 | (uint64_t)LLVMGetCmpXchgFailureOrdering(inst) << 48);
      break;
    case OP_PHI: {
      unsigned incoming = LLVMCountIncoming(inst);
      for (unsigned i = 0; i < incoming; i++) h = mix(h, (uintptr_t)LLVMGetIncomingBlock(inst, i));
      break;
    }
    case OP_SHUFFLEVECTOR: {
      unsigned elements = LLVMGetNumMaskElements(inst);
      for (unsigned i = 0; i < elements; i++) h = mix(h, (uint64_t)(int64_t)LLVMGetMaskValue(inst, i));
      break;
    }
    case OP_EXTRACTVALUE: case OP_INSERTVALUE: {
      unsigned indices = LLVMGetNumIndices(inst);
      const unsigned *index = LLVMGetIndices(inst);
      for (unsigned i = 0; i < indices; i++) h = mix(h, index[i]);
      break;
    }
    case OP_SWITCH:
      if (LLVMGetSwitchCaseValue) {
        unsigned successors = LLVMGetNumSuccessors(inst);
        for (unsigned i = 1; i < successors; i++) h = mix(h, (uintptr_t)LLVMGetSwitchCaseValue(inst, i));
      }
      break;
    case OP_CALL: case OP_INVOKE: case OP_CALLBR: {
      unsigned arguments = LLVMGetNumArgOperands(inst);
      if (opcode == OP_CALL) h = mix(h, LLVMGetTailCallKind ? (unsigned)LLVMGetTailCallKind(inst) : (unsigned)LLVMIsTailCall(inst));
      h = mix(mix(h, LLVMGetInstructionCallConv(inst)), (uintptr_t)LLVMGetCalledFunctionType(inst));
      h = mix_attributes(h, inst, ATTRIBUTE_FUNCTION_INDEX, 1);
      for (unsigned i = 0; i <= arguments; i++) h = mix_attributes(h, inst, i, 1);
      break;
    }
    default:
      break;
  }
  if (may_have_fast_math(opcode) && LLVMCanValueUseFastMathFlags && LLVMCanValueUseFastMathFlags(inst))
    h = mix(h, LLVMGetFastMathFlags(inst));
  if (LLVMHasMetadata(inst)) {
    size_t count = 0;
    h = mix_metadata(h, LLVMInstructionGetAllMetadataOtherThanDebugLoc(inst, &count), count);
    if (LLVMInstructionGetDebugLoc) h = mix(h, (uintptr_t)LLVMInstructionGetDebugLoc(inst));
  }
  if (debug && LLVMGetFirstDbgRecord)
    for (LLVMDbgRecordRef record = LLVMGetFirstDbgRecord(inst); record; record = LLVMGetNextDbgRecord(record))
      h = mix(h, (uintptr_t)record);
  return h;
}

uint64_t cgym_fingerprint(LLVMModuleRef module, int64_t *count) {
  static unsigned major = 0;
  uint64_t h = 1469598103934665603ull;
  int64_t total = 0;
  size_t length = 0;
  if (!major) major = llvm_major();
  int debug = LLVMGetModuleDebugMetadataVersion(module) != 0;
  const char *assembly = LLVMGetModuleInlineAsm(module, &length);
  h = mix_string(h, assembly, length);
  for (LLVMNamedMDNodeRef node = LLVMGetFirstNamedMetadata(module); node; node = LLVMGetNextNamedMetadata(node))
    h = mix(h, (uintptr_t)node);
  for (LLVMValueRef g = LLVMGetFirstGlobal(module); g; g = LLVMGetNextGlobal(g)) {
    h = mix(mix_global(h, g, 1), (uintptr_t)LLVMGetInitializer(g));
    h = mix(h, (uint64_t)LLVMIsGlobalConstant(g) | (uint64_t)LLVMIsThreadLocal(g) << 1 |
                   (uint64_t)LLVMGetThreadLocalMode(g) << 8 | (uint64_t)LLVMIsExternallyInitialized(g) << 16);
  }
  for (LLVMValueRef a = LLVMGetFirstGlobalAlias(module); a; a = LLVMGetNextGlobalAlias(a))
    h = mix(mix_global(h, a, 0), (uintptr_t)LLVMAliasGetAliasee(a));
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    unsigned params = LLVMCountParams(fn);
    h = mix(mix_global(h, fn, 1), LLVMGetFunctionCallConv(fn));
    h = mix_cstring(h, LLVMGetGC(fn));
    h = mix(h, LLVMHasPersonalityFn(fn) ? (uintptr_t)LLVMGetPersonalityFn(fn) : 0);
    h = mix_attributes(h, fn, ATTRIBUTE_FUNCTION_INDEX, 0);
    for (unsigned i = 0; i <= params; i++) h = mix_attributes(h, fn, i, 0);
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
      h = mix(h, (uintptr_t)bb);
      for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
        int operands = LLVMGetNumOperands(inst);
        int opcode = LLVMGetInstructionOpcode(inst);
        h = mix(mix(h, (uintptr_t)inst), (uint64_t)opcode);
        for (int i = 0; i < operands; i++) h = mix(h, (uintptr_t)LLVMGetOperand(inst, (unsigned)i));
        h = mix_instruction(h, inst, opcode == OP_UNCONDBR || opcode == OP_CONDBR ? OP_BR : opcode, major, debug);
        total++;
      }
    }
  }
  *count = total;
  return h;
}

/* The 70 InstCount features. out must hold 70 values. */
void cgym_inst_count(LLVMModuleRef module, int64_t *out) {
  init_slots();
  memset(out, 0, 70 * sizeof *out);
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    if (LLVMIsDeclaration(fn)) continue;
    out[2]++;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
      out[1]++;
      for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
        int opcode = opcode_of(inst);
        out[0]++;
        if (opcode > 0 && opcode < OP_LIMIT && instcount_slot[opcode] >= 0) out[instcount_slot[opcode]]++;
      }
    }
  }
}

/* Open-addressing map from basic block to its predecessor count (edges, with repeats). */
typedef struct {
  LLVMBasicBlockRef *keys;
  int32_t *preds;
  size_t capacity;
} BlockMap;

static size_t block_slot(const BlockMap *map, LLVMBasicBlockRef bb) {
  size_t h = ((uintptr_t)bb >> 4) * 0x9E3779B97F4A7C15ull;
  size_t i = h & (map->capacity - 1);
  while (map->keys[i] && map->keys[i] != bb) i = (i + 1) & (map->capacity - 1);
  return i;
}

static int block_map_reserve(BlockMap *map, size_t blocks) {
  size_t capacity = 16;
  while (capacity < blocks * 2 + 1) capacity <<= 1;
  if (capacity > map->capacity) {
    free(map->keys);
    free(map->preds);
    map->keys = malloc(capacity * sizeof *map->keys);
    map->preds = malloc(capacity * sizeof *map->preds);
    if (!map->keys || !map->preds) return -1;
    map->capacity = capacity;
  }
  memset(map->keys, 0, map->capacity * sizeof *map->keys);
  memset(map->preds, 0, map->capacity * sizeof *map->preds);
  return 0;
}

enum {
  AP_BBNumArgsHi, AP_BBNumArgsLo, AP_onePred, AP_onePredOneSuc, AP_onePredTwoSuc,
  AP_oneSuccessor, AP_twoPred, AP_twoPredOneSuc, AP_twoEach, AP_twoSuccessor,
  AP_morePreds, AP_BB03Phi, AP_BBHiPhi, AP_BBNoPhi, AP_BeginPhi, AP_BranchCount,
  AP_returnInt, AP_CriticalCount, AP_NumEdges, AP_const32Bit, AP_const64Bit,
  AP_numConstZeroes, AP_numConstOnes, AP_UncondBranches, AP_binaryConstArg,
  AP_NumAShrInst, AP_NumAddInst, AP_NumAllocaInst, AP_NumAndInst, AP_BlockMid,
  AP_BlockLow, AP_NumBitCastInst, AP_NumBrInst, AP_NumCallInst,
  AP_NumGetElementPtrInst, AP_NumICmpInst, AP_NumLShrInst, AP_NumLoadInst,
  AP_NumMulInst, AP_NumOrInst, AP_NumPHIInst, AP_NumRetInst, AP_NumSExtInst,
  AP_NumSelectInst, AP_NumShlInst, AP_NumStoreInst, AP_NumSubInst,
  AP_NumTruncInst, AP_NumXorInst, AP_NumZExtInst, AP_TotalBlocks, AP_TotalInsts,
  AP_TotalMemInst, AP_TotalFuncs, AP_ArgsPhi, AP_testUnary, AP_COUNT
};

static int autophase_opcode_slot(int opcode) {
  switch (opcode) {
    case OP_ASHR: return AP_NumAShrInst;
    case OP_ADD: return AP_NumAddInst;
    case OP_ALLOCA: return AP_NumAllocaInst;
    case OP_AND: return AP_NumAndInst;
    case OP_BITCAST: return AP_NumBitCastInst;
    case OP_BR: return AP_NumBrInst;
    case OP_CALL: return AP_NumCallInst;
    case OP_GEP: return AP_NumGetElementPtrInst;
    case OP_ICMP: return AP_NumICmpInst;
    case OP_LSHR: return AP_NumLShrInst;
    case OP_LOAD: return AP_NumLoadInst;
    case OP_MUL: return AP_NumMulInst;
    case OP_OR: return AP_NumOrInst;
    case OP_PHI: return AP_NumPHIInst;
    case OP_RET: return AP_NumRetInst;
    case OP_SEXT: return AP_NumSExtInst;
    case OP_SELECT: return AP_NumSelectInst;
    case OP_SHL: return AP_NumShlInst;
    case OP_STORE: return AP_NumStoreInst;
    case OP_SUB: return AP_NumSubInst;
    case OP_TRUNC: return AP_NumTruncInst;
    case OP_XOR: return AP_NumXorInst;
    case OP_ZEXT: return AP_NumZExtInst;
    default: return -1;
  }
}

static int is_unary_instruction(int opcode) {
  /* LLVM's UnaryInstruction subclasses: alloca, load, casts, va_arg, extractvalue, fneg, freeze. */
  switch (opcode) {
    case OP_ALLOCA: case OP_LOAD: case OP_VAARG: case OP_EXTRACTVALUE: case OP_FNEG:
    case OP_FREEZE: case OP_TRUNC: case OP_ZEXT: case OP_SEXT: case OP_FPTOUI:
    case OP_FPTOSI: case OP_UITOFP: case OP_SITOFP: case OP_FPTRUNC: case OP_FPEXT:
    case OP_PTRTOINT: case OP_INTTOPTR: case OP_BITCAST: case OP_ADDRSPACECAST:
    case OP_PTRTOADDR:
      return 1;
    default:
      return 0;
  }
}

static void count_constant(LLVMValueRef value, int64_t *out) {
  if (!value || !LLVMIsAConstantInt(value)) return;
  unsigned width = LLVMGetIntTypeWidth(LLVMTypeOf(value));
  if (width == 32) out[AP_const32Bit]++;
  else if (width == 64) out[AP_const64Bit]++;
  if (LLVMIsNull(value)) out[AP_numConstZeroes]++;
  else if (width <= 64 && LLVMConstIntGetZExtValue(value) == 1) out[AP_numConstOnes]++;
}

/*
 * Switch case values were operands of the instruction up to LLVM 22 (two
 * operands a case); LLVM 23 keeps them apart. Count them either way, as the
 * AutoPhase definition does.
 */
static void count_switch_case_values(LLVMValueRef inst, int operands, int64_t *out) {
  unsigned successors = LLVMGetNumSuccessors(inst);
  if (operands >= 2 * (int)successors || !LLVMGetSwitchCaseValue) return;
  for (unsigned i = 1; i < successors; i++) count_constant(LLVMGetSwitchCaseValue(inst, i), out);
}

static void count_block(LLVMBasicBlockRef bb, int32_t num_preds, int64_t *out, BlockMap *map) {
  LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);
  unsigned num_succ = term ? LLVMGetNumSuccessors(term) : 0;
  out[AP_TotalBlocks]++;
  for (unsigned i = 0; i < num_succ; i++) {
    out[AP_NumEdges]++;
    /* Critical: the source has several successors and the target several predecessor edges. */
    if (num_succ > 1 && map->preds[block_slot(map, LLVMGetSuccessor(term, i))] > 1) out[AP_CriticalCount]++;
  }
  if (num_succ == 1) out[AP_oneSuccessor]++;
  else if (num_succ == 2) out[AP_twoSuccessor]++;
  if (num_preds == 1) out[AP_onePred]++;
  else if (num_preds == 2) out[AP_twoPred]++;
  else if (num_preds > 2) out[AP_morePreds]++;
  if (num_preds == 1 && num_succ == 1) out[AP_onePredOneSuc]++;
  else if (num_preds == 2 && num_succ == 1) out[AP_twoPredOneSuc]++;
  else if (num_preds == 1 && num_succ == 2) out[AP_onePredTwoSuc]++;
  else if (num_preds == 2 && num_succ == 2) out[AP_twoEach]++;

  int64_t instructions = 0, phis = 0, phi_args = 0;
  int first = 1;
  for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
    int opcode = opcode_of(inst);
    int slot = autophase_opcode_slot(opcode);
    if (slot >= 0) out[slot]++;
    out[AP_TotalInsts]++;
    if (opcode == OP_GEP || opcode == OP_LOAD || opcode == OP_STORE || opcode == OP_CALL ||
        opcode == OP_INVOKE || opcode == OP_ALLOCA)
      out[AP_TotalMemInst]++;
    if (opcode == OP_BR) {
      out[AP_BranchCount]++;
      if (!LLVMIsConditional(inst)) out[AP_UncondBranches]++;
    }
    int operands = LLVMGetNumOperands(inst);
    for (int i = 0; i < operands; i++) count_constant(LLVMGetOperand(inst, (unsigned)i), out);
    if (opcode == OP_SWITCH) count_switch_case_values(inst, operands, out);
    if (opcode == OP_CALL) {
      LLVMValueRef callee = LLVMGetCalledValue(inst);
      /* A direct call: the callee is a function of the call's own type. */
      if (callee && LLVMIsAFunction(callee) &&
          LLVMGlobalGetValueType(callee) == LLVMGetCalledFunctionType(inst) &&
          LLVMGetTypeKind(LLVMGetReturnType(LLVMGlobalGetValueType(callee))) == LLVM_INTEGER_TYPE_KIND)
        out[AP_returnInt]++;
    }
    if (is_unary_instruction(opcode)) out[AP_testUnary]++;
    if (opcode >= OP_ADD && opcode <= OP_XOR) {
      if (LLVMIsAConstant(LLVMGetOperand(inst, 0)) || LLVMIsAConstant(LLVMGetOperand(inst, 1)))
        out[AP_binaryConstArg]++;
    }
    if (opcode == OP_PHI) {
      if (first) out[AP_BeginPhi]++;
      unsigned incoming = LLVMCountIncoming(inst);
      phis++;
      phi_args += incoming;
      out[AP_ArgsPhi] += incoming;
    }
    first = 0;
    instructions++;
  }
  if (phis == 0) out[AP_BBNoPhi]++;
  else if (phis <= 3) out[AP_BB03Phi]++;
  else out[AP_BBHiPhi]++;
  if (phi_args > 5) out[AP_BBNumArgsHi]++;
  else if (phi_args >= 1) out[AP_BBNumArgsLo]++;
  if (instructions < 15) out[AP_BlockLow]++;
  else if (instructions <= 500) out[AP_BlockMid]++;
}

/* The 56 Autophase features. out must hold 56 values. Returns 0, or -1 when out of memory. */
int cgym_autophase(LLVMModuleRef module, int64_t *out) {
  BlockMap map = {0};
  memset(out, 0, AP_COUNT * sizeof *out);
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    out[AP_TotalFuncs]++; /* declarations too, as the AutoPhase pass counts them */
    if (LLVMIsDeclaration(fn)) continue;
    if (block_map_reserve(&map, LLVMCountBasicBlocks(fn)) != 0) {
      free(map.keys);
      free(map.preds);
      return -1;
    }
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
      map.keys[block_slot(&map, bb)] = bb;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
      LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);
      unsigned num_succ = term ? LLVMGetNumSuccessors(term) : 0;
      for (unsigned i = 0; i < num_succ; i++) map.preds[block_slot(&map, LLVMGetSuccessor(term, i))]++;
    }
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
      count_block(bb, map.preds[block_slot(&map, bb)], out, &map);
  }
  free(map.keys);
  free(map.preds);
  return 0;
}

/*
 * ProGraML-style program graph (Cummins et al., ICML 2021), as flat arrays.
 *
 * Node 0 is the "[external]" root. Then one instruction node per instruction,
 * in module order; variable nodes (instruction results, arguments, global
 * variables) and constant nodes (deduplicated per module) in order of first
 * use. Edges:
 *   control  instruction -> next instruction of its block (position 0);
 *            terminator -> first instruction of successor i (position i);
 *   data     instruction -> the variable holding its result (position 0);
 *            variable or constant -> instruction using it (position = operand index);
 *   call     call site -> callee's first instruction and each of its returns
 *            -> call site (position 0); a call to a declaration or through a
 *            pointer goes to and from the root, and the root calls every
 *            defined function's entry.
 * Basic block, callee and metadata operands are not data: the control and
 * call edges carry them. Node texts (NUL-separated): the full statement of an
 * instruction (as its line of the printed module), "<type> <name>" of a
 * variable, the printed constant.
 */
extern LLVMValueRef LLVMIsAInstruction(LLVMValueRef);
extern LLVMValueRef LLVMIsAArgument(LLVMValueRef);
extern LLVMValueRef LLVMIsAGlobalValue(LLVMValueRef);
extern int LLVMValueIsBasicBlock(LLVMValueRef);
extern char *LLVMPrintModuleToString(LLVMModuleRef);
extern char *LLVMPrintValueToString(LLVMValueRef);
extern char *LLVMPrintTypeToString(LLVMTypeRef);
extern void LLVMDisposeMessage(char *);
extern const char *LLVMGetValueName2(LLVMValueRef, size_t *);
extern LLVMValueRef LLVMGetFirstParam(LLVMValueRef);
extern LLVMValueRef LLVMGetNextParam(LLVMValueRef);
extern LLVMValueRef LLVMGetParamParent(LLVMValueRef);
extern LLVMBasicBlockRef LLVMGetInstructionParent(LLVMValueRef);

enum { NODE_INSTRUCTION = 0, NODE_VARIABLE = 1, NODE_CONSTANT = 2 };
enum { FLOW_CONTROL = 0, FLOW_DATA = 1, FLOW_CALL = 2 };
#define LLVM_VOID_TYPE_KIND 0

/* The name of a C API opcode as the IR prints it (br for both of LLVM 23's branches). */
const char *cgym_opcode_name(int opcode) {
  static const char *names[OP_LIMIT] = {
      [OP_RET] = "ret", [OP_BR] = "br", [OP_SWITCH] = "switch", [OP_INDIRECTBR] = "indirectbr",
      [OP_INVOKE] = "invoke", [OP_UNREACHABLE] = "unreachable", [OP_ADD] = "add", [OP_FADD] = "fadd",
      [OP_SUB] = "sub", [OP_FSUB] = "fsub", [OP_MUL] = "mul", [OP_FMUL] = "fmul", [OP_UDIV] = "udiv",
      [OP_SDIV] = "sdiv", [OP_FDIV] = "fdiv", [OP_UREM] = "urem", [OP_SREM] = "srem", [OP_FREM] = "frem",
      [OP_SHL] = "shl", [OP_LSHR] = "lshr", [OP_ASHR] = "ashr", [OP_AND] = "and", [OP_OR] = "or",
      [OP_XOR] = "xor", [OP_ALLOCA] = "alloca", [OP_LOAD] = "load", [OP_STORE] = "store",
      [OP_GEP] = "getelementptr", [OP_TRUNC] = "trunc", [OP_ZEXT] = "zext", [OP_SEXT] = "sext",
      [OP_FPTOUI] = "fptoui", [OP_FPTOSI] = "fptosi", [OP_UITOFP] = "uitofp", [OP_SITOFP] = "sitofp",
      [OP_FPTRUNC] = "fptrunc", [OP_FPEXT] = "fpext", [OP_PTRTOINT] = "ptrtoint",
      [OP_INTTOPTR] = "inttoptr", [OP_BITCAST] = "bitcast", [OP_ICMP] = "icmp", [OP_FCMP] = "fcmp",
      [OP_PHI] = "phi", [OP_CALL] = "call", [OP_SELECT] = "select", [OP_USEROP1] = "userop1",
      [OP_USEROP2] = "userop2", [OP_VAARG] = "va_arg", [OP_EXTRACTELEMENT] = "extractelement",
      [OP_INSERTELEMENT] = "insertelement", [OP_SHUFFLEVECTOR] = "shufflevector",
      [OP_EXTRACTVALUE] = "extractvalue", [OP_INSERTVALUE] = "insertvalue", [OP_FENCE] = "fence",
      [OP_ATOMICCMPXCHG] = "cmpxchg", [OP_ATOMICRMW] = "atomicrmw", [OP_RESUME] = "resume",
      [OP_LANDINGPAD] = "landingpad", [OP_ADDRSPACECAST] = "addrspacecast",
      [OP_CLEANUPRET] = "cleanupret", [OP_CATCHRET] = "catchret", [OP_CATCHPAD] = "catchpad",
      [OP_CLEANUPPAD] = "cleanuppad", [OP_CATCHSWITCH] = "catchswitch", [OP_FNEG] = "fneg",
      [OP_CALLBR] = "callbr", [OP_FREEZE] = "freeze", [OP_PTRTOADDR] = "ptrtoaddr"};
  const char *name = opcode > 0 && opcode < OP_LIMIT ? names[opcode] : NULL;
  return name ? name : "unknown";
}

/* The graph handed to Python: every array owned here until cgym_programl_free. */
typedef struct {
  int64_t num_nodes, num_edges, text_bytes;
  int32_t *node_kind;      /* NODE_* */
  int32_t *node_opcode;    /* C API opcode (br folded), -1 for non-instructions */
  int32_t *node_type_kind; /* LLVMTypeKind of the value, -1 for the root */
  int32_t *node_type;      /* index into the types, -1 for the root */
  int32_t *node_function;  /* index of the defined function, -1 outside */
  int32_t *node_block;     /* index of the block in its function, -1 outside */
  int32_t *edge_source, *edge_target, *edge_kind, *edge_position;
  char *text;              /* num_nodes NUL-terminated texts, one after another */
  int64_t num_types, type_bytes;
  char *type_text;         /* num_types NUL-terminated type names */
} CgymGraph;

typedef struct {
  void **keys;
  int32_t *values;
  size_t capacity, size;
} PointerMap;

static int pointer_map_init(PointerMap *map, size_t expected) {
  size_t capacity = 64;
  while (capacity < expected * 2 + 1) capacity <<= 1;
  map->keys = calloc(capacity, sizeof *map->keys);
  map->values = malloc(capacity * sizeof *map->values);
  map->capacity = capacity;
  map->size = 0;
  return map->keys && map->values ? 0 : -1;
}

static size_t pointer_slot(const PointerMap *map, const void *key) {
  size_t i = (((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull) & (map->capacity - 1);
  while (map->keys[i] && map->keys[i] != key) i = (i + 1) & (map->capacity - 1);
  return i;
}

static int32_t pointer_get(const PointerMap *map, const void *key) {
  size_t i = pointer_slot(map, key);
  return map->keys[i] ? map->values[i] : -1;
}

static int pointer_put(PointerMap *map, void *key, int32_t value) {
  if ((map->size + 1) * 2 > map->capacity) {
    PointerMap bigger;
    if (pointer_map_init(&bigger, map->capacity) != 0) {
      free(bigger.keys);
      free(bigger.values);
      return -1;
    }
    for (size_t i = 0; i < map->capacity; i++)
      if (map->keys[i]) {
        size_t j = pointer_slot(&bigger, map->keys[i]);
        bigger.keys[j] = map->keys[i];
        bigger.values[j] = map->values[i];
      }
    bigger.size = map->size;
    free(map->keys);
    free(map->values);
    *map = bigger;
  }
  size_t i = pointer_slot(map, key);
  if (!map->keys[i]) map->size++;
  map->keys[i] = key;
  map->values[i] = value;
  return 0;
}

static void pointer_map_free(PointerMap *map) {
  free(map->keys);
  free(map->values);
}

/* A growable byte buffer; `failed` sticks after the first failed allocation. */
typedef struct {
  char *data;
  size_t size, capacity;
  int failed;
} Bytes;

static void bytes_append(Bytes *b, const char *text, size_t length) {
  if (b->failed) return;
  if (b->size + length + 1 > b->capacity) {
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->size + length + 1) capacity *= 2;
    char *data = realloc(b->data, capacity);
    if (!data) {
      b->failed = 1;
      return;
    }
    b->data = data;
    b->capacity = capacity;
  }
  memcpy(b->data + b->size, text, length);
  b->size += length;
  b->data[b->size] = '\0';
}

static void bytes_append_text(Bytes *b, const char *text, size_t length) {
  bytes_append(b, text, length);
  if (!b->failed) b->size++; /* keep the NUL as the separator */
}

typedef struct {
  CgymGraph *g;
  int64_t node_capacity, edge_capacity;
  Bytes text, types;
  PointerMap values;  /* operand value -> variable or constant node */
  PointerMap type_ids;
  size_t *type_offsets; /* where each type's name starts in `types` */
  int with_text;
  int failed;
} Builder;

static int grow(void **array, int64_t capacity, size_t item) {
  void *bigger = realloc(*array, (size_t)capacity * item);
  if (!bigger) return -1;
  *array = bigger;
  return 0;
}

/* Room for `capacity` nodes in every node array of `g` (the fresh build and the cache's stitch). */
static int graph_grow_nodes(CgymGraph *g, int64_t capacity) {
  return grow((void **)&g->node_kind, capacity, 4) || grow((void **)&g->node_opcode, capacity, 4) ||
         grow((void **)&g->node_type_kind, capacity, 4) || grow((void **)&g->node_type, capacity, 4) ||
         grow((void **)&g->node_function, capacity, 4) || grow((void **)&g->node_block, capacity, 4);
}

/* Room for `capacity` edges in every edge array of `g`. */
static int graph_grow_edges(CgymGraph *g, int64_t capacity) {
  return grow((void **)&g->edge_source, capacity, 4) || grow((void **)&g->edge_target, capacity, 4) ||
         grow((void **)&g->edge_kind, capacity, 4) || grow((void **)&g->edge_position, capacity, 4);
}

/* Append a node; the room must be there. Its id. */
static int32_t graph_put_node(CgymGraph *g, int kind, int opcode, int32_t function, int32_t block, int32_t type_kind,
                              int32_t type) {
  int64_t id = g->num_nodes++;
  g->node_kind[id] = kind;
  g->node_opcode[id] = opcode;
  g->node_function[id] = function;
  g->node_block[id] = block;
  g->node_type_kind[id] = type_kind;
  g->node_type[id] = type;
  return (int32_t)id;
}

/* Append an edge; the room must be there. */
static void graph_put_edge(CgymGraph *g, int32_t source, int32_t target, int kind, int position) {
  int64_t id = g->num_edges++;
  g->edge_source[id] = source;
  g->edge_target[id] = target;
  g->edge_kind[id] = kind;
  g->edge_position[id] = position;
}

static int32_t type_id(Builder *b, LLVMTypeRef type) {
  int32_t id = pointer_get(&b->type_ids, type);
  if (id >= 0) return id;
  char *name = LLVMPrintTypeToString(type);
  size_t start = b->types.size;
  bytes_append_text(&b->types, name, strlen(name));
  LLVMDisposeMessage(name);
  id = (int32_t)b->g->num_types++;
  if (grow((void **)&b->type_offsets, b->g->num_types, sizeof *b->type_offsets)) {
    b->failed = 1;
    return -1;
  }
  b->type_offsets[id] = start;
  if (pointer_put(&b->type_ids, type, id) != 0) b->failed = 1;
  return id;
}

static int32_t add_node(Builder *b, int kind, int opcode, LLVMValueRef value, int32_t function, int32_t block,
                        const char *text, size_t length) {
  CgymGraph *g = b->g;
  if (b->failed) return -1;
  if (g->num_nodes == b->node_capacity) {
    int64_t capacity = b->node_capacity ? b->node_capacity * 2 : 1024;
    if (graph_grow_nodes(g, capacity)) {
      b->failed = 1;
      return -1;
    }
    b->node_capacity = capacity;
  }
  int32_t type_kind = -1, type_index = -1;
  if (value) {
    LLVMTypeRef type = LLVMTypeOf(value);
    type_kind = LLVMGetTypeKind(type);
    type_index = type_id(b, type);
  }
  int32_t id = graph_put_node(g, kind, opcode, function, block, type_kind, type_index);
  bytes_append_text(&b->text, text, length);
  if (b->text.failed) b->failed = 1;
  return id;
}

static void add_edge(Builder *b, int32_t source, int32_t target, int kind, int position) {
  CgymGraph *g = b->g;
  if (b->failed || source < 0 || target < 0) return;
  if (g->num_edges == b->edge_capacity) {
    int64_t capacity = b->edge_capacity ? b->edge_capacity * 2 : 4096;
    if (graph_grow_edges(g, capacity)) {
      b->failed = 1;
      return;
    }
    b->edge_capacity = capacity;
  }
  graph_put_edge(g, source, target, kind, position);
}

/* Per defined function: its entry instruction's node, and its returns' nodes. */
typedef struct {
  int32_t entry;
  int32_t *returns;
  int32_t num_returns;
} FunctionNodes;

/*
 * The instruction lines of the printed module, in module order: a line in a
 * function body that starts with exactly two spaces (labels start at column
 * 0, debug records are indented by four), with a switch's case lines. Returns how many were found, at
 * most `limit`, or -1 when out of memory.
 */
static int64_t statement_lines(const char *module_text, int64_t limit, const char **starts, int32_t *lengths) {
  int64_t found = 0;
  int in_body = 0;
  for (const char *line = module_text; *line;) {
    const char *end = strchr(line, '\n');
    size_t length = end ? (size_t)(end - line) : strlen(line);
    if (!in_body) {
      in_body = length >= 7 && memcmp(line, "define ", 7) == 0 && line[length - 1] == '{';
    } else if (length >= 1 && line[0] == '}') {
      in_body = 0;
    } else if (length > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      if (found == limit) return limit + 1;
      if (line[length - 1] == '[') { /* a switch: its cases follow, up to a line "  ]" */
        while (end && !(end[1] == ' ' && end[2] == ' ' && end[3] == ']')) end = strchr(end + 1, '\n');
        if (end) end = strchr(end + 1, '\n');
        length = end ? (size_t)(end - line) : strlen(line);
      }
      starts[found] = line + 2;
      lengths[found] = (int32_t)(length - 2);
      found++;
    }
    if (!end) break;
    line = end + 1;
  }
  return found;
}

/* The name of a type, as printed; "" when out of memory. */
static const char *type_name(Builder *b, LLVMTypeRef type) {
  int32_t id = type_id(b, type);
  return id >= 0 && !b->types.failed ? b->types.data + b->type_offsets[id] : "";
}

/* "<type> <name>" of a variable, into buffer; its length. */
static size_t variable_text(Builder *b, LLVMValueRef value, char sigil, const char *name, size_t name_length,
                            char *buffer, size_t size) {
  int n = snprintf(buffer, size, "%s %c%.*s", type_name(b, LLVMTypeOf(value)), sigil, (int)name_length,
                   name ? name : "");
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* The slot number LLVM prints for an unnamed argument: unnamed arguments are numbered first. */
static int argument_slot(LLVMValueRef argument) {
  int unnamed = 0;
  for (LLVMValueRef p = LLVMGetFirstParam(LLVMGetParamParent(argument)); p && p != argument; p = LLVMGetNextParam(p)) {
    size_t length = 0;
    LLVMGetValueName2(p, &length);
    unnamed += length == 0;
  }
  return unnamed;
}

/* The variable or constant node of an operand, made on first use; -1 when it is none. */
static int32_t operand_node(Builder *b, LLVMValueRef value, const char **starts, const int32_t *lengths,
                            PointerMap *instructions) {
  int32_t node = pointer_get(&b->values, value);
  if (node >= 0) return node;
  char buffer[256], slot[24];
  size_t length = 0, name_length = 0;
  const char *name;
  if (LLVMIsAInstruction(value)) {
    int32_t inst = pointer_get(instructions, value);
    if (inst < 0) return -1;
    if (b->with_text) {
      const char *line = starts[inst - 1];
      const char *equals = strstr(line, " = ");
      size_t result = equals && line[0] == '%' && equals - line < lengths[inst - 1] ? (size_t)(equals - line) : 0;
      length = variable_text(b, value, '%', line + 1, result ? result - 1 : 0, buffer, sizeof buffer);
    }
    node = add_node(b, NODE_VARIABLE, -1, value, b->g->node_function[inst], b->g->node_block[inst], buffer, length);
  } else if (LLVMIsAArgument(value) || (LLVMIsAGlobalValue(value) && !LLVMIsAFunction(value))) {
    if (b->with_text) {
      name = LLVMGetValueName2(value, &name_length);
      if (!name_length && LLVMIsAArgument(value)) {
        name_length = (size_t)snprintf(slot, sizeof slot, "%d", argument_slot(value));
        name = slot;
      }
      length = variable_text(b, value, LLVMIsAArgument(value) ? '%' : '@', name, name_length, buffer, sizeof buffer);
    }
    node = add_node(b, NODE_VARIABLE, -1, value, -1, -1, buffer, length);
  } else if (LLVMIsAFunction(value)) {
    if (b->with_text) {
      name = LLVMGetValueName2(value, &name_length);
      length = variable_text(b, value, '@', name, name_length, buffer, sizeof buffer);
    }
    node = add_node(b, NODE_CONSTANT, -1, value, -1, -1, buffer, length);
  } else if (LLVMIsAConstant(value)) {
    if (b->with_text) {
      char *printed = LLVMPrintValueToString(value);
      node = add_node(b, NODE_CONSTANT, -1, value, -1, -1, printed, strlen(printed));
      LLVMDisposeMessage(printed);
    } else {
      node = add_node(b, NODE_CONSTANT, -1, value, -1, -1, "", 0);
    }
  } else {
    return -1; /* a basic block, metadata, inline assembly */
  }
  if (node >= 0 && pointer_put(&b->values, value, node) != 0) b->failed = 1;
  return node;
}

void cgym_programl_free(CgymGraph *g) {
  free(g->node_kind);
  free(g->node_opcode);
  free(g->node_type_kind);
  free(g->node_type);
  free(g->node_function);
  free(g->node_block);
  free(g->edge_source);
  free(g->edge_target);
  free(g->edge_kind);
  free(g->edge_position);
  free(g->text);
  free(g->type_text);
  memset(g, 0, sizeof *g);
}

static int is_call(int opcode) { return opcode == OP_CALL || opcode == OP_INVOKE || opcode == OP_CALLBR; }

/* Operand i of an instruction as the source of a data edge; NULL when it is none (a direct callee, a block). */
static LLVMValueRef data_operand(LLVMValueRef inst, int i, int operands, LLVMValueRef callee) {
  LLVMValueRef operand = LLVMGetOperand(inst, (unsigned)i);
  if (!operand || (operand == callee && i == operands - 1 && LLVMIsAFunction(operand))) return NULL;
  return LLVMValueIsBasicBlock(operand) ? NULL : operand;
}

/*
 * Build the graph into *g; with_text = 0 leaves every full_text empty and skips
 * printing the module (most of the cost). Returns 0, or -1 when out of memory
 * (g is then freed).
 */
int cgym_programl(LLVMModuleRef module, int with_text, CgymGraph *g) {
  Builder b = {0};
  PointerMap instructions = {0}, functions = {0};
  FunctionNodes *function_nodes = NULL;
  const char **starts = NULL;
  int32_t *lengths = NULL;
  char *module_text = NULL, *statements = NULL;
  int32_t num_functions = 0;
  int status = -1;
  int64_t total = cgym_instruction_count(module);
  memset(g, 0, sizeof *g);
  b.g = g;
  b.with_text = with_text;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) num_functions++;
  starts = malloc((size_t)(total + 1) * sizeof *starts);
  lengths = malloc((size_t)(total + 1) * sizeof *lengths);
  function_nodes = calloc((size_t)num_functions + 1, sizeof *function_nodes);
  if (!starts || !lengths || !function_nodes || pointer_map_init(&instructions, (size_t)total) ||
      pointer_map_init(&functions, (size_t)num_functions) || pointer_map_init(&b.values, (size_t)total) ||
      pointer_map_init(&b.type_ids, 64))
    goto out_of_memory;

  /* Statements from one print of the module: printing instructions one by one costs a slot table each. */
  int from_module_text = 0;
  if (with_text) {
    module_text = LLVMPrintModuleToString(module);
    from_module_text = statement_lines(module_text, total, starts, lengths) == total;
  }

  /* Pass 1: the root and one node per instruction, in order; each function's entry and returns. */
  add_node(&b, NODE_INSTRUCTION, -1, NULL, -1, -1, "[external]", 10);
  int32_t function_index = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn), function_index++) {
    FunctionNodes *nodes = &function_nodes[function_index];
    nodes->entry = -1;
    if (pointer_put(&functions, fn, function_index)) goto out_of_memory;
    int32_t block_index = 0;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb), block_index++) {
      for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
        int opcode = opcode_of(inst);
        int32_t id;
        if (!with_text) {
          id = add_node(&b, NODE_INSTRUCTION, opcode, inst, function_index, block_index, "", 0);
        } else if (from_module_text) {
          id = add_node(&b, NODE_INSTRUCTION, opcode, inst, function_index, block_index, starts[g->num_nodes - 1],
                        (size_t)lengths[g->num_nodes - 1]);
        } else {
          char *printed = LLVMPrintValueToString(inst);
          const char *text = printed;
          while (*text == ' ') text++;
          id = add_node(&b, NODE_INSTRUCTION, opcode, inst, function_index, block_index, text, strlen(text));
          LLVMDisposeMessage(printed);
        }
        if (id < 0 || pointer_put(&instructions, inst, id)) goto out_of_memory;
        if (nodes->entry < 0) nodes->entry = id;
        if (opcode == OP_RET) {
          int32_t *returns = realloc(nodes->returns, (size_t)(nodes->num_returns + 1) * sizeof *returns);
          if (!returns) goto out_of_memory;
          nodes->returns = returns;
          returns[nodes->num_returns++] = id;
        }
      }
    }
  }
  if (with_text && !from_module_text) {
    /* Variables take their names from the statements: point them at a copy of the node texts. */
    statements = malloc(b.text.size + 1);
    if (!statements || b.failed) goto out_of_memory;
    memcpy(statements, b.text.data, b.text.size + 1);
    const char *text = statements;
    for (int64_t i = 0; i < g->num_nodes; i++) {
      size_t length = strlen(text);
      if (i > 0) {
        starts[i - 1] = text;
        lengths[i - 1] = (int32_t)length;
      }
      text += length + 1;
    }
  }

  /* Pass 2: edges, and variable and constant nodes on first use. */
  for (int32_t f = 0; f < num_functions; f++)
    if (function_nodes[f].entry >= 0) add_edge(&b, 0, function_nodes[f].entry, FLOW_CALL, 0);
  function_index = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn), function_index++) {
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
      for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
        int32_t id = pointer_get(&instructions, inst);
        int opcode = opcode_of(inst);
        LLVMValueRef next = LLVMGetNextInstruction(inst);
        if (next) add_edge(&b, id, id + 1, FLOW_CONTROL, 0);
        if (!next) {
          unsigned successors = LLVMGetNumSuccessors(inst);
          for (unsigned i = 0; i < successors; i++) {
            LLVMValueRef first = LLVMGetFirstInstruction(LLVMGetSuccessor(inst, i));
            if (first) add_edge(&b, id, pointer_get(&instructions, first), FLOW_CONTROL, (int)i);
          }
        }
        if (LLVMGetTypeKind(LLVMTypeOf(inst)) != LLVM_VOID_TYPE_KIND)
          add_edge(&b, id, operand_node(&b, inst, starts, lengths, &instructions), FLOW_DATA, 0);
        LLVMValueRef callee = is_call(opcode) ? LLVMGetCalledValue(inst) : NULL;
        int operands = LLVMGetNumOperands(inst);
        for (int i = 0; i < operands; i++) {
          LLVMValueRef operand = data_operand(inst, i, operands, callee);
          if (operand) add_edge(&b, operand_node(&b, operand, starts, lengths, &instructions), id, FLOW_DATA, i);
        }
        if (is_call(opcode)) {
          int32_t target = callee && LLVMIsAFunction(callee) ? pointer_get(&functions, callee) : -1;
          FunctionNodes *nodes = target >= 0 ? &function_nodes[target] : NULL;
          if (nodes && nodes->entry >= 0) {
            add_edge(&b, id, nodes->entry, FLOW_CALL, 0);
            for (int32_t r = 0; r < nodes->num_returns; r++) add_edge(&b, nodes->returns[r], id, FLOW_CALL, 0);
          } else {
            add_edge(&b, id, 0, FLOW_CALL, 0);
            add_edge(&b, 0, id, FLOW_CALL, 0);
          }
        }
      }
    }
    if (b.failed) goto out_of_memory;
  }
  if (b.failed || b.text.failed || b.types.failed) goto out_of_memory;
  g->text = b.text.data;
  g->text_bytes = (int64_t)b.text.size;
  g->type_text = b.types.data;
  g->type_bytes = (int64_t)b.types.size;
  status = 0;
  goto release; /* the graph keeps the text buffers; the rest was scratch */

out_of_memory:
  free(b.text.data);
  free(b.types.data);
  cgym_programl_free(g);
release:
  if (module_text) LLVMDisposeMessage(module_text);
  free(statements);
  if (function_nodes)
    for (int32_t f = 0; f < num_functions; f++) free(function_nodes[f].returns);
  free(function_nodes);
  free(starts);
  free(lengths);
  pointer_map_free(&instructions);
  pointer_map_free(&functions);
  pointer_map_free(&b.values);
  pointer_map_free(&b.type_ids);
  free(b.type_offsets);
  return status;
}

/*
 * IR2Vec embeddings (symbolic and flow-aware), as LLVM 23's ir2vec::Embedder
 * computes them, without its printer. The caller hands a table of
 * vocabulary rows already scaled by the weights (row IR2VEC_OPCODE_ROW + C
 * opcode, IR2VEC_TYPE_ROW + LLVMTypeKind, IR2VEC_OPERAND_ROW + operand kind;
 * see cgym_ray/llvm/ir2vec.py, which loads the vocabulary once per process).
 * Per function with a body, in module order: blocks reachable from the entry
 * in depth-first preorder; per block its instructions but debug intrinsics;
 * an instruction's vector is (opcode + type) + (0 + operand 1 + operand 2 ...);
 * the block's is 0 + its instructions', the function's 0 + its blocks', the
 * same additions in the same order as LLVM, so the doubles agree.
 */
extern int LLVMGetTypeKind(LLVMTypeRef);
extern LLVMValueRef LLVMIsAInstruction(LLVMValueRef);
extern const char *LLVMGetValueName2(LLVMValueRef, size_t *);

enum { IR2VEC_OPCODE_ROW = 0, IR2VEC_TYPE_ROW = 128, IR2VEC_OPERAND_ROW = 160, IR2VEC_ROWS = 168 };
enum { IR2VEC_FUNCTION = 0, IR2VEC_POINTER = 1, IR2VEC_CONSTANT = 2, IR2VEC_VARIABLE = 3, IR2VEC_LABEL = 4 };
#define IR2VEC_POINTER_TYPE_KIND 12
#define IR2VEC_LABEL_TYPE_KIND 7

/* A growing map from non-zero 64-bit keys to values. */
typedef struct {
  uint64_t *keys;
  int64_t *values;
  int64_t capacity, size;
} KeyMap;

static int keymap_init(KeyMap *map, int64_t expected) {
  map->capacity = 64;
  while (map->capacity < 2 * expected) map->capacity *= 2;
  map->size = 0;
  map->keys = calloc((size_t)map->capacity, sizeof *map->keys);
  map->values = malloc((size_t)map->capacity * sizeof *map->values);
  return map->keys && map->values ? 0 : -1;
}

static void keymap_free(KeyMap *map) {
  free(map->keys);
  free(map->values);
}

static int64_t keymap_index(const KeyMap *map, uint64_t key) {
  int64_t i = (int64_t)((key * 0x9E3779B97F4A7C15ull) >> 20 & (uint64_t)(map->capacity - 1));
  while (map->keys[i] && map->keys[i] != key) i = (i + 1) & (map->capacity - 1);
  return i;
}

/* The value slot of `key`, or NULL if it is absent. */
static int64_t *keymap_get(KeyMap *map, uint64_t key) {
  int64_t i = keymap_index(map, key ? key : 1);
  return map->keys[i] ? &map->values[i] : NULL;
}

/* The value slot of `key`, inserted with `fresh` if absent (*added says so); NULL out of memory. */
static int64_t *keymap_put(KeyMap *map, uint64_t key, int64_t fresh, int *added) {
  if (!key) key = 1;
  if (2 * (map->size + 1) > map->capacity) {
    KeyMap bigger = {0};
    if (keymap_init(&bigger, map->capacity) != 0) {
      keymap_free(&bigger);
      return NULL;
    }
    for (int64_t i = 0; i < map->capacity; i++)
      if (map->keys[i]) {
        int64_t j = keymap_index(&bigger, map->keys[i]);
        bigger.keys[j] = map->keys[i], bigger.values[j] = map->values[i];
      }
    bigger.size = map->size;
    keymap_free(map);
    *map = bigger;
  }
  int64_t i = keymap_index(map, key);
  *added = !map->keys[i];
  if (*added) map->keys[i] = key, map->values[i] = fresh, map->size++;
  return &map->values[i];
}

static int ir2vec_operand_kind(LLVMValueRef operand) {
  if (LLVMIsAFunction(operand)) return IR2VEC_FUNCTION;
  int kind = LLVMGetTypeKind(LLVMTypeOf(operand));
  if (kind == IR2VEC_POINTER_TYPE_KIND) return IR2VEC_POINTER;
  if (LLVMIsAConstant(operand)) return IR2VEC_CONSTANT;
  if (kind == IR2VEC_LABEL_TYPE_KIND) return IR2VEC_LABEL;
  return IR2VEC_VARIABLE;
}

static int ir2vec_is_debug(LLVMValueRef inst) {
  if (opcode_of(inst) != OP_CALL) return 0;
  LLVMValueRef callee = LLVMGetCalledValue(inst);
  if (!callee || !LLVMIsAFunction(callee)) return 0;
  size_t length = 0;
  const char *name = LLVMGetValueName2(callee, &length);
  return (length > 9 && strncmp(name, "llvm.dbg.", 9) == 0) ||
         (length == 16 && strncmp(name, "llvm.pseudoprobe", 16) == 0);
}

/* Functions with a body: how many, and their names' bytes (each with its NUL). */
int64_t cgym_ir2vec_functions(LLVMModuleRef module, int64_t *name_bytes) {
  int64_t count = 0, bytes = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    if (LLVMIsDeclaration(fn)) continue;
    size_t length = 0;
    LLVMGetValueName2(fn, &length);
    count++;
    bytes += (int64_t)length + 1;
  }
  *name_bytes = bytes;
  return count;
}

/* One function's vector into `out` (dim doubles); 0, or -1 out of memory. */
static int ir2vec_function(LLVMValueRef fn, const double *table, int dim, int flow_aware,
                           double *out) {
  int64_t blocks = 0, insts = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    blocks++;
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) insts++;
  }
  KeyMap seen = {0}, rows = {0}; /* blocks seen; each instruction's row (flow-aware) */
  int added;
  LLVMBasicBlockRef *stack_block = malloc((size_t)(blocks + 1) * sizeof *stack_block);
  unsigned *stack_next = malloc((size_t)(blocks + 1) * sizeof *stack_next);
  double *block = malloc((size_t)dim * sizeof *block);
  double *inst_rows = flow_aware ? malloc((size_t)(insts + 1) * dim * sizeof *inst_rows) : NULL;
  double *scratch = flow_aware ? NULL : malloc((size_t)dim * sizeof *scratch);
  double *args = malloc((size_t)dim * sizeof *args);
  int failed = keymap_init(&seen, blocks) | (flow_aware ? keymap_init(&rows, insts) : 0);
  if (failed || !stack_block || !stack_next || !block || !args || (flow_aware ? !inst_rows : !scratch)) {
    failed = -1;
    goto done;
  }
  for (int d = 0; d < dim; d++) out[d] = 0.0;
  int64_t depth = 0, used_rows = 0;
  LLVMBasicBlockRef entry = LLVMGetFirstBasicBlock(fn);
  stack_block[depth] = entry;
  stack_next[depth++] = 0;
  if (!keymap_put(&seen, (uintptr_t)entry, 0, &added)) {
    failed = -1;
    goto done;
  }
  LLVMBasicBlockRef visit = entry;
  while (visit || depth) {
    if (visit) {
      /* Preorder: embed the block as it is first reached. */
      for (int d = 0; d < dim; d++) block[d] = 0.0;
      for (LLVMValueRef i = LLVMGetFirstInstruction(visit); i; i = LLVMGetNextInstruction(i)) {
        if (ir2vec_is_debug(i)) continue;
        for (int d = 0; d < dim; d++) args[d] = 0.0;
        int operands = LLVMGetNumOperands(i);
        for (int k = 0; k < operands; k++) {
          LLVMValueRef op = LLVMGetOperand(i, (unsigned)k);
          const double *row = NULL;
          if (flow_aware && LLVMIsAInstruction(op)) {
            int64_t *at = keymap_get(&rows, (uintptr_t)op);
            if (at) row = inst_rows + *at * dim;
          }
          if (!row) row = table + (size_t)(IR2VEC_OPERAND_ROW + ir2vec_operand_kind(op)) * dim;
          for (int d = 0; d < dim; d++) args[d] += row[d];
        }
        int opcode = LLVMGetInstructionOpcode(i); /* LLVM 23's two branches apart */
        int type_kind = LLVMGetTypeKind(LLVMTypeOf(i));
        const double *opc = table + (size_t)(IR2VEC_OPCODE_ROW + (opcode >= 0 && opcode < 128 ? opcode : 0)) * dim;
        const double *typ = table + (size_t)(IR2VEC_TYPE_ROW + (type_kind >= 0 && type_kind < 32 ? type_kind : 31)) * dim;
        double *vec = flow_aware ? inst_rows + used_rows * dim : scratch;
        for (int d = 0; d < dim; d++) vec[d] = (opc[d] + typ[d]) + args[d];
        if (flow_aware) {
          int64_t *at = keymap_put(&rows, (uintptr_t)i, used_rows, &added);
          if (!at) {
            failed = -1;
            goto done;
          }
          *at = used_rows++;
        }
        for (int d = 0; d < dim; d++) block[d] += vec[d];
      }
      for (int d = 0; d < dim; d++) out[d] += block[d];
      visit = NULL;
    }
    /* Descend to the next unvisited successor of the block on top, or pop it. */
    LLVMBasicBlockRef top = stack_block[depth - 1];
    LLVMValueRef term = LLVMGetBasicBlockTerminator(top);
    unsigned successors = term ? LLVMGetNumSuccessors(term) : 0;
    while (stack_next[depth - 1] < successors) {
      LLVMBasicBlockRef next = LLVMGetSuccessor(term, stack_next[depth - 1]++);
      if (keymap_get(&seen, (uintptr_t)next)) continue;
      if (!keymap_put(&seen, (uintptr_t)next, 0, &added)) {
        failed = -1;
        goto done;
      }
      stack_block[depth] = next;
      stack_next[depth++] = 0;
      visit = next;
      break;
    }
    if (!visit) depth--;
  }
done:
  keymap_free(&seen);
  keymap_free(&rows);
  free(stack_block);
  free(stack_next);
  free(block);
  free(inst_rows);
  free(scratch);
  free(args);
  return failed ? -1 : 0;
}

/*
 * Vectors of the functions with a body into `out` (functions x dim doubles,
 * room for `capacity` functions) and their NUL-separated names into `names`
 * (`name_capacity` bytes). Returns the number of functions, -1 if out of
 * memory, -2 if the buffers are too small (sizes from cgym_ir2vec_functions).
 * `wanted` (or NULL for all): one flag a function with a body; the rows of the
 * others are left as they are (the caller kept them from an earlier step).
 */
int64_t cgym_ir2vec(LLVMModuleRef module, const double *table, int dim, int flow_aware,
                    double *out, int64_t capacity, char *names, int64_t name_capacity,
                    const uint8_t *wanted) {
  int64_t count = 0, used = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    if (LLVMIsDeclaration(fn)) continue;
    size_t length = 0;
    const char *name = LLVMGetValueName2(fn, &length);
    if (count >= capacity || used + (int64_t)length + 1 > name_capacity) return -2;
    memcpy(names + used, name, length);
    names[used + (int64_t)length] = '\0';
    used += (int64_t)length + 1;
    if ((!wanted || wanted[count]) && ir2vec_function(fn, table, dim, flow_aware, out + count * dim) != 0)
      return -1;
    count++;
  }
  return count;
}

/*
 * Token sequences (LexedIr, inst2vec statements), see cgym_ray/llvm/tokens.py
 * for the definitions and cgym_ray/llvm/libllvm/token_cache.py for how they
 * are served.
 *
 * cgym_lex: the tokens of printed IR, exactly as tokens.py's regular
 * expression cuts them (its alternatives tried in its order, first match
 * wins). Each token: its id (tokens.py's TOKEN_IDS: 0-14 punctuation, 15
 * keyword, 16 LabelStr ... 30 Error) and the index of its value among the
 * distinct values, written one after another into `values`, each followed
 * by a NUL (so the caller makes one string a distinct value). Returns the
 * number of tokens (the bytes of `values` used in *value_bytes, the distinct
 * values in *unique_values), -1 if a buffer is too small (ids: one per input
 * byte suffices; values: twice the input), -2 out of memory.
 */
enum {
  TOK_KEYWORD = 15, TOK_LABELSTR, TOK_LABELID, TOK_LOCALVAR, TOK_LOCALVARID, TOK_GLOBALVAR, TOK_GLOBALID,
  TOK_COMDATVAR, TOK_METADATAVAR, TOK_ATTRGRPID, TOK_SUMMARYID, TOK_STRING, TOK_TYPE, TOK_APSINT, TOK_APFLOAT,
  TOK_ERROR
};

static int lex_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int lex_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int lex_name_start(unsigned char c) { return lex_alpha(c) || c == '-' || c == '$' || c == '.' || c == '_'; }
static int lex_name_char(unsigned char c) { return lex_name_start(c) || lex_digit(c); }
/* Python's \w on the text: ASCII letters, digits, _, and (as most are) non-ASCII characters. */
static int lex_word(unsigned char c) { return lex_alpha(c) || lex_digit(c) || c == '_' || c >= 0x80; }
static int lex_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

/* [-a-zA-Z$._][-a-zA-Z$._0-9]* or "[^"]*" at p: its length, 0 if none. */
static size_t lex_name(const char *p, const char *end) {
  if (p >= end) return 0;
  if (*p == '"') {
    const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
    return close ? (size_t)(close - p + 1) : 0;
  }
  if (!lex_name_start((unsigned char)*p)) return 0;
  const char *q = p + 1;
  while (q < end && lex_name_char((unsigned char)*q)) q++;
  return (size_t)(q - p);
}

static size_t lex_digits(const char *p, const char *end) {
  const char *q = p;
  while (q < end && lex_digit((unsigned char)*q)) q++;
  return (size_t)(q - p);
}

/* A float: 0x[KLMHR]?[0-9A-Fa-f]+ or [-+]?\d+\.\d*([eE][-+]?\d+)? at p; its length or 0. */
static size_t lex_float(const char *p, const char *end) {
  if (end - p >= 3 && p[0] == '0' && p[1] == 'x') {
    const char *q = p + 2;
    if (strchr("KLMHR", *q) && *q) q++;
    const char *digits = q;
    while (q < end && (lex_digit((unsigned char)*q) || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))) q++;
    if (q > digits) return (size_t)(q - p);
  }
  const char *q = p;
  if (q < end && (*q == '-' || *q == '+')) q++;
  size_t whole = lex_digits(q, end);
  if (!whole) return 0;
  q += whole;
  if (q >= end || *q != '.') return 0;
  q++;
  q += lex_digits(q, end);
  if (q < end && (*q == 'e' || *q == 'E')) {
    const char *e = q + 1;
    if (e < end && (*e == '-' || *e == '+')) e++;
    size_t exponent = lex_digits(e, end);
    if (exponent) q = e + exponent;
  }
  return (size_t)(q - p);
}

static int lex_is_type_word(const char *p, size_t n) {
  static const char *const words[] = {"void", "half", "bfloat", "float", "double", "x86_fp80", "fp128",
                                      "ppc_fp128", "label", "metadata", "x86_amx", "token", "ptr"};
  if (n >= 2 && p[0] == 'i' && lex_digits(p + 1, p + n) == n - 1) return 1;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strlen(words[i]) == n && memcmp(words[i], p, n) == 0) return 1;
  return 0;
}

static int lex_punctuation(const char *p, const char *end, size_t *length) {
  static const char singles[] = "=,*[]{}<>()!|:";
  static const int ids[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  if (end - p >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '.') {
    *length = 3;
    return 0;
  }
  const char *at = strchr(singles, *p);
  if (!*p || !at) return -1;
  *length = 1;
  return ids[at - singles];
}

int64_t cgym_lex(const char *text, int64_t length, int32_t *ids, int32_t *value_index, int64_t id_capacity,
                 char *values, int64_t value_capacity, int64_t *value_bytes, int64_t *unique_values) {
  const char *p = text, *end = text + length;
  int64_t count = 0, used = 0, uniques = 0, offsets_capacity = 1024;
  int64_t *offsets = malloc((size_t)offsets_capacity * sizeof *offsets);
  KeyMap seen = {0};
  if (!offsets || keymap_init(&seen, 1024) != 0) {
    count = -2;
    goto done;
  }
  while (p < end) {
    unsigned char c = (unsigned char)*p;
    if (c == ';') {
      const char *newline = memchr(p, '\n', (size_t)(end - p));
      p = newline ? newline : end;
      continue;
    }
    if (lex_space(c)) {
      while (p < end && lex_space((unsigned char)*p)) p++;
      continue;
    }
    int id = -1;
    const char *value = p;
    size_t n = 0, skip = 0; /* value length, and bytes consumed */
    size_t name = lex_name(p, end), digits = lex_digits(p, end);
    if (name && p + name < end && p[name] == ':') {
      id = TOK_LABELSTR, n = name, skip = name + 1;
    } else if (digits && p + digits < end && p[digits] == ':') {
      id = TOK_LABELID, n = digits, skip = digits + 1;
    } else if ((c == '%' || c == '@' || c == '$') && (n = lex_name(p + 1, end)) > 0) {
      id = c == '%' ? TOK_LOCALVAR : c == '@' ? TOK_GLOBALVAR : TOK_COMDATVAR, value = p + 1, skip = n + 1;
    } else if ((c == '%' || c == '@' || c == '#' || c == '^') && (n = lex_digits(p + 1, end)) > 0) {
      id = c == '%' ? TOK_LOCALVARID : c == '@' ? TOK_GLOBALID : c == '#' ? TOK_ATTRGRPID : TOK_SUMMARYID;
      value = p + 1, skip = n + 1;
    } else if (c == '!' && p + 1 < end && lex_name_start((unsigned char)p[1]) && p[1] != '"') {
      n = lex_name(p + 1, end);
      id = TOK_METADATAVAR, value = p + 1, skip = n + 1;
    } else {
      n = 0;
      if (c == '"') {
        const char *q = p + 1;
        while (q < end && *q != '"') {
          if (*q == '\\') {
            if (q + 1 >= end || q[1] == '\n') break;
            q += 2;
          } else {
            q++;
          }
        }
        if (q < end && *q == '"') id = TOK_STRING, n = skip = (size_t)(q - p + 1);
      }
      if (id < 0 && (n = lex_float(p, end)) > 0) id = TOK_APFLOAT, skip = n;
      if (id < 0) {
        const char *q = p;
        if (q < end && (*q == '-' || *q == '+')) q++;
        size_t integer = lex_digits(q, end);
        if (integer) id = TOK_APSINT, n = skip = (size_t)(q - p) + integer;
      }
      if (id < 0) {
        const char *q = p;
        while (q < end && lex_word((unsigned char)*q)) q++;
        if (q > p && lex_is_type_word(p, (size_t)(q - p))) id = TOK_TYPE, n = skip = (size_t)(q - p);
      }
      if (id < 0 && (lex_alpha(c) || c == '_')) {
        const char *q = p + 1;
        while (q < end && (lex_alpha((unsigned char)*q) || lex_digit((unsigned char)*q) || *q == '_')) q++;
        id = TOK_KEYWORD, n = skip = (size_t)(q - p);
      }
      if (id < 0) id = lex_punctuation(p, end, &n), skip = n;
      if (id < 0) { /* one character, however many bytes it takes */
        const char *q = p + 1;
        if (c >= 0x80)
          while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++;
        id = TOK_ERROR, n = skip = (size_t)(q - p);
      }
    }
    if (count >= id_capacity || used + (int64_t)n + 1 > value_capacity) {
      count = -1;
      goto done;
    }
    /* Each distinct value once; a hash that two values share (never seen) makes a second copy. */
    int added = 0;
    int64_t *slot = keymap_put(&seen, mix_string(0x51, value, n), uniques, &added);
    if (!slot) {
      count = -2;
      goto done;
    }
    int64_t unique = *slot;
    if (!added && (strlen(values + offsets[unique]) != n || memcmp(values + offsets[unique], value, n) != 0))
      added = 1, unique = uniques;
    if (added) {
      if (uniques >= offsets_capacity) {
        int64_t *grown = realloc(offsets, (size_t)(offsets_capacity *= 2) * sizeof *offsets);
        if (!grown) {
          count = -2;
          goto done;
        }
        offsets = grown;
      }
      offsets[uniques++] = used;
      memcpy(values + used, value, n);
      used += (int64_t)n;
      values[used++] = '\0';
    }
    ids[count] = id;
    value_index[count++] = (int32_t)unique;
    p += skip;
  }
  *value_bytes = used;
  *unique_values = uniques;
done:
  free(offsets);
  keymap_free(&seen);
  return count;
}

/*
 * cgym_token_keys: what lets token_cache.py print and lex only the functions
 * a step changed.
 *
 * keys[k]: function k's fingerprint (module order, declarations included):
 * cgym_fingerprint's walk of that function plus its value and block names,
 * so two functions with one key print the same text in the same module.
 *
 * *context: everything else the text shows or numbers by position: global
 * variables and aliases (with names), every function's name, the metadata
 * nodes in order of first use (they are numbered !0, !1, ... in that order),
 * the attribute sets in the order they are numbered #0, #1, ... (every
 * function's own set first, then call sites' sets in order of first use),
 * and the named struct types in order of first use. While it is unchanged,
 * the module's first lines, its last lines (attribute groups, metadata) and
 * the numbers inside each function's text are too.
 *
 * Printing one function alone numbers the attribute sets of its call sites
 * that no function has on its own from *function_sets on, in order of first
 * use in that function; the module's text numbers them in order of first use
 * in the module. group_numbers holds, function after function, the module's
 * number of each (group_counts[k] of them for function k), to renumber.
 *
 * Returns the number of functions; -2 if a buffer is too small; -1 out of memory.
 */
extern LLVMValueRef LLVMIsAMDNode(LLVMValueRef);
extern LLVMMetadataRef LLVMValueAsMetadata(LLVMValueRef);
extern int LLVMIsLiteralStruct(LLVMTypeRef);
extern const char *LLVMGetStructName(LLVMTypeRef);
extern const char *LLVMGetBasicBlockName(LLVMBasicBlockRef);

#define STRUCT_TYPE_KIND 15

typedef struct {
  KeyMap metadata, sets, types, local;
  uint64_t metadata_order, set_order, type_order;
  int failed;
} TokenContext;

/* A metadata node into the order of first use. */
static void note_metadata(TokenContext *c, const void *node) {
  int added = 0;
  if (!node) return;
  if (!keymap_put(&c->metadata, (uintptr_t)node, 0, &added)) c->failed = 1;
  if (added) c->metadata_order = mix(c->metadata_order, (uintptr_t)node);
}

static void note_metadata_entries(TokenContext *c, LLVMValueMetadataEntry *entries, size_t count) {
  for (unsigned i = 0; i < count; i++) note_metadata(c, LLVMValueMetadataEntriesGetMetadata(entries, i));
  if (entries) LLVMDisposeValueMetadataEntries(entries);
}

static void note_type(TokenContext *c, LLVMTypeRef type) {
  int added = 0;
  if (!type || LLVMGetTypeKind(type) != STRUCT_TYPE_KIND || LLVMIsLiteralStruct(type)) return;
  if (!keymap_put(&c->types, (uintptr_t)type, 0, &added)) c->failed = 1;
  if (added) c->type_order = mix(c->type_order, (uintptr_t)type);
}

/* The identity of the attribute set at `index` (uniqued attributes: their addresses), 0 if empty. */
static uint64_t attribute_set(LLVMValueRef value, unsigned index, int call_site) {
  unsigned count = call_site ? LLVMGetCallSiteAttributeCount(value, index) : LLVMGetAttributeCountAtIndex(value, index);
  return count ? mix_attributes(0x5e7, value, index, call_site) : 0;
}

/* The number of an attribute set, numbering it next if new. */
static int64_t number_set(TokenContext *c, uint64_t set) {
  int added = 0;
  int64_t *number = keymap_put(&c->sets, set, c->sets.size, &added);
  if (!number) {
    c->failed = 1;
    return 0;
  }
  if (added) c->set_order = mix(c->set_order, set);
  return *number;
}

static uint64_t mix_name(uint64_t h, LLVMValueRef value) {
  size_t length = 0;
  const char *name = LLVMGetValueName2(value, &length);
  return mix_string(h, name, length);
}

/*
 * One function's key (see cgym_token_keys). With a context `c`, also notes
 * the metadata, attribute sets and named types it uses, and appends the
 * module's numbers of the call-site attribute groups it numbers itself when
 * printed alone (*groups: how many appended so far, -1 when out of room).
 */
static uint64_t function_key(LLVMValueRef fn, unsigned major, int debug, TokenContext *c, int64_t k,
                             int32_t function_sets, int32_t *group_numbers, int64_t group_capacity, int64_t *groups,
                             int32_t *local) {
  size_t count = 0;
  unsigned params = LLVMCountParams(fn);
  uint64_t f = mix_name(mix(mix_global(0x7f4a7c15ull, fn, 1), LLVMGetFunctionCallConv(fn)), fn);
  f = mix_cstring(f, LLVMGetGC(fn));
  f = mix(f, LLVMHasPersonalityFn(fn) ? (uintptr_t)LLVMGetPersonalityFn(fn) : 0);
  f = mix_attributes(f, fn, ATTRIBUTE_FUNCTION_INDEX, 0);
  for (unsigned i = 0; i <= params; i++) f = mix_attributes(f, fn, i, 0);
  for (LLVMValueRef p = LLVMGetFirstParam(fn); p; p = LLVMGetNextParam(p)) f = mix_name(mix(f, (uintptr_t)p), p);
  if (c) {
    note_type(c, LLVMGlobalGetValueType(fn));
    note_metadata_entries(c, LLVMGlobalCopyAllMetadata(fn, &count), count);
  }
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    f = mix_cstring(mix(f, (uintptr_t)bb), LLVMGetBasicBlockName(bb));
    for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
      int operands = LLVMGetNumOperands(inst);
      int opcode = opcode_of(inst);
      f = mix_name(mix(mix(f, (uintptr_t)inst), (uint64_t)opcode), inst);
      for (int i = 0; i < operands; i++) {
        LLVMValueRef operand = LLVMGetOperand(inst, (unsigned)i);
        f = mix(f, (uintptr_t)operand);
        if (c && operand && opcode == OP_CALL && LLVMIsAMDNode(operand))
          note_metadata(c, LLVMValueAsMetadata(operand));
      }
      f = mix_instruction(f, inst, opcode, major, debug);
      if (!c) continue;
      note_type(c, LLVMTypeOf(inst));
      if (opcode == OP_ALLOCA) note_type(c, LLVMGetAllocatedType(inst));
      if (opcode == OP_GEP) note_type(c, LLVMGetGEPSourceElementType(inst));
      if (LLVMHasMetadata(inst)) {
        if (LLVMInstructionGetDebugLoc) note_metadata(c, LLVMInstructionGetDebugLoc(inst));
        note_metadata_entries(c, LLVMInstructionGetAllMetadataOtherThanDebugLoc(inst, &count), count);
      }
      if (debug && LLVMGetFirstDbgRecord)
        for (LLVMDbgRecordRef record = LLVMGetFirstDbgRecord(inst); record; record = LLVMGetNextDbgRecord(record))
          c->metadata_order = mix(c->metadata_order, (uintptr_t)record);
      if (!is_call(opcode)) continue;
      uint64_t set = attribute_set(inst, ATTRIBUTE_FUNCTION_INDEX, 1);
      int64_t number = set ? number_set(c, set) : -1;
      /* A call-site set that no function has on its own gets a number of its own in the printed function. */
      if (number < function_sets) continue;
      int added = 0;
      int64_t *seen = keymap_put(&c->local, set, k, &added);
      if (!seen) {
        c->failed = 1;
        continue;
      }
      if (!added && *seen == k) continue;
      *seen = k;
      if (*groups < 0 || *groups >= group_capacity) {
        *groups = -1;
        continue;
      }
      group_numbers[(*groups)++] = (int32_t)number;
      (*local)++;
    }
  }
  return f;
}

/* Each function's key alone (module order; defined[k]: it has a body). Returns the count, -2 if too many. */
int64_t cgym_function_keys(LLVMModuleRef module, uint64_t *keys, uint8_t *defined, int64_t capacity) {
  static unsigned major = 0;
  if (!major) major = llvm_major();
  int debug = LLVMGetModuleDebugMetadataVersion(module) != 0;
  int64_t k = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn), k++) {
    if (k >= capacity) return -2;
    keys[k] = function_key(fn, major, debug, NULL, k, 0, NULL, 0, NULL, NULL);
    defined[k] = !LLVMIsDeclaration(fn);
  }
  return k;
}

int64_t cgym_token_keys(LLVMModuleRef module, uint64_t *keys, int64_t key_capacity, int32_t *group_numbers,
                        int32_t *group_counts, int64_t group_capacity, uint64_t *context, int32_t *function_sets) {
  static unsigned major = 0;
  if (!major) major = llvm_major();
  TokenContext c = {0};
  int64_t functions = 0, groups = 0;
  int debug = LLVMGetModuleDebugMetadataVersion(module) != 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) functions++;
  if (functions > key_capacity) return -2;
  if (keymap_init(&c.metadata, 64) | keymap_init(&c.sets, 64) | keymap_init(&c.types, 64) |
      keymap_init(&c.local, 64)) {
    functions = -1;
    goto done;
  }
  uint64_t h = 1469598103934665603ull;
  size_t length = 0;
  const char *assembly = LLVMGetModuleInlineAsm(module, &length);
  h = mix_string(h, assembly, length);
  for (LLVMNamedMDNodeRef node = LLVMGetFirstNamedMetadata(module); node; node = LLVMGetNextNamedMetadata(node))
    h = mix(h, (uintptr_t)node);
  for (LLVMValueRef g = LLVMGetFirstGlobal(module); g; g = LLVMGetNextGlobal(g)) {
    size_t count = 0;
    h = mix_name(mix(mix_global(h, g, 1), (uintptr_t)LLVMGetInitializer(g)), g);
    h = mix(h, (uint64_t)LLVMIsGlobalConstant(g) | (uint64_t)LLVMIsThreadLocal(g) << 1 |
                   (uint64_t)LLVMGetThreadLocalMode(g) << 8 | (uint64_t)LLVMIsExternallyInitialized(g) << 16);
    note_type(&c, LLVMGlobalGetValueType(g));
    note_metadata_entries(&c, LLVMGlobalCopyAllMetadata(g, &count), count);
  }
  for (LLVMValueRef a = LLVMGetFirstGlobalAlias(module); a; a = LLVMGetNextGlobalAlias(a))
    h = mix_name(mix(mix_global(h, a, 0), (uintptr_t)LLVMAliasGetAliasee(a)), a);
  /* Every function's own attribute set is numbered before any call site's. */
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) {
    uint64_t set = attribute_set(fn, ATTRIBUTE_FUNCTION_INDEX, 0);
    if (set) number_set(&c, set);
    h = mix_name(mix(h, (uintptr_t)fn), fn);
  }
  *function_sets = (int32_t)c.sets.size;
  int64_t k = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn), k++) {
    int32_t local = 0;
    keys[k] = function_key(fn, major, debug, &c, k, *function_sets, group_numbers, group_capacity, &groups, &local);
    if (groups < 0) {
      functions = -2;
      goto done;
    }
    group_counts[k] = local;
  }
  h = mix(mix(mix(h, c.metadata_order), c.set_order), c.type_order);
  *context = h;
  if (c.failed) functions = -1;
done:
  keymap_free(&c.metadata);
  keymap_free(&c.sets);
  keymap_free(&c.types);
  keymap_free(&c.local);
  return functions;
}

/*
 * Programl kept per function (cgym_programl_cached): the graph of
 * cgym_programl without text, node for node and edge for edge, stitched
 * from parts kept between steps, so a step that changed one function builds
 * only that function's part.
 *
 * A defined function's part, kept under its key (graph_key: what the part
 * reads, so a step that only renames, or changes attributes, flags or
 * metadata, builds nothing), holds its instructions, its own values
 * (instruction results, arguments) and the shared ones it uses (globals,
 * functions, constants), each in the order it first uses them, and its
 * edges with their ends named locally. A step walks the module for the keys,
 * builds the parts whose key is new, and numbers as cgym_programl does: the root,
 * every instruction in module order, then function after function its values
 * in the order of first use, a shared value only where no earlier function
 * used it; types in the order nodes are made; a call's edges to the callee's
 * current entry and returns. The pointers a part holds (instructions,
 * operands, types) stay valid while its key is the module's: the key hashes
 * the instructions' and operands' addresses, and operands in use are alive.
 * When no function's key, body or place changed, the last graph stands.
 */
typedef struct {
  int32_t *data;
  int64_t size, capacity;
} Int32s;

typedef struct {
  void **data;
  int64_t size, capacity;
} Pointers;

/* Room for `size` items in all; -1 out of memory. */
static int int32s_reserve(Int32s *v, int64_t size) {
  if (size <= v->capacity) return 0;
  if (grow((void **)&v->data, size, sizeof *v->data)) return -1;
  v->capacity = size;
  return 0;
}

static inline int int32s_push(Int32s *v, int32_t x) {
  if (v->size == v->capacity && int32s_reserve(v, v->capacity ? v->capacity * 2 : 16)) return -1;
  v->data[v->size++] = x;
  return 0;
}

static int pointers_push(Pointers *v, void *x) {
  if (v->size == v->capacity) {
    int64_t capacity = v->capacity ? v->capacity * 2 : 16;
    if (grow((void **)&v->data, capacity, sizeof *v->data)) return -1;
    v->capacity = capacity;
  }
  v->data[v->size++] = x;
  return 0;
}

/* An edge's end within a part: an instruction, a value of its own, a shared value, or the root. */
enum { END_INSTRUCTION = 0, END_OWN = 1, END_SHARED = 2, END_ROOT = 3 };
#define PART_END(kind, index) ((int32_t)((index) << 2 | (kind)))
/* A call site in a part's edges: its instruction, and its callee's index in `callees`. */
#define PART_CALL_SITE 3

typedef struct {
  uint64_t key;
  int64_t num_instructions;
  Int32s opcode, block, type; /* per instruction; type indexes `types` */
  Int32s returns;             /* its ret instructions */
  Int32s first_uses;          /* PART_END(END_OWN or END_SHARED, index), in the order of first use */
  Int32s own_type, own_block; /* per own value; block -1 for an argument (no function, no block) */
  Pointers shared;
  Int32s shared_kind, shared_type;
  Pointers types;
  Int32s type_kind;
  Int32s edge_source, edge_target, edge_kind, edge_position;
  Pointers callees; /* NULL: not a function (through a pointer, inline assembly) */
  Int32s type_ids, own_ids, shared_ids; /* scratch of one stitch */
  int taken;
} FunctionPart;

static void function_part_free(FunctionPart *p) {
  if (!p) return;
  Int32s *lists[] = {&p->opcode, &p->block, &p->type, &p->returns, &p->first_uses, &p->own_type,
                     &p->own_block, &p->shared_kind, &p->shared_type, &p->type_kind, &p->edge_source,
                     &p->edge_target, &p->edge_kind, &p->edge_position, &p->type_ids, &p->own_ids,
                     &p->shared_ids};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) free(lists[i]->data);
  free(p->shared.data);
  free(p->types.data);
  free(p->callees.data);
  free(p);
}

typedef struct {
  FunctionPart *part;
  PointerMap instructions, values, types;
  int failed;
} PartBuilder;

static int32_t part_type(PartBuilder *pb, LLVMTypeRef type) {
  FunctionPart *p = pb->part;
  int32_t id = pointer_get(&pb->types, type);
  if (id >= 0) return id;
  id = (int32_t)p->types.size;
  if (pointers_push(&p->types, type) || int32s_push(&p->type_kind, LLVMGetTypeKind(type)) ||
      pointer_put(&pb->types, type, id))
    pb->failed = 1;
  return id;
}

/* The end of an operand's node (made on first use, as operand_node); -1 when it is none. */
static int32_t part_value(PartBuilder *pb, LLVMValueRef value) {
  FunctionPart *p = pb->part;
  int32_t end = pointer_get(&pb->values, value);
  if (end >= 0) return end;
  int own = 0, kind = NODE_VARIABLE, type = 0, block = -1;
  if (LLVMIsAInstruction(value)) {
    int32_t inst = pointer_get(&pb->instructions, value);
    if (inst < 0) return -1;
    own = 1, type = p->type.data[inst], block = p->block.data[inst];
  } else if (LLVMIsAArgument(value)) {
    own = 1, type = part_type(pb, LLVMTypeOf(value));
  } else if (LLVMIsAGlobalValue(value) || LLVMIsAConstant(value)) {
    kind = LLVMIsAGlobalValue(value) && !LLVMIsAFunction(value) ? NODE_VARIABLE : NODE_CONSTANT;
    type = part_type(pb, LLVMTypeOf(value));
  } else {
    return -1; /* a basic block, metadata, inline assembly */
  }
  if (own) {
    end = PART_END(END_OWN, p->own_type.size);
    if (int32s_push(&p->own_type, type) || int32s_push(&p->own_block, block)) pb->failed = 1;
  } else {
    end = PART_END(END_SHARED, p->shared.size);
    if (pointers_push(&p->shared, value) || int32s_push(&p->shared_kind, kind) || int32s_push(&p->shared_type, type))
      pb->failed = 1;
  }
  if (int32s_push(&p->first_uses, end) || pointer_put(&pb->values, value, end)) pb->failed = 1;
  return end;
}

static void part_edge(PartBuilder *pb, int32_t source, int32_t target, int kind, int position) {
  FunctionPart *p = pb->part;
  if (source < 0 || target < 0) return;
  if (int32s_push(&p->edge_source, source) || int32s_push(&p->edge_target, target) ||
      int32s_push(&p->edge_kind, kind) || int32s_push(&p->edge_position, position))
    pb->failed = 1;
}

/* The part of a defined function (the walk of cgym_programl's two passes, over this function); NULL out of memory. */
static FunctionPart *build_part(LLVMValueRef fn, uint64_t key) {
  PartBuilder pb = {0};
  FunctionPart *p = calloc(1, sizeof *p);
  int64_t count = 0;
  if (!p) return NULL;
  p->key = key;
  pb.part = p;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) count++;
  if (pointer_map_init(&pb.instructions, (size_t)count) || pointer_map_init(&pb.values, (size_t)count) ||
      pointer_map_init(&pb.types, 16))
    pb.failed = 1;
  /* Most instructions have a result and two or three operands. */
  Int32s *per_instruction[] = {&p->opcode, &p->block, &p->type, &p->first_uses, &p->own_type, &p->own_block};
  Int32s *per_edge[] = {&p->edge_source, &p->edge_target, &p->edge_kind, &p->edge_position};
  for (size_t i = 0; i < 6; i++) pb.failed |= int32s_reserve(per_instruction[i], count + 1) != 0;
  for (size_t i = 0; i < 4; i++) pb.failed |= int32s_reserve(per_edge[i], 4 * count + 1) != 0;
  int32_t block_index = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb && !pb.failed; bb = LLVMGetNextBasicBlock(bb), block_index++) {
    for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
      int opcode = opcode_of(inst);
      int32_t id = (int32_t)p->num_instructions++;
      if (int32s_push(&p->opcode, opcode) || int32s_push(&p->block, block_index) ||
          int32s_push(&p->type, part_type(&pb, LLVMTypeOf(inst))) || pointer_put(&pb.instructions, inst, id) ||
          (opcode == OP_RET && int32s_push(&p->returns, id)))
        pb.failed = 1;
    }
  }
  int32_t id = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb && !pb.failed; bb = LLVMGetNextBasicBlock(bb)) {
    for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst), id++) {
      int32_t self = PART_END(END_INSTRUCTION, id);
      int opcode = p->opcode.data[id];
      LLVMValueRef next = LLVMGetNextInstruction(inst);
      if (next) {
        part_edge(&pb, self, PART_END(END_INSTRUCTION, id + 1), FLOW_CONTROL, 0);
      } else {
        unsigned successors = LLVMGetNumSuccessors(inst);
        for (unsigned i = 0; i < successors; i++) {
          LLVMValueRef first = LLVMGetFirstInstruction(LLVMGetSuccessor(inst, i));
          int32_t target = first ? pointer_get(&pb.instructions, first) : -1;
          if (target >= 0) part_edge(&pb, self, PART_END(END_INSTRUCTION, target), FLOW_CONTROL, (int)i);
        }
      }
      if (p->type_kind.data[p->type.data[id]] != LLVM_VOID_TYPE_KIND) part_edge(&pb, self, part_value(&pb, inst), FLOW_DATA, 0);
      LLVMValueRef callee = is_call(opcode) ? LLVMGetCalledValue(inst) : NULL;
      int operands = LLVMGetNumOperands(inst);
      for (int i = 0; i < operands; i++) {
        LLVMValueRef operand = data_operand(inst, i, operands, callee);
        if (operand) part_edge(&pb, part_value(&pb, operand), self, FLOW_DATA, i);
      }
      if (is_call(opcode)) {
        part_edge(&pb, self, (int32_t)p->callees.size, PART_CALL_SITE, 0);
        if (pointers_push(&p->callees, callee && LLVMIsAFunction(callee) ? callee : NULL)) pb.failed = 1;
      }
    }
  }
  pointer_map_free(&pb.instructions);
  pointer_map_free(&pb.values);
  pointer_map_free(&pb.types);
  if (pb.failed) {
    function_part_free(p);
    return NULL;
  }
  return p;
}

/*
 * A defined function's key for its part: everything build_part reads. The
 * function and its arguments, and per block its address, per instruction
 * its address, opcode, type and operands (successors and callees are
 * operands). Types and constants are uniqued, so their address is their value.
 */
static uint64_t graph_key(LLVMValueRef fn) {
  uint64_t h = mix(0x6a09e667f3bcc909ull, (uintptr_t)fn);
  for (LLVMValueRef p = LLVMGetFirstParam(fn); p; p = LLVMGetNextParam(p)) h = mix(h, (uintptr_t)p);
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
    h = mix(h, (uintptr_t)bb);
    for (LLVMValueRef inst = LLVMGetFirstInstruction(bb); inst; inst = LLVMGetNextInstruction(inst)) {
      int operands = LLVMGetNumOperands(inst);
      h = mix(mix(mix(h, (uintptr_t)inst), (uint64_t)LLVMGetInstructionOpcode(inst) << 32 | (uint32_t)operands),
              (uintptr_t)LLVMTypeOf(inst));
      for (int i = 0; i < operands; i++) h = mix(h, (uintptr_t)LLVMGetOperand(inst, (unsigned)i));
    }
  }
  return h;
}

/* The parts of the last step, and the output buffers, reused from step to step. */
typedef struct {
  FunctionPart **parts; /* one a function, module order; NULL for a declaration */
  int64_t num_parts, rebuilt;
  uint64_t signature; /* of the functions' places and keys when `graph` was made; 0: no graph */
  PointerMap type_names; /* type -> offset of its printed name in `names` (types live as long as the context) */
  Bytes names;
  CgymGraph graph; /* int32 arrays owned here */
  int64_t node_capacity, edge_capacity;
  Bytes type_text;
} GraphCache;

void *cgym_programl_cache_new(void) {
  GraphCache *cache = calloc(1, sizeof *cache);
  if (cache && pointer_map_init(&cache->type_names, 64)) {
    free(cache);
    return NULL;
  }
  return cache;
}

void cgym_programl_cache_free(void *handle) {
  GraphCache *cache = handle;
  if (!cache) return;
  for (int64_t i = 0; i < cache->num_parts; i++) function_part_free(cache->parts[i]);
  free(cache->parts);
  pointer_map_free(&cache->type_names);
  free(cache->names.data);
  free(cache->type_text.data);
  cache->graph.text = NULL;
  cache->graph.type_text = NULL;
  cgym_programl_free(&cache->graph);
  free(cache);
}

/* How many functions the last cgym_programl_cached built (not kept from the step before). */
int64_t cgym_programl_cache_rebuilt(void *handle) { return ((GraphCache *)handle)->rebuilt; }

typedef struct {
  GraphCache *cache;
  PointerMap type_ids, shared;
  int failed;
} Stitch;

static int32_t stitch_type(Stitch *s, FunctionPart *p, int32_t local) {
  int32_t id = p->type_ids.data[local];
  if (id >= 0) return id;
  GraphCache *cache = s->cache;
  LLVMTypeRef type = p->types.data[local];
  id = pointer_get(&s->type_ids, type);
  if (id < 0) {
    int32_t offset = pointer_get(&cache->type_names, type);
    if (offset < 0) {
      char *name = LLVMPrintTypeToString(type);
      offset = (int32_t)cache->names.size;
      bytes_append_text(&cache->names, name, strlen(name));
      LLVMDisposeMessage(name);
      if (cache->names.failed || pointer_put(&cache->type_names, type, offset)) s->failed = 1;
    }
    id = (int32_t)cache->graph.num_types++;
    if (!cache->names.failed) {
      const char *name = cache->names.data + offset;
      bytes_append_text(&cache->type_text, name, strlen(name));
    }
    if (cache->type_text.failed || pointer_put(&s->type_ids, type, id)) s->failed = 1;
  }
  p->type_ids.data[local] = id;
  return id;
}

/* Room for `nodes` nodes and `edges` edges in the output: stitch_node and stitch_edge do not check. */
static int stitch_reserve(GraphCache *cache, int64_t nodes, int64_t edges) {
  CgymGraph *g = &cache->graph;
  if (nodes > cache->node_capacity) {
    if (graph_grow_nodes(g, nodes)) return -1;
    cache->node_capacity = nodes;
  }
  if (edges > cache->edge_capacity) {
    if (graph_grow_edges(g, edges)) return -1;
    cache->edge_capacity = edges;
  }
  return 0;
}

static inline int32_t stitch_node(Stitch *s, int kind, int opcode, FunctionPart *p, int32_t type, int32_t function,
                                  int32_t block) {
  int32_t type_kind = p ? p->type_kind.data[type] : -1;
  int32_t type_index = p ? stitch_type(s, p, type) : -1;
  return graph_put_node(&s->cache->graph, kind, opcode, function, block, type_kind, type_index);
}

static inline void stitch_edge(Stitch *s, int32_t source, int32_t target, int kind, int position) {
  graph_put_edge(&s->cache->graph, source, target, kind, position);
}

static int int32s_fill(Int32s *v, int64_t size, int32_t value) {
  if (int32s_reserve(v, size)) return -1;
  v->size = size;
  for (int64_t i = 0; i < size; i++) v->data[i] = value;
  return 0;
}

/*
 * The graph of cgym_programl(module, 0, ...) into *g, its arrays owned by
 * the cache (valid until its next call or cgym_programl_cache_free). Returns 0,
 * 1 when it is the graph of the last call unchanged, or -1 when out of memory
 * (nothing is kept then).
 */
int cgym_programl_cached(LLVMModuleRef module, void *handle, CgymGraph *g) {
  GraphCache *cache = handle;
  Stitch s = {.cache = cache};
  KeyMap kept = {0};
  PointerMap functions = {0};
  FunctionPart **parts = NULL;
  int64_t *offsets = NULL;
  int64_t num_functions = 0, total = 1;
  int status = -1;
  uint64_t signature = 0x243f6a8885a308d3ull;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn)) num_functions++;
  parts = calloc((size_t)num_functions + 1, sizeof *parts);
  offsets = calloc((size_t)num_functions + 1, sizeof *offsets);
  if (!parts || !offsets || keymap_init(&kept, cache->num_parts) || pointer_map_init(&functions, (size_t)num_functions) ||
      pointer_map_init(&s.type_ids, 64) || pointer_map_init(&s.shared, 256))
    goto done;
  for (int64_t i = 0; i < cache->num_parts; i++) {
    int added = 0;
    if (cache->parts[i] && !keymap_put(&kept, cache->parts[i]->key, i, &added)) goto done;
  }

  /* The keys; the parts of functions whose key is new. */
  cache->rebuilt = 0;
  int64_t k = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn), k++) {
    if (pointer_put(&functions, fn, (int32_t)k)) goto done;
    if (LLVMIsDeclaration(fn)) {
      signature = mix(mix(signature, (uintptr_t)fn), 0);
      continue;
    }
    uint64_t key = graph_key(fn);
    signature = mix(mix(signature, (uintptr_t)fn), key);
    int64_t *index = keymap_get(&kept, key);
    FunctionPart *part = index && !cache->parts[*index]->taken ? cache->parts[*index] : NULL;
    if (part) {
      part->taken = 1;
    } else {
      part = build_part(fn, key);
      if (!part) goto done;
      part->taken = 2; /* new: freed here if this call fails before the parts are swapped in */
      cache->rebuilt++;
    }
    parts[k] = part;
    offsets[k] = total;
    total += part->num_instructions;
  }
  if (signature == cache->signature && !cache->rebuilt && num_functions == cache->num_parts) {
    for (k = 0; k < num_functions; k++)
      if (parts[k]) parts[k]->taken = 0;
    status = 1;
    goto output;
  }
  cache->signature = 0;
  for (int64_t i = 0; i < cache->num_parts; i++)
    if (cache->parts[i] && !cache->parts[i]->taken) function_part_free(cache->parts[i]);
  free(cache->parts);
  cache->parts = parts, cache->num_parts = num_functions;
  parts = NULL;
  int64_t nodes = 1, edges = num_functions, calls = 0, returns = 1;
  for (k = 0; k < num_functions; k++) {
    FunctionPart *p = cache->parts[k];
    if (!p) continue;
    p->taken = 0;
    if (int32s_fill(&p->type_ids, p->types.size, -1) || int32s_fill(&p->own_ids, p->own_type.size, -1) ||
        int32s_fill(&p->shared_ids, p->shared.size, -1))
      goto done;
    nodes += p->num_instructions + p->first_uses.size;
    edges += p->edge_source.size;
    calls += p->callees.size;
    if (p->returns.size > returns) returns = p->returns.size;
  }
  if (stitch_reserve(cache, nodes, edges + calls * (1 + returns))) goto done;

  /* Nodes: the root, the instructions, then each function's values in the order of first use. */
  CgymGraph *out = &cache->graph;
  out->num_nodes = out->num_edges = out->num_types = 0;
  cache->type_text.size = 0;
  stitch_node(&s, NODE_INSTRUCTION, -1, NULL, -1, -1, -1);
  for (k = 0; k < num_functions; k++) {
    FunctionPart *p = cache->parts[k];
    for (int64_t i = 0; p && i < p->num_instructions; i++)
      stitch_node(&s, NODE_INSTRUCTION, p->opcode.data[i], p, p->type.data[i], (int32_t)k, p->block.data[i]);
  }
  for (k = 0; k < num_functions && !s.failed; k++) {
    FunctionPart *p = cache->parts[k];
    for (int64_t i = 0; p && i < p->first_uses.size; i++) {
      int32_t end = p->first_uses.data[i], index = end >> 2;
      if ((end & 3) == END_OWN) {
        int32_t block = p->own_block.data[index];
        p->own_ids.data[index] =
            stitch_node(&s, NODE_VARIABLE, -1, p, p->own_type.data[index], block >= 0 ? (int32_t)k : -1, block);
      } else {
        void *value = p->shared.data[index];
        int32_t id = pointer_get(&s.shared, value);
        if (id < 0) {
          id = stitch_node(&s, p->shared_kind.data[index], -1, p, p->shared_type.data[index], -1, -1);
          if (pointer_put(&s.shared, value, id)) s.failed = 1;
        }
        p->shared_ids.data[index] = id;
      }
    }
  }

  /* Edges: the root calls every entry; then each function's, its ends numbered, its calls to the callees. */
  for (k = 0; k < num_functions; k++)
    if (cache->parts[k] && cache->parts[k]->num_instructions) stitch_edge(&s, 0, (int32_t)offsets[k], FLOW_CALL, 0);
  for (k = 0; k < num_functions && !s.failed; k++) {
    FunctionPart *p = cache->parts[k];
    for (int64_t e = 0; p && e < p->edge_source.size; e++) {
      int32_t ends[2] = {p->edge_source.data[e], p->edge_target.data[e]};
      int kind = p->edge_kind.data[e];
      for (int j = 0; j < 2; j++) {
        int32_t index = ends[j] >> 2;
        if (kind == PART_CALL_SITE && j == 1) break;
        switch (ends[j] & 3) {
          case END_INSTRUCTION: ends[j] = (int32_t)offsets[k] + index; break;
          case END_OWN: ends[j] = p->own_ids.data[index]; break;
          case END_SHARED: ends[j] = p->shared_ids.data[index]; break;
          default: ends[j] = 0; break;
        }
      }
      if (kind != PART_CALL_SITE) {
        stitch_edge(&s, ends[0], ends[1], kind, p->edge_position.data[e]);
        continue;
      }
      void *callee = p->callees.data[ends[1]];
      int32_t target = callee ? pointer_get(&functions, callee) : -1;
      FunctionPart *called = target >= 0 ? cache->parts[target] : NULL;
      if (called && called->num_instructions) {
        stitch_edge(&s, ends[0], (int32_t)offsets[target], FLOW_CALL, 0);
        for (int64_t r = 0; r < called->returns.size; r++)
          stitch_edge(&s, (int32_t)offsets[target] + called->returns.data[r], ends[0], FLOW_CALL, 0);
      } else {
        stitch_edge(&s, ends[0], 0, FLOW_CALL, 0);
        stitch_edge(&s, 0, ends[0], FLOW_CALL, 0);
      }
    }
  }
  if (s.failed || cache->type_text.failed) goto done;
  cache->signature = signature;
  status = 0;
output:
  *g = cache->graph;
  g->text = NULL;
  g->text_bytes = 0;
  g->type_text = cache->type_text.data;
  g->type_bytes = (int64_t)cache->type_text.size;
done:
  if (status < 0) { /* out of memory: keep nothing */
    for (int64_t i = 0; parts && i < num_functions; i++)
      if (parts[i] && parts[i]->taken == 2) function_part_free(parts[i]);
    for (int64_t i = 0; i < cache->num_parts; i++) function_part_free(cache->parts[i]);
    free(cache->parts);
    cache->parts = NULL, cache->num_parts = 0, cache->signature = 0;
  }
  free(parts);
  free(offsets);
  keymap_free(&kept);
  pointer_map_free(&functions);
  pointer_map_free(&s.type_ids);
  pointer_map_free(&s.shared);
  return status;
}

/* A graph's arrays into the caller's, at the dtypes of cgym_ray.llvm.programl.ProgramGraph. */
void cgym_programl_copy(const CgymGraph *g, int8_t *node_kind, int16_t *node_opcode, int16_t *node_type_kind,
                        int32_t *node_type, int32_t *node_function, int32_t *node_block, int32_t *edge_source,
                        int32_t *edge_target, int8_t *edge_kind, int32_t *edge_position) {
  for (int64_t i = 0; i < g->num_nodes; i++) {
    node_kind[i] = (int8_t)g->node_kind[i];
    node_opcode[i] = (int16_t)g->node_opcode[i];
    node_type_kind[i] = (int16_t)g->node_type_kind[i];
  }
  if (g->num_nodes) {
    memcpy(node_type, g->node_type, (size_t)g->num_nodes * 4);
    memcpy(node_function, g->node_function, (size_t)g->num_nodes * 4);
    memcpy(node_block, g->node_block, (size_t)g->num_nodes * 4);
  }
  if (g->num_edges) {
    memcpy(edge_source, g->edge_source, (size_t)g->num_edges * 4);
    memcpy(edge_target, g->edge_target, (size_t)g->num_edges * 4);
    memcpy(edge_position, g->edge_position, (size_t)g->num_edges * 4);
  }
  for (int64_t i = 0; i < g->num_edges; i++) edge_kind[i] = (int8_t)g->edge_kind[i];
}
