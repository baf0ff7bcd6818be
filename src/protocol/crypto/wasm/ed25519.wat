;; Point arithmetic on the ed25519 curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19), for the
;; Feldman share checks (feldman.ts): the decoding and curve check of a dealer's commitments C_i, the
;; sum of x^i C_i by Horner's rule in a small x, and the check that 8 (s B - that sum) is the identity.
;; @noble/curves does the same with BigInt, about 5 us a point operation on the 2-core machine; here a
;; field element is ten signed 64-bit limbs of alternately 26 and 25 bits (radix 2^25.5, as in the ref10
;; code of Bernstein et al.), so a product is 100 64-bit multiplications and no division.
;;
;; Bounds. A product's output limbs are at most about 2^25 (even limbs) and 2^24 (odd ones) in
;; magnitude; call that size 1. A sum or difference of a and b has the size of a's plus b's. A product
;; of sizes s and r sums ten terms per limb, the largest 2^50 s r (1 + 4 x 19 + 5 x 38 / 4) < 2^57 s r,
;; which stays below 2^63 while s r <= 64. Decoded coordinates, canonical and non-negative, have size 2.
;; The largest products formed have sizes 4 and 4: sums and differences of decoded coordinates.
;;
;; Compiled by scripts/build-wasm.mjs (wabt) into ed25519-module.ts; the fast tier rebuilds it and
;; compares, and checks it against @noble/curves (test/protocol/crypto/ed25519-wasm.test.ts).
;; ed25519.ts writes the constants and the inputs.
(module
  (memory (export "memory") 3)

  ;; Byte offsets. Field elements are 80 bytes; extended points (X : Y : Z : T), with x = X/Z,
  ;; y = Y/Z and XY = ZT, are four of them; so are cached points (Y - X, Y + X, 2Z, 2dT), an addend.
  ;; 0: 2d, 80: d, 160: zero, 2000: the base point B (all written by ed25519.ts); 240 to 1040:
  ;; temporaries; 1040: the accumulator (extended); 1360: its cached copy; 1680: the cached addend;
  ;; 2400: the digits of x (i32, 40 at most); 2560: the digits of a scalar (i32); 2816: a scalar (32 bytes);
  ;; 3072: a point (extended); 4096: j 16^i B, cached, for i < 64 and 1 <= j <= 8 (163,840 bytes);
  ;; 167,936 on: points, then their encodings (ed25519.ts lays them out).
  (global $D2 i32 (i32.const 0))
  (global $D i32 (i32.const 80))
  (global $ZERO i32 (i32.const 160))
  (global $A i32 (i32.const 240))
  (global $B i32 (i32.const 320))
  (global $C i32 (i32.const 400))
  (global $E i32 (i32.const 480))
  (global $F i32 (i32.const 560))
  (global $G i32 (i32.const 640))
  (global $H i32 (i32.const 720))
  (global $T1 i32 (i32.const 800))
  (global $T2 i32 (i32.const 880))
  (global $ACC i32 (i32.const 1040))
  (global $BASE i32 (i32.const 1360))
  (global $ADDEND i32 (i32.const 1680))
  (global $DIGITS i32 (i32.const 2400))
  (global $BASE_POINT i32 (i32.const 2000))
  (global $SCALAR_DIGITS i32 (i32.const 2560))
  (global $SCALAR i32 (i32.const 2816))
  (global $R i32 (i32.const 3072))
  (global $TABLE i32 (i32.const 4096))

  ;; Writes to dst (count extended points, 320 bytes each) the count encoded points at src (64 bytes
  ;; each: x then y, 32 bytes little-endian), and returns how many lead the list that are canonical
  ;; (both coordinates below p) and on the curve: count when all are. Reads 4 bytes past the last.
  (func (export "load") (param $dst i32) (param $src i32) (param $count i32) (result i32)
    (local $i i32)
    (block $done
      (loop $points
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (br_if $done (i32.eqz (call $loadPoint (local.get $dst) (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 320)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $points)))
    (local.get $i))

  ;; One point of load; 0 if it is not canonical or not on the curve.
  (func $loadPoint (param $dst i32) (param $src i32) (result i32)
    (local $x i32) (local $y i32) (local $z i32) (local $t i32)
    (local.set $x (local.get $dst))
    (local.set $y (i32.add (local.get $dst) (i32.const 80)))
    (local.set $z (i32.add (local.get $dst) (i32.const 160)))
    (local.set $t (i32.add (local.get $dst) (i32.const 240)))
    (if (i32.eqz (call $canonical (local.get $x) (local.get $src))) (then (return (i32.const 0))))
    (if (i32.eqz (call $canonical (local.get $y) (i32.add (local.get $src) (i32.const 32)))) (then (return (i32.const 0))))
    ;; Z = 1
    (call $add (local.get $z) (global.get $ZERO) (global.get $ZERO))
    (i64.store (local.get $z) (i64.const 1))
    (call $mul (local.get $t) (local.get $x) (local.get $y))
    ;; y^2 - x^2 - (1 + d x^2 y^2), which is zero on the curve
    (call $mul (global.get $A) (local.get $x) (local.get $x))
    (call $mul (global.get $B) (local.get $y) (local.get $y))
    (call $sub (global.get $T1) (global.get $B) (global.get $A))
    (call $mul (global.get $T2) (global.get $A) (global.get $B))
    (call $mul (global.get $T2) (global.get $T2) (global.get $D))
    (call $add (global.get $T2) (global.get $T2) (local.get $z))
    (call $sub (global.get $T1) (global.get $T1) (global.get $T2))
    (call $isZero (global.get $T1)))

  ;; Parses the 32 bytes at src into out; 0 unless the value is below p (bit 255 clear, and not
  ;; p to 2^255 - 1: every limb but the lowest at its largest, and the lowest at least 2^26 - 19).
  (func $canonical (param $out i32) (param $src i32) (result i32)
    (local $i i32) (local $max i32)
    (if (i32.and (i32.load8_u offset=31 (local.get $src)) (i32.const 128)) (then (return (i32.const 0))))
    (call $parse (local.get $out) (local.get $src))
    (local.set $max (i64.ge_u (i64.load (local.get $out)) (i64.const 67108845)))
    (local.set $i (i32.const 1))
    (loop $limbs
      (local.set $max (i32.and (local.get $max)
        (i64.eq (i64.load (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
          (select (i64.const 33554431) (i64.const 67108863) (i32.and (local.get $i) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $limbs (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.eqz (local.get $max)))

  ;; 1 when the element at a is zero mod p
  (func $isZero (param $a i32) (result i32)
    (local $i i32) (local $any i64)
    (call $reduce (global.get $T2) (local.get $a))
    (loop $limbs
      (local.set $any (i64.or (local.get $any) (i64.load (i32.add (global.get $T2) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $limbs (i32.lt_u (local.get $i) (i32.const 10))))
    (i64.eqz (local.get $any)))

  ;; The accumulator = sum of x^i P_i over the count points at $points (extended, 320 bytes each), its
  ;; coordinates canonical, by Horner's rule: acc = acc x + P_i from the last point down. x is given by its signed binary digits at
  ;; $DIGITS, most significant first (the first is 1), as ndigits i32s of -1, 0 or 1.
  (func (export "horner") (param $points i32) (param $count i32) (param $ndigits i32)
    (local $i i32) (local $d i32) (local $digit i32)
    (local.set $i (i32.sub (local.get $count) (i32.const 1)))
    (memory.copy (global.get $ACC) (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 320))) (i32.const 320))
    (block $done
      (loop $terms
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        ;; acc = x acc, doubling and adding or subtracting the acc it started from
        (call $toCached (global.get $BASE) (global.get $ACC))
        (local.set $d (i32.const 1))
        (block $scaled
          (loop $digits
            (br_if $scaled (i32.ge_u (local.get $d) (local.get $ndigits)))
            (call $double (global.get $ACC))
            (local.set $digit (i32.load (i32.add (global.get $DIGITS) (i32.shl (local.get $d) (i32.const 2)))))
            (if (local.get $digit) (then (call $addCached (global.get $ACC) (global.get $BASE) (i32.lt_s (local.get $digit) (i32.const 0)))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $digits)))
        (call $toCached (global.get $ADDEND) (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 320))))
        (call $addCached (global.get $ACC) (global.get $ADDEND) (i32.const 0))
        (br $terms)))
    ;; each coordinate canonical, for ed25519.ts to read
    (call $reduce (global.get $ACC) (global.get $ACC))
    (call $reduce (i32.add (global.get $ACC) (i32.const 80)) (i32.add (global.get $ACC) (i32.const 80)))
    (call $reduce (i32.add (global.get $ACC) (i32.const 160)) (i32.add (global.get $ACC) (i32.const 160)))
    (call $reduce (i32.add (global.get $ACC) (i32.const 240)) (i32.add (global.get $ACC) (i32.const 240))))

  ;; The table of j 16^i B, each entry built from the one before it, and 16^(i + 1) B from 8 16^i B.
  (func (export "init")
    (local $entry i32) (local $first i32) (local $j i32)
    (memory.copy (global.get $R) (global.get $BASE_POINT) (i32.const 320))
    (local.set $entry (global.get $TABLE))
    (loop $powers
      ;; R = 16^i B: its multiples 1 to 8, R = 8 16^i B after them
      (local.set $first (local.get $entry))
      (call $toCached (local.get $first) (global.get $R))
      (local.set $j (i32.const 1))
      (loop $multiples
        (call $addCached (global.get $R) (local.get $first) (i32.const 0))
        (local.set $entry (i32.add (local.get $entry) (i32.const 320)))
        (call $toCached (local.get $entry) (global.get $R))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $multiples (i32.lt_u (local.get $j) (i32.const 8))))
      (call $double (global.get $R))
      (local.set $entry (i32.add (local.get $entry) (i32.const 320)))
      (br_if $powers (i32.lt_u (local.get $entry) (i32.add (global.get $TABLE) (i32.const 163840))))))

  ;; 1 when 8 (s B - the accumulator) is the identity, for the scalar s < 2^255 at $SCALAR (32 bytes,
  ;; little-endian): s B as the sum of d_i 16^i B over its signed digits d_i in [-8, 8), from the table.
  (func (export "commits") (result i32)
    (local $i i32) (local $digit i32) (local $carry i32) (local $byte i32)
    ;; the digits, as ref10's ge_scalarmult_base takes them
    (loop $bytes
      (local.set $byte (i32.load8_u (i32.add (global.get $SCALAR) (local.get $i))))
      (i32.store (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 3))) (i32.and (local.get $byte) (i32.const 15)))
      (i32.store offset=4 (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 3))) (i32.shr_u (local.get $byte) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $i) (i32.const 32))))
    (local.set $i (i32.const 0))
    (loop $carries
      (local.set $digit (i32.add (i32.load (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 2)))) (local.get $carry)))
      (local.set $carry (i32.shr_s (i32.add (local.get $digit) (i32.const 8)) (i32.const 4)))
      (i32.store (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 2))) (i32.sub (local.get $digit) (i32.shl (local.get $carry) (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $carries (i32.lt_u (local.get $i) (i32.const 63))))
    (i32.store offset=252 (global.get $SCALAR_DIGITS) (i32.add (i32.load offset=252 (global.get $SCALAR_DIGITS)) (local.get $carry)))
    ;; R = the identity (0 : 1 : 1 : 0), then s B
    (memory.fill (global.get $R) (i32.const 0) (i32.const 320))
    (i64.store offset=80 (global.get $R) (i64.const 1))
    (i64.store offset=160 (global.get $R) (i64.const 1))
    (local.set $i (i32.const 0))
    (loop $terms
      (local.set $digit (i32.load (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 2)))))
      (if (local.get $digit)
        (then
          (call $addCached (global.get $R)
            (i32.add (global.get $TABLE) (i32.mul (i32.add (i32.shl (local.get $i) (i32.const 3))
              (i32.sub (select (i32.sub (i32.const 0) (local.get $digit)) (local.get $digit) (i32.lt_s (local.get $digit) (i32.const 0))) (i32.const 1)))
              (i32.const 320)))
            (i32.lt_s (local.get $digit) (i32.const 0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $terms (i32.lt_u (local.get $i) (i32.const 64))))
    ;; R = 8 (s B - accumulator), of order dividing l: of the two points with x = 0, the identity (0, 1)
    ;; and (0, -1) of order 2, it can only be the first, so X = 0 says it is the identity
    (call $toCached (global.get $ADDEND) (global.get $ACC))
    (call $addCached (global.get $R) (global.get $ADDEND) (i32.const 1))
    (call $double (global.get $R))
    (call $double (global.get $R))
    (call $double (global.get $R))
    (call $isZero (global.get $R)))

  ;; c = (Y - X, Y + X, 2Z, 2dT) of the extended point at p
  (func $toCached (param $c i32) (param $p i32)
    (call $sub (local.get $c) (i32.add (local.get $p) (i32.const 80)) (local.get $p))
    (call $add (i32.add (local.get $c) (i32.const 80)) (i32.add (local.get $p) (i32.const 80)) (local.get $p))
    (call $add (i32.add (local.get $c) (i32.const 160)) (i32.add (local.get $p) (i32.const 160)) (i32.add (local.get $p) (i32.const 160)))
    (call $mul (i32.add (local.get $c) (i32.const 240)) (i32.add (local.get $p) (i32.const 240)) (global.get $D2)))

  ;; p = 2p, in place (Hisil, Wong, Carter and Dawson 2008, "dbl-2008-hwcd" with a = -1):
  ;; A = X^2, B = Y^2, C = 2Z^2, E = (X + Y)^2 - A - B, G = B - A, F = G - C, H = -A - B;
  ;; X = E F, Y = G H, T = E H, Z = F G. Sizes: E 3, F 4, G 2, H 2.
  (func $double (param $p i32)
    (local $y i32) (local $z i32) (local $t i32)
    (local.set $y (i32.add (local.get $p) (i32.const 80)))
    (local.set $z (i32.add (local.get $p) (i32.const 160)))
    (local.set $t (i32.add (local.get $p) (i32.const 240)))
    (call $mul (global.get $A) (local.get $p) (local.get $p))
    (call $mul (global.get $B) (local.get $y) (local.get $y))
    (call $mul (global.get $C) (local.get $z) (local.get $z))
    (call $add (global.get $C) (global.get $C) (global.get $C))
    (call $add (global.get $E) (local.get $p) (local.get $y))
    (call $mul (global.get $E) (global.get $E) (global.get $E))
    (call $sub (global.get $E) (global.get $E) (global.get $A))
    (call $sub (global.get $E) (global.get $E) (global.get $B))
    (call $sub (global.get $G) (global.get $B) (global.get $A))
    (call $sub (global.get $F) (global.get $G) (global.get $C))
    (call $sub (global.get $H) (global.get $ZERO) (global.get $A))
    (call $sub (global.get $H) (global.get $H) (global.get $B))
    (call $mul (local.get $p) (global.get $E) (global.get $F))
    (call $mul (local.get $y) (global.get $G) (global.get $H))
    (call $mul (local.get $t) (global.get $E) (global.get $H))
    (call $mul (local.get $z) (global.get $F) (global.get $G)))

  ;; p = p + q, or p - q when $negate, for the cached point at c ("add-2008-hwcd-3", k = 2d):
  ;; A = (Y1 - X1)(Y2 - X2), B = (Y1 + X1)(Y2 + X2), C = T1 2d T2, D = Z1 2 Z2, E = B - A, F = D - C,
  ;; G = D + C, H = B + A; X = E F, Y = G H, T = E H, Z = F G. -q is (-X2, Y2, Z2, -T2): its Y2 - X2
  ;; and Y2 + X2 swap and C changes sign. Sizes: at most 4 (from decoded coordinates) times 4.
  (func $addCached (param $p i32) (param $c i32) (param $negate i32)
    (local $y i32) (local $z i32) (local $t i32) (local $minus i32) (local $plus i32)
    (local.set $y (i32.add (local.get $p) (i32.const 80)))
    (local.set $z (i32.add (local.get $p) (i32.const 160)))
    (local.set $t (i32.add (local.get $p) (i32.const 240)))
    (local.set $minus (select (i32.add (local.get $c) (i32.const 80)) (local.get $c) (local.get $negate)))
    (local.set $plus (select (local.get $c) (i32.add (local.get $c) (i32.const 80)) (local.get $negate)))
    (call $sub (global.get $T1) (local.get $y) (local.get $p))
    (call $mul (global.get $A) (global.get $T1) (local.get $minus))
    (call $add (global.get $T1) (local.get $y) (local.get $p))
    (call $mul (global.get $B) (global.get $T1) (local.get $plus))
    (call $mul (global.get $C) (local.get $t) (i32.add (local.get $c) (i32.const 240)))
    (call $mul (global.get $T2) (local.get $z) (i32.add (local.get $c) (i32.const 160)))
    (call $sub (global.get $E) (global.get $B) (global.get $A))
    (call $add (global.get $H) (global.get $B) (global.get $A))
    (if (local.get $negate)
      (then
        (call $add (global.get $F) (global.get $T2) (global.get $C))
        (call $sub (global.get $G) (global.get $T2) (global.get $C)))
      (else
        (call $sub (global.get $F) (global.get $T2) (global.get $C))
        (call $add (global.get $G) (global.get $T2) (global.get $C))))
    (call $mul (local.get $p) (global.get $E) (global.get $F))
    (call $mul (local.get $y) (global.get $G) (global.get $H))
    (call $mul (local.get $t) (global.get $E) (global.get $H))
    (call $mul (local.get $z) (global.get $F) (global.get $G)))

  ;; Field arithmetic. out may be a or b. Products and full reductions follow ref10's fe_mul and
  ;; fe_tobytes: the ten sums of products (times 19 where a limb passes 2^255, times 2 where two
  ;; odd limbs' half bits meet), then carries rounded to the nearest, limb 9's back into limb 0 times 19.

  ;; out = a b, reduced to size 1
  (func $mul (param $out i32) (param $a i32) (param $b i32)
    (local $f0 i64) (local $f1 i64) (local $f2 i64) (local $f3 i64) (local $f4 i64) (local $f5 i64) (local $f6 i64) (local $f7 i64) (local $f8 i64) (local $f9 i64)
    (local $g0 i64) (local $g1 i64) (local $g2 i64) (local $g3 i64) (local $g4 i64) (local $g5 i64) (local $g6 i64) (local $g7 i64) (local $g8 i64) (local $g9 i64)
    (local $f1x2 i64) (local $f3x2 i64) (local $f5x2 i64) (local $f7x2 i64) (local $f9x2 i64)
    (local $g1x19 i64) (local $g2x19 i64) (local $g3x19 i64) (local $g4x19 i64) (local $g5x19 i64) (local $g6x19 i64) (local $g7x19 i64) (local $g8x19 i64) (local $g9x19 i64)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64) (local $h5 i64) (local $h6 i64) (local $h7 i64) (local $h8 i64) (local $h9 i64) (local $c i64)
    (local.set $f0 (i64.load offset=0 (local.get $a)))
    (local.set $f1 (i64.load offset=8 (local.get $a)))
    (local.set $f2 (i64.load offset=16 (local.get $a)))
    (local.set $f3 (i64.load offset=24 (local.get $a)))
    (local.set $f4 (i64.load offset=32 (local.get $a)))
    (local.set $f5 (i64.load offset=40 (local.get $a)))
    (local.set $f6 (i64.load offset=48 (local.get $a)))
    (local.set $f7 (i64.load offset=56 (local.get $a)))
    (local.set $f8 (i64.load offset=64 (local.get $a)))
    (local.set $f9 (i64.load offset=72 (local.get $a)))
    (local.set $g0 (i64.load offset=0 (local.get $b)))
    (local.set $g1 (i64.load offset=8 (local.get $b)))
    (local.set $g2 (i64.load offset=16 (local.get $b)))
    (local.set $g3 (i64.load offset=24 (local.get $b)))
    (local.set $g4 (i64.load offset=32 (local.get $b)))
    (local.set $g5 (i64.load offset=40 (local.get $b)))
    (local.set $g6 (i64.load offset=48 (local.get $b)))
    (local.set $g7 (i64.load offset=56 (local.get $b)))
    (local.set $g8 (i64.load offset=64 (local.get $b)))
    (local.set $g9 (i64.load offset=72 (local.get $b)))
    (local.set $f1x2 (i64.shl (local.get $f1) (i64.const 1)))
    (local.set $f3x2 (i64.shl (local.get $f3) (i64.const 1)))
    (local.set $f5x2 (i64.shl (local.get $f5) (i64.const 1)))
    (local.set $f7x2 (i64.shl (local.get $f7) (i64.const 1)))
    (local.set $f9x2 (i64.shl (local.get $f9) (i64.const 1)))
    (local.set $g1x19 (i64.mul (local.get $g1) (i64.const 19)))
    (local.set $g2x19 (i64.mul (local.get $g2) (i64.const 19)))
    (local.set $g3x19 (i64.mul (local.get $g3) (i64.const 19)))
    (local.set $g4x19 (i64.mul (local.get $g4) (i64.const 19)))
    (local.set $g5x19 (i64.mul (local.get $g5) (i64.const 19)))
    (local.set $g6x19 (i64.mul (local.get $g6) (i64.const 19)))
    (local.set $g7x19 (i64.mul (local.get $g7) (i64.const 19)))
    (local.set $g8x19 (i64.mul (local.get $g8) (i64.const 19)))
    (local.set $g9x19 (i64.mul (local.get $g9) (i64.const 19)))
    (local.set $h0
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g0)) (i64.mul (local.get $f1x2) (local.get $g9x19))) (i64.mul (local.get $f2) (local.get $g8x19))) (i64.mul (local.get $f3x2) (local.get $g7x19))) (i64.mul (local.get $f4) (local.get $g6x19))) (i64.mul (local.get $f5x2) (local.get $g5x19))) (i64.mul (local.get $f6) (local.get $g4x19))) (i64.mul (local.get $f7x2) (local.get $g3x19))) (i64.mul (local.get $f8) (local.get $g2x19))) (i64.mul (local.get $f9x2) (local.get $g1x19))))
    (local.set $h1
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g1)) (i64.mul (local.get $f1) (local.get $g0))) (i64.mul (local.get $f2) (local.get $g9x19))) (i64.mul (local.get $f3) (local.get $g8x19))) (i64.mul (local.get $f4) (local.get $g7x19))) (i64.mul (local.get $f5) (local.get $g6x19))) (i64.mul (local.get $f6) (local.get $g5x19))) (i64.mul (local.get $f7) (local.get $g4x19))) (i64.mul (local.get $f8) (local.get $g3x19))) (i64.mul (local.get $f9) (local.get $g2x19))))
    (local.set $h2
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g2)) (i64.mul (local.get $f1x2) (local.get $g1))) (i64.mul (local.get $f2) (local.get $g0))) (i64.mul (local.get $f3x2) (local.get $g9x19))) (i64.mul (local.get $f4) (local.get $g8x19))) (i64.mul (local.get $f5x2) (local.get $g7x19))) (i64.mul (local.get $f6) (local.get $g6x19))) (i64.mul (local.get $f7x2) (local.get $g5x19))) (i64.mul (local.get $f8) (local.get $g4x19))) (i64.mul (local.get $f9x2) (local.get $g3x19))))
    (local.set $h3
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g3)) (i64.mul (local.get $f1) (local.get $g2))) (i64.mul (local.get $f2) (local.get $g1))) (i64.mul (local.get $f3) (local.get $g0))) (i64.mul (local.get $f4) (local.get $g9x19))) (i64.mul (local.get $f5) (local.get $g8x19))) (i64.mul (local.get $f6) (local.get $g7x19))) (i64.mul (local.get $f7) (local.get $g6x19))) (i64.mul (local.get $f8) (local.get $g5x19))) (i64.mul (local.get $f9) (local.get $g4x19))))
    (local.set $h4
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g4)) (i64.mul (local.get $f1x2) (local.get $g3))) (i64.mul (local.get $f2) (local.get $g2))) (i64.mul (local.get $f3x2) (local.get $g1))) (i64.mul (local.get $f4) (local.get $g0))) (i64.mul (local.get $f5x2) (local.get $g9x19))) (i64.mul (local.get $f6) (local.get $g8x19))) (i64.mul (local.get $f7x2) (local.get $g7x19))) (i64.mul (local.get $f8) (local.get $g6x19))) (i64.mul (local.get $f9x2) (local.get $g5x19))))
    (local.set $h5
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g5)) (i64.mul (local.get $f1) (local.get $g4))) (i64.mul (local.get $f2) (local.get $g3))) (i64.mul (local.get $f3) (local.get $g2))) (i64.mul (local.get $f4) (local.get $g1))) (i64.mul (local.get $f5) (local.get $g0))) (i64.mul (local.get $f6) (local.get $g9x19))) (i64.mul (local.get $f7) (local.get $g8x19))) (i64.mul (local.get $f8) (local.get $g7x19))) (i64.mul (local.get $f9) (local.get $g6x19))))
    (local.set $h6
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g6)) (i64.mul (local.get $f1x2) (local.get $g5))) (i64.mul (local.get $f2) (local.get $g4))) (i64.mul (local.get $f3x2) (local.get $g3))) (i64.mul (local.get $f4) (local.get $g2))) (i64.mul (local.get $f5x2) (local.get $g1))) (i64.mul (local.get $f6) (local.get $g0))) (i64.mul (local.get $f7x2) (local.get $g9x19))) (i64.mul (local.get $f8) (local.get $g8x19))) (i64.mul (local.get $f9x2) (local.get $g7x19))))
    (local.set $h7
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g7)) (i64.mul (local.get $f1) (local.get $g6))) (i64.mul (local.get $f2) (local.get $g5))) (i64.mul (local.get $f3) (local.get $g4))) (i64.mul (local.get $f4) (local.get $g3))) (i64.mul (local.get $f5) (local.get $g2))) (i64.mul (local.get $f6) (local.get $g1))) (i64.mul (local.get $f7) (local.get $g0))) (i64.mul (local.get $f8) (local.get $g9x19))) (i64.mul (local.get $f9) (local.get $g8x19))))
    (local.set $h8
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g8)) (i64.mul (local.get $f1x2) (local.get $g7))) (i64.mul (local.get $f2) (local.get $g6))) (i64.mul (local.get $f3x2) (local.get $g5))) (i64.mul (local.get $f4) (local.get $g4))) (i64.mul (local.get $f5x2) (local.get $g3))) (i64.mul (local.get $f6) (local.get $g2))) (i64.mul (local.get $f7x2) (local.get $g1))) (i64.mul (local.get $f8) (local.get $g0))) (i64.mul (local.get $f9x2) (local.get $g9x19))))
    (local.set $h9
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $g9)) (i64.mul (local.get $f1) (local.get $g8))) (i64.mul (local.get $f2) (local.get $g7))) (i64.mul (local.get $f3) (local.get $g6))) (i64.mul (local.get $f4) (local.get $g5))) (i64.mul (local.get $f5) (local.get $g4))) (i64.mul (local.get $f6) (local.get $g3))) (i64.mul (local.get $f7) (local.get $g2))) (i64.mul (local.get $f8) (local.get $g1))) (i64.mul (local.get $f9) (local.get $g0))))
    (local.set $c (i64.shr_s (i64.add (local.get $h0) (i64.const 33554432)) (i64.const 26)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $h0 (i64.sub (local.get $h0) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h4) (i64.const 33554432)) (i64.const 26)))
    (local.set $h5 (i64.add (local.get $h5) (local.get $c)))
    (local.set $h4 (i64.sub (local.get $h4) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h1) (i64.const 16777216)) (i64.const 25)))
    (local.set $h2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $h1 (i64.sub (local.get $h1) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h5) (i64.const 16777216)) (i64.const 25)))
    (local.set $h6 (i64.add (local.get $h6) (local.get $c)))
    (local.set $h5 (i64.sub (local.get $h5) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h2) (i64.const 33554432)) (i64.const 26)))
    (local.set $h3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $h2 (i64.sub (local.get $h2) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h6) (i64.const 33554432)) (i64.const 26)))
    (local.set $h7 (i64.add (local.get $h7) (local.get $c)))
    (local.set $h6 (i64.sub (local.get $h6) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h3) (i64.const 16777216)) (i64.const 25)))
    (local.set $h4 (i64.add (local.get $h4) (local.get $c)))
    (local.set $h3 (i64.sub (local.get $h3) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h7) (i64.const 16777216)) (i64.const 25)))
    (local.set $h8 (i64.add (local.get $h8) (local.get $c)))
    (local.set $h7 (i64.sub (local.get $h7) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h4) (i64.const 33554432)) (i64.const 26)))
    (local.set $h5 (i64.add (local.get $h5) (local.get $c)))
    (local.set $h4 (i64.sub (local.get $h4) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h8) (i64.const 33554432)) (i64.const 26)))
    (local.set $h9 (i64.add (local.get $h9) (local.get $c)))
    (local.set $h8 (i64.sub (local.get $h8) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h9) (i64.const 16777216)) (i64.const 25)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 19))))
    (local.set $h9 (i64.sub (local.get $h9) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h0) (i64.const 33554432)) (i64.const 26)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $h0 (i64.sub (local.get $h0) (i64.shl (local.get $c) (i64.const 26))))
    (i64.store offset=0 (local.get $out) (local.get $h0))
    (i64.store offset=8 (local.get $out) (local.get $h1))
    (i64.store offset=16 (local.get $out) (local.get $h2))
    (i64.store offset=24 (local.get $out) (local.get $h3))
    (i64.store offset=32 (local.get $out) (local.get $h4))
    (i64.store offset=40 (local.get $out) (local.get $h5))
    (i64.store offset=48 (local.get $out) (local.get $h6))
    (i64.store offset=56 (local.get $out) (local.get $h7))
    (i64.store offset=64 (local.get $out) (local.get $h8))
    (i64.store offset=72 (local.get $out) (local.get $h9)))

  ;; out = the canonical limbs of a (in [0, p)), for any limbs of at most 2^62
  (func $reduce (param $out i32) (param $in i32)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64) (local $h5 i64) (local $h6 i64) (local $h7 i64) (local $h8 i64) (local $h9 i64) (local $c i64) (local $q i64)
    (local.set $h0 (i64.load offset=0 (local.get $in)))
    (local.set $h1 (i64.load offset=8 (local.get $in)))
    (local.set $h2 (i64.load offset=16 (local.get $in)))
    (local.set $h3 (i64.load offset=24 (local.get $in)))
    (local.set $h4 (i64.load offset=32 (local.get $in)))
    (local.set $h5 (i64.load offset=40 (local.get $in)))
    (local.set $h6 (i64.load offset=48 (local.get $in)))
    (local.set $h7 (i64.load offset=56 (local.get $in)))
    (local.set $h8 (i64.load offset=64 (local.get $in)))
    (local.set $h9 (i64.load offset=72 (local.get $in)))
    (local.set $c (i64.shr_s (i64.add (local.get $h0) (i64.const 33554432)) (i64.const 26)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $h0 (i64.sub (local.get $h0) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h4) (i64.const 33554432)) (i64.const 26)))
    (local.set $h5 (i64.add (local.get $h5) (local.get $c)))
    (local.set $h4 (i64.sub (local.get $h4) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h1) (i64.const 16777216)) (i64.const 25)))
    (local.set $h2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $h1 (i64.sub (local.get $h1) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h5) (i64.const 16777216)) (i64.const 25)))
    (local.set $h6 (i64.add (local.get $h6) (local.get $c)))
    (local.set $h5 (i64.sub (local.get $h5) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h2) (i64.const 33554432)) (i64.const 26)))
    (local.set $h3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $h2 (i64.sub (local.get $h2) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h6) (i64.const 33554432)) (i64.const 26)))
    (local.set $h7 (i64.add (local.get $h7) (local.get $c)))
    (local.set $h6 (i64.sub (local.get $h6) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h3) (i64.const 16777216)) (i64.const 25)))
    (local.set $h4 (i64.add (local.get $h4) (local.get $c)))
    (local.set $h3 (i64.sub (local.get $h3) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h7) (i64.const 16777216)) (i64.const 25)))
    (local.set $h8 (i64.add (local.get $h8) (local.get $c)))
    (local.set $h7 (i64.sub (local.get $h7) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h4) (i64.const 33554432)) (i64.const 26)))
    (local.set $h5 (i64.add (local.get $h5) (local.get $c)))
    (local.set $h4 (i64.sub (local.get $h4) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h8) (i64.const 33554432)) (i64.const 26)))
    (local.set $h9 (i64.add (local.get $h9) (local.get $c)))
    (local.set $h8 (i64.sub (local.get $h8) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (i64.add (local.get $h9) (i64.const 16777216)) (i64.const 25)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 19))))
    (local.set $h9 (i64.sub (local.get $h9) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (i64.add (local.get $h0) (i64.const 33554432)) (i64.const 26)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $h0 (i64.sub (local.get $h0) (i64.shl (local.get $c) (i64.const 26))))
    ;; q = 1 exactly when the value, now in (-p, 2p), is at least p; then the value minus qp, carried
    (local.set $q (i64.shr_s (i64.add (i64.mul (local.get $h9) (i64.const 19)) (i64.const 16777216)) (i64.const 25)))
    (local.set $q (i64.shr_s (i64.add (local.get $h0) (local.get $q)) (i64.const 26)))
    (local.set $q (i64.shr_s (i64.add (local.get $h1) (local.get $q)) (i64.const 25)))
    (local.set $q (i64.shr_s (i64.add (local.get $h2) (local.get $q)) (i64.const 26)))
    (local.set $q (i64.shr_s (i64.add (local.get $h3) (local.get $q)) (i64.const 25)))
    (local.set $q (i64.shr_s (i64.add (local.get $h4) (local.get $q)) (i64.const 26)))
    (local.set $q (i64.shr_s (i64.add (local.get $h5) (local.get $q)) (i64.const 25)))
    (local.set $q (i64.shr_s (i64.add (local.get $h6) (local.get $q)) (i64.const 26)))
    (local.set $q (i64.shr_s (i64.add (local.get $h7) (local.get $q)) (i64.const 25)))
    (local.set $q (i64.shr_s (i64.add (local.get $h8) (local.get $q)) (i64.const 26)))
    (local.set $q (i64.shr_s (i64.add (local.get $h9) (local.get $q)) (i64.const 25)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $q) (i64.const 19))))
    (local.set $c (i64.shr_s (local.get $h0) (i64.const 26)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $h0 (i64.sub (local.get $h0) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (local.get $h1) (i64.const 25)))
    (local.set $h2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $h1 (i64.sub (local.get $h1) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (local.get $h2) (i64.const 26)))
    (local.set $h3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $h2 (i64.sub (local.get $h2) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (local.get $h3) (i64.const 25)))
    (local.set $h4 (i64.add (local.get $h4) (local.get $c)))
    (local.set $h3 (i64.sub (local.get $h3) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (local.get $h4) (i64.const 26)))
    (local.set $h5 (i64.add (local.get $h5) (local.get $c)))
    (local.set $h4 (i64.sub (local.get $h4) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (local.get $h5) (i64.const 25)))
    (local.set $h6 (i64.add (local.get $h6) (local.get $c)))
    (local.set $h5 (i64.sub (local.get $h5) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (local.get $h6) (i64.const 26)))
    (local.set $h7 (i64.add (local.get $h7) (local.get $c)))
    (local.set $h6 (i64.sub (local.get $h6) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $c (i64.shr_s (local.get $h7) (i64.const 25)))
    (local.set $h8 (i64.add (local.get $h8) (local.get $c)))
    (local.set $h7 (i64.sub (local.get $h7) (i64.shl (local.get $c) (i64.const 25))))
    (local.set $c (i64.shr_s (local.get $h8) (i64.const 26)))
    (local.set $h9 (i64.add (local.get $h9) (local.get $c)))
    (local.set $h8 (i64.sub (local.get $h8) (i64.shl (local.get $c) (i64.const 26))))
    (local.set $h9 (i64.and (local.get $h9) (i64.const 33554431)))
    (i64.store offset=0 (local.get $out) (local.get $h0))
    (i64.store offset=8 (local.get $out) (local.get $h1))
    (i64.store offset=16 (local.get $out) (local.get $h2))
    (i64.store offset=24 (local.get $out) (local.get $h3))
    (i64.store offset=32 (local.get $out) (local.get $h4))
    (i64.store offset=40 (local.get $out) (local.get $h5))
    (i64.store offset=48 (local.get $out) (local.get $h6))
    (i64.store offset=56 (local.get $out) (local.get $h7))
    (i64.store offset=64 (local.get $out) (local.get $h8))
    (i64.store offset=72 (local.get $out) (local.get $h9)))

  ;; out = the 32 little-endian bytes at src as limbs, bits 255 and up ignored
  (func $parse (param $out i32) (param $src i32)
    (i64.store offset=0 (local.get $out) (i64.and (i64.shr_u (i64.load offset=0 (local.get $src)) (i64.const 0)) (i64.const 67108863)))
    (i64.store offset=8 (local.get $out) (i64.and (i64.shr_u (i64.load offset=3 (local.get $src)) (i64.const 2)) (i64.const 33554431)))
    (i64.store offset=16 (local.get $out) (i64.and (i64.shr_u (i64.load offset=6 (local.get $src)) (i64.const 3)) (i64.const 67108863)))
    (i64.store offset=24 (local.get $out) (i64.and (i64.shr_u (i64.load offset=9 (local.get $src)) (i64.const 5)) (i64.const 33554431)))
    (i64.store offset=32 (local.get $out) (i64.and (i64.shr_u (i64.load offset=12 (local.get $src)) (i64.const 6)) (i64.const 67108863)))
    (i64.store offset=40 (local.get $out) (i64.and (i64.shr_u (i64.load offset=16 (local.get $src)) (i64.const 0)) (i64.const 33554431)))
    (i64.store offset=48 (local.get $out) (i64.and (i64.shr_u (i64.load offset=19 (local.get $src)) (i64.const 1)) (i64.const 67108863)))
    (i64.store offset=56 (local.get $out) (i64.and (i64.shr_u (i64.load offset=22 (local.get $src)) (i64.const 3)) (i64.const 33554431)))
    (i64.store offset=64 (local.get $out) (i64.and (i64.shr_u (i64.load offset=25 (local.get $src)) (i64.const 4)) (i64.const 67108863)))
    (i64.store offset=72 (local.get $out) (i64.and (i64.shr_u (i64.load offset=28 (local.get $src)) (i64.const 6)) (i64.const 33554431))))

  ;; out = a + b and out = a - b, limb by limb
  (func $add (param $out i32) (param $a i32) (param $b i32)
    (i64.store offset=0 (local.get $out) (i64.add (i64.load offset=0 (local.get $a)) (i64.load offset=0 (local.get $b))))
    (i64.store offset=8 (local.get $out) (i64.add (i64.load offset=8 (local.get $a)) (i64.load offset=8 (local.get $b))))
    (i64.store offset=16 (local.get $out) (i64.add (i64.load offset=16 (local.get $a)) (i64.load offset=16 (local.get $b))))
    (i64.store offset=24 (local.get $out) (i64.add (i64.load offset=24 (local.get $a)) (i64.load offset=24 (local.get $b))))
    (i64.store offset=32 (local.get $out) (i64.add (i64.load offset=32 (local.get $a)) (i64.load offset=32 (local.get $b))))
    (i64.store offset=40 (local.get $out) (i64.add (i64.load offset=40 (local.get $a)) (i64.load offset=40 (local.get $b))))
    (i64.store offset=48 (local.get $out) (i64.add (i64.load offset=48 (local.get $a)) (i64.load offset=48 (local.get $b))))
    (i64.store offset=56 (local.get $out) (i64.add (i64.load offset=56 (local.get $a)) (i64.load offset=56 (local.get $b))))
    (i64.store offset=64 (local.get $out) (i64.add (i64.load offset=64 (local.get $a)) (i64.load offset=64 (local.get $b))))
    (i64.store offset=72 (local.get $out) (i64.add (i64.load offset=72 (local.get $a)) (i64.load offset=72 (local.get $b)))))

  (func $sub (param $out i32) (param $a i32) (param $b i32)
    (i64.store offset=0 (local.get $out) (i64.sub (i64.load offset=0 (local.get $a)) (i64.load offset=0 (local.get $b))))
    (i64.store offset=8 (local.get $out) (i64.sub (i64.load offset=8 (local.get $a)) (i64.load offset=8 (local.get $b))))
    (i64.store offset=16 (local.get $out) (i64.sub (i64.load offset=16 (local.get $a)) (i64.load offset=16 (local.get $b))))
    (i64.store offset=24 (local.get $out) (i64.sub (i64.load offset=24 (local.get $a)) (i64.load offset=24 (local.get $b))))
    (i64.store offset=32 (local.get $out) (i64.sub (i64.load offset=32 (local.get $a)) (i64.load offset=32 (local.get $b))))
    (i64.store offset=40 (local.get $out) (i64.sub (i64.load offset=40 (local.get $a)) (i64.load offset=40 (local.get $b))))
    (i64.store offset=48 (local.get $out) (i64.sub (i64.load offset=48 (local.get $a)) (i64.load offset=48 (local.get $b))))
    (i64.store offset=56 (local.get $out) (i64.sub (i64.load offset=56 (local.get $a)) (i64.load offset=56 (local.get $b))))
    (i64.store offset=64 (local.get $out) (i64.sub (i64.load offset=64 (local.get $a)) (i64.load offset=64 (local.get $b))))
    (i64.store offset=72 (local.get $out) (i64.sub (i64.load offset=72 (local.get $a)) (i64.load offset=72 (local.get $b)))))
)
