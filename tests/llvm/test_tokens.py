"""Token sequences: LexedIr's tokens, inst2vec's normalised statements, the shipped vocabulary."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

import cgym_ray  # noqa: F401
from cgym_ray.llvm.tokens import (
    TOKEN_IDS,
    UNKNOWN,
    build_vocabulary,
    inst2vec_statements,
    inst2vec_vocabulary,
    lex_ir,
)

MODULE = """\
%struct.point = type { i32, double }

@table = internal global [2 x i32] [i32 7, i32 -3], align 4
@.str = private unnamed_addr constant [4 x i8] c"a;b\\00", align 1

define i32 @f(ptr %p, i32 %n) #0 {
entry:
  %0 = getelementptr inbounds %struct.point, ptr %p, i32 0, i32 1
  %x = load double, ptr %0, align 8, !tbaa !3
  %y = fadd double %x, 1.500000e+00 ; a comment
  %c = icmp sgt i32 %n, 42
  br i1 %c, label %then, label %end

then:                                             ; preds = %entry
  %r = call i32 @g(ptr @.str, i32 %n)
  ret i32 %r

end:
  ret i32 0
}
"""


def test_lexer_gives_llvm_token_kinds_categories_and_text():
    lexed = lex_ir("%x = add nsw i32 %0, -7 ; done\n")
    assert lexed.token_kind == [
        "LocalVar",
        "equal",
        "kw_add",
        "kw_nsw",
        "Type",
        "LocalVarID",
        "comma",
        "APSInt",
    ]
    assert lexed.token_value == ["x", "=", "add", "nsw", "i32", "0", ",", "-7"]
    assert lexed.token_category == [
        "strval",
        "keyword",
        "keyword",
        "keyword",
        "type",
        "uintval",
        "keyword",
        "apsint",
    ]
    assert lexed.token_id[0] == TOKEN_IDS["LocalVar"] and lexed.token_id[2] == TOKEN_IDS["keyword"]
    assert "Error" not in lex_ir(MODULE).token_kind


def test_statements_are_normalised_as_inst2vec_does():
    assert inst2vec_statements(MODULE) == [
        "<@ID> = internal global [2 x i32] [i32 <INT>, i32 <INT>], align 4",
        "<@ID> = private unnamed_addr constant [4 x i8] <STRING>, align 1",
        "<%ID> = getelementptr inbounds <TYPE>, ptr <%ID>, i32 <INT>, i32 <INT>",
        "<%ID> = load double, ptr <%ID>, align 8",
        "<%ID> = fadd double <%ID>, <FLOAT>",
        "<%ID> = icmp sgt i32 <%ID>, <INT>",
        "br i1 <%ID>, label <%ID>, label <%ID>",
        "<%ID> = call i32 <@ID>(ptr <@ID>, i32 <%ID>)",
        "ret i32 <%ID>",
        "ret i32 <INT>",
    ]


def test_vocabulary_maps_unseen_statements_to_the_unknown_index():
    vocabulary = build_vocabulary([MODULE, MODULE], "test", ["here"], "23.1.4", min_count=2)
    assert vocabulary.statements[0] == UNKNOWN and len(vocabulary.statements) == 11
    encoded = vocabulary.encode(["ret i32 <INT>", "unreachable"])
    assert encoded[0] > 0 and encoded[1] == 0
    assert build_vocabulary([MODULE], "t", [], "x", min_count=2).statements == (UNKNOWN,)


def test_the_shipped_vocabulary_is_versioned_and_covers_the_suite():
    vocabulary = inst2vec_vocabulary()
    assert vocabulary.version == "v1" and vocabulary.llvm_version.startswith("23.")
    assert vocabulary.statements[0] == UNKNOWN and len(set(vocabulary.statements)) == len(
        vocabulary.statements
    )
    env = gym.make(
        "llvm-v0",
        benchmark="benchmark://cgym-suite-v0/crc32",
        observation_space="Inst2vecEmbeddingIndices",
    ).unwrapped
    indices, _ = env.reset()
    text = env.observation["Inst2vecPreprocessedText"]
    assert len(indices) == len(text) and np.all(indices > 0)  # built from the suite at O0
    assert [vocabulary.statements[i] for i in indices] == list(text)
    lexed = env.observation["LexedIr"]
    assert env.observation.spaces()["LexedIr"].contains(lexed)
    env.close()
