; Written in LLVM 14 syntax (typed pointers, which LLVM 17 and later no longer parse as text).
; The test assembles it with Debian's llvm-as-14, as CompilerGym's archives hold LLVM 10 bitcode.
target triple = "x86_64-pc-linux-gnu"

@.str = private unnamed_addr constant [4 x i8] c"%d\0A\00", align 1

define dso_local i32 @sum(i32* %values, i32 %count) {
entry:
  %total = alloca i32, align 4
  %i = alloca i32, align 4
  store i32 0, i32* %total, align 4
  store i32 0, i32* %i, align 4
  br label %loop

loop:
  %index = load i32, i32* %i, align 4
  %done = icmp sge i32 %index, %count
  br i1 %done, label %exit, label %body

body:
  %wide = sext i32 %index to i64
  %slot = getelementptr inbounds i32, i32* %values, i64 %wide
  %value = load i32, i32* %slot, align 4
  %old = load i32, i32* %total, align 4
  %new = add nsw i32 %old, %value
  store i32 %new, i32* %total, align 4
  %next = add nsw i32 %index, 1
  store i32 %next, i32* %i, align 4
  br label %loop

exit:
  %result = load i32, i32* %total, align 4
  ret i32 %result
}

define dso_local i32 @main() {
entry:
  %array = alloca [4 x i32], align 16
  %first = getelementptr inbounds [4 x i32], [4 x i32]* %array, i64 0, i64 0
  store i32 1, i32* %first, align 4
  %second = getelementptr inbounds [4 x i32], [4 x i32]* %array, i64 0, i64 1
  store i32 2, i32* %second, align 4
  %third = getelementptr inbounds [4 x i32], [4 x i32]* %array, i64 0, i64 2
  store i32 3, i32* %third, align 4
  %fourth = getelementptr inbounds [4 x i32], [4 x i32]* %array, i64 0, i64 3
  store i32 4, i32* %fourth, align 4
  %sum = call i32 @sum(i32* %first, i32 4)
  %format = getelementptr inbounds [4 x i8], [4 x i8]* @.str, i64 0, i64 0
  %printed = call i32 (i8*, ...) @printf(i8* %format, i32 %sum)
  ret i32 0
}

declare i32 @printf(i8*, ...)
