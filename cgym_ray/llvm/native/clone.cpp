// An exact copy of an LLVM module: CloneModule, then every use list in the
// copy put in the order of its counterpart in the original.
//
// Why: some passes walk use lists (users of a value, predecessors of a block),
// and CloneModule builds the copy's use lists in its own order, so a clone can
// optimise differently from its original. The bitcode round trip with
// -preserve-bc-uselistorder is exact but costs about three clones.
//
// The copy lives in the original's LLVMContext. Constants without operands
// (ConstantData: integers, null, undef, strings) have no use lists in LLVM 21
// and later; other uniqued values (constant aggregates and expressions made
// of them, inline asm, metadata as value) are shared by both modules, and
// their lists hold both modules' uses: there the copy's uses are ordered as
// the original's and every other use keeps its place.
//
// Built by cgym_ray/llvm/native/clone.py against the libLLVM it runs with
// (LLVM's C++ headers and libc++, the library's own ABI).

#include "llvm-c/Core.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/GlobalIFunc.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <algorithm>
#include <memory>

using namespace llvm;

namespace {

// The copy's counterpart of an original value (itself when it is shared).
const Value *counterpart(const ValueToValueMapTy &map, const Value *value) {
  auto found = map.find(value);
  if (found == map.end() || !found->second)
    return value;
  return found->second;
}

// Puts each use list of the copy in the order of its original's.
class UseListMatcher {
public:
  explicit UseListMatcher(const ValueToValueMapTy &map) : map(map) {}

  // False if a use in the original has no counterpart where it should.
  bool module(const Module &original) {
    for (const GlobalVariable &global : original.globals())
      if (!value(&global) || (global.hasInitializer() && !operand(global.getInitializer())))
        return false;
    for (const GlobalAlias &alias : original.aliases())
      if (!value(&alias) || !operand(alias.getAliasee()))
        return false;
    for (const GlobalIFunc &ifunc : original.ifuncs())
      if (!value(&ifunc) || !operand(ifunc.getResolver()))
        return false;
    for (const Function &function : original) {
      if (!value(&function))
        return false;
      for (const Use &use : function.operands())  // personality, prefix, prologue
        if (!operand(use.get()))
          return false;
      for (const Argument &argument : function.args())
        if (!value(&argument))
          return false;
      for (const BasicBlock &block : function) {
        if (!value(&block))
          return false;
        for (const Instruction &instruction : block) {
          if (!value(&instruction))
            return false;
          for (const Use &use : instruction.operands())
            if (!operand(use.get()))
              return false;
        }
      }
    }
    return true;
  }

private:
  const ValueToValueMapTy &map;
  SmallPtrSet<const Value *, 32> seen;  // uniqued values reached as operands, each done once
  SmallVector<const Use *, 8> order;    // the copy's uses, in the original's order
  DenseMap<const Use *, unsigned> rank;  // position in `order`, for long lists

  // An operand: the module's own values are done where they are defined; the
  // uniqued ones that have use lists (constant expressions and aggregates,
  // inline asm, metadata as value) here, once.
  bool operand(const Value *value) {
    if (!value || !value->hasUseList() || isa<GlobalValue>(value) || isa<Argument>(value) ||
        isa<Instruction>(value) || isa<BasicBlock>(value) || !seen.insert(value).second)
      return true;
    if (const auto *constant = dyn_cast<Constant>(value))
      for (const Use &use : constant->operands())
        if (!operand(use.get()))
          return false;
    return this->value(value);
  }

  bool value(const Value *value) {
    if (value->use_empty() || value->hasOneUse())
      return true;
    Value *copy = const_cast<Value *>(counterpart(map, value));
    return copy == value ? shared(copy) : own(value, copy);
  }

  // A value of the original module: every use of its copy has a counterpart.
  bool own(const Value *value, Value *copy) {
    order.clear();
    for (const Use &use : value->uses()) {
      const User *user = use.getUser();
      const Value *user_copy = counterpart(map, user);
      if (user_copy == user)
        continue;  // a dead constant, which the clone left out
      const Use &copied = cast<User>(user_copy)->getOperandUse(use.getOperandNo());
      if (copied.get() != copy)
        return false;
      order.push_back(&copied);
    }
    auto next = order.begin();
    bool in_order = true;
    for (const Use &use : copy->uses())
      if (next == order.end() || *next++ != &use) {
        in_order = false;
        break;
      }
    if (in_order && next == order.end())
      return true;
    if (order.size() <= 16) {
      auto position = [&](const Use &use) {
        return std::find(order.begin(), order.end(), &use) - order.begin();
      };
      copy->sortUseList(
          [&](const Use &left, const Use &right) { return position(left) < position(right); });
      return true;
    }
    rank.clear();
    for (unsigned i = 0; i < order.size(); ++i)
      rank[order[i]] = i;
    copy->sortUseList([&](const Use &left, const Use &right) {
      return rank.lookup(&left) < rank.lookup(&right);
    });
    return true;
  }

  // A value both modules use: the copy's uses are ordered as the original's,
  // next to them, and every other use keeps its place.
  bool shared(Value *value) {
    rank.clear();
    unsigned position = 0;
    for (const Use &use : value->uses())
      rank[&use] = position++;
    for (const Use &use : value->uses()) {
      const User *user = use.getUser();
      const Value *user_copy = counterpart(map, user);
      if (user_copy == user)
        continue;  // a shared user, or a user in the copy
      const Use &copied = cast<User>(user_copy)->getOperandUse(use.getOperandNo());
      if (copied.get() != value)
        return false;
      rank[&copied] = rank.lookup(&use);
    }
    value->sortUseList([&](const Use &left, const Use &right) {
      return rank.lookup(&left) < rank.lookup(&right);
    });
    return true;
  }
};

}  // namespace

extern "C" {

// A copy of `module` in its context that passes treat as they treat the
// original; NULL if the use lists could not be matched (the caller then
// copies through bitcode).
__attribute__((visibility("default"))) LLVMModuleRef cgym_clone_module(LLVMModuleRef module) {
  const Module &original = *unwrap(module);
  ValueToValueMapTy map;
  std::unique_ptr<Module> copy = CloneModule(original, map);
  if (!UseListMatcher(map).module(original))
    return nullptr;
  return wrap(copy.release());
}

}  // extern "C"
