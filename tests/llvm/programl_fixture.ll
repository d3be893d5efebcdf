; A module whose Programl graph tests/llvm/test_programl.py checks node by node and edge by edge.
@g = global i32 7

declare i32 @ext(i32)

define i32 @add(i32 %a, i32 %b) {
entry:
  %s = add i32 %a, %b
  ret i32 %s
}

define i32 @main(i32 %n) {
entry:
  %c = icmp sgt i32 %n, 0
  br i1 %c, label %then, label %done
then:
  %v = load i32, ptr @g
  %r = call i32 @add(i32 %v, i32 1)
  %e = call i32 @ext(i32 %r)
  br label %done
done:
  %p = phi i32 [ 0, %entry ], [ %e, %then ]
  ret i32 %p
}
