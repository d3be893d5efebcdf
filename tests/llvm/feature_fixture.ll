; A module small enough to count its features by hand (see test_features.py).
declare i32 @ext(i32)

define i32 @f(i32 %n, i1 %c) {
entry:
  br i1 %c, label %a, label %join
a:
  %x = add i32 %n, 1
  br label %join
join:
  %p = phi i32 [ 0, %entry ], [ %x, %a ]
  %r = call i32 @ext(i32 %p)
  switch i32 %r, label %d [ i32 1, label %s1
                            i32 2, label %s1 ]
s1:
  ret i32 1
d:
  %z = zext i1 %c to i64
  %t = trunc i64 %z to i32
  ret i32 %t
}
