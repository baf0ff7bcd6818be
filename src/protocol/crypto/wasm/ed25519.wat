;; Point arithmetic on the ed25519 curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19), for the
;; Feldman share checks (feldman.ts): the decoding and curve check of a dealer's commitments C_i, the
;; sum of x^i C_i by Horner's rule in a small x, and the check that 8 (s B - that sum) is the identity;
;; and for the X25519 keys a complaint must be able to prove a secret with, that they are not on the twist.
;; @noble/curves does the same with BigInt, about 5 us a point operation on the 2-core machine; here a
;; field element is ten signed 64-bit limbs of alternately 26 and 25 bits (radix 2^25.5, as in the ref10
;; code of Bernstein et al.), so a product is 100 64-bit multiplications and no division, and a
;; square 55 (half of a doubling's products are squares).
;;
;; Bounds. A product's output limbs are at most about 2^25 (even limbs) and 2^24 (odd ones) in
;; magnitude; call that size 1. A sum or difference of a and b has the size of a's plus b's. A product
;; of sizes s and r sums ten terms per limb, the largest 2^50 s r (1 + 4 x 19 + 5 x 38 / 4) < 2^57 s r,
;; which stays below 2^63 while s r <= 64 (a square's terms are a product's, paired). Decoded
;; coordinates, canonical and non-negative, have size 2. The largest products formed have sizes 4 and 4:
;; sums and differences of decoded coordinates.
;;
;; Compiled by scripts/build-wasm.mjs (wabt) into ed25519-module.ts; the fast tier rebuilds it and
;; compares, and checks it against @noble/curves (test/protocol/crypto/ed25519-wasm.test.ts).
;; ed25519.ts writes the constants and the inputs.
(module
  (memory (export "memory") 3)

  ;; Byte offsets. Field elements are 80 bytes; extended points (X : Y : Z : T), with x = X/Z,
  ;; y = Y/Z and XY = ZT, are four of them; so are cached points (Y - X, Y + X, 2Z, 2dT), an addend.
  ;; 0: 2d, 80: d, 160: zero, 960: one, 3840: 486662, 2000: the base point B (all written by
  ;; ed25519.ts); 240 to 960: temporaries; 1040: the accumulator (extended); 1360: its cached copy; 1680: the cached addend;
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
  (global $ONE i32 (i32.const 960))
  (global $MONTGOMERY_A i32 (i32.const 3840))

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
    (call $square (global.get $A) (local.get $x))
    (call $square (global.get $B) (local.get $y))
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
  ;; little-endian): s B as the sum of d_i 16^i B over its signed digits d_i, from the table, adding
  ;; only the nonzero ones (a holder's check of its share, variable-time as @noble/curves' was).
  (func (export "commits") (result i32)
    (local $i i32) (local $digit i32)
    (call $recode)
    (call $identity (global.get $R))
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

  ;; $R = s B, its coordinates canonical, for a secret scalar s < 2^255 at $SCALAR (a dealer's
  ;; coefficient): every digit's addition done, each table entry taken by scanning its whole row with
  ;; masks, so that neither the branches nor the memory read depend on s (ref10's ge_scalarmult_base).
  (func (export "base_multiply")
    (local $i i32)
    (call $recode)
    (call $identity (global.get $R))
    (loop $terms
      (call $select (global.get $ADDEND) (local.get $i) (i32.load (i32.add (global.get $SCALAR_DIGITS) (i32.shl (local.get $i) (i32.const 2)))))
      (call $addCached (global.get $R) (global.get $ADDEND) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $terms (i32.lt_u (local.get $i) (i32.const 64))))
    ;; the secret scalar, its digits and the last entry taken go; s B is the public commitment
    (memory.fill (global.get $SCALAR_DIGITS) (i32.const 0) (i32.const 288))
    (memory.fill (global.get $ADDEND) (i32.const 0) (i32.const 320))
    (call $reduce (global.get $R) (global.get $R))
    (call $reduce (i32.add (global.get $R) (i32.const 80)) (i32.add (global.get $R) (i32.const 80)))
    (call $reduce (i32.add (global.get $R) (i32.const 160)) (i32.add (global.get $R) (i32.const 160)))
    (call $reduce (i32.add (global.get $R) (i32.const 240)) (i32.add (global.get $R) (i32.const 240))))

  ;; The scalar at $SCALAR as 64 signed digits d_i in [-8, 8) (the last in [0, 8]) at $SCALAR_DIGITS,
  ;; s = sum of d_i 16^i, with no branch on its value (ref10's ge_scalarmult_base)
  (func $recode
    (local $i i32) (local $digit i32) (local $carry i32) (local $byte i32)
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
    (i32.store offset=252 (global.get $SCALAR_DIGITS) (i32.add (i32.load offset=252 (global.get $SCALAR_DIGITS)) (local.get $carry))))

  ;; p = the identity (0 : 1 : 1 : 0)
  (func $identity (param $p i32)
    (memory.fill (local.get $p) (i32.const 0) (i32.const 320))
    (i64.store offset=80 (local.get $p) (i64.const 1))
    (i64.store offset=160 (local.get $p) (i64.const 1)))

  ;; out = d 16^i B, cached, for a digit d in [-8, 8]: the identity's cached form (1, 1, 2, 0), each of
  ;; the row's eight entries moved in under a mask that is all ones for |d| alone, then negated (the
  ;; first two elements swapped, the last negated) under a mask that is all ones when d < 0.
  (func $select (param $out i32) (param $row i32) (param $digit i32)
    (local $negative i32) (local $magnitude i32) (local $j i32) (local $entry i32) (local $mask i64)
    (local $k i32) (local $a i64) (local $b i64) (local $t i64)
    (local.set $negative (i32.shr_u (local.get $digit) (i32.const 31)))
    (local.set $magnitude (i32.sub (local.get $digit)
      (i32.shl (i32.and (i32.sub (i32.const 0) (local.get $negative)) (local.get $digit)) (i32.const 1))))
    (memory.fill (local.get $out) (i32.const 0) (i32.const 320))
    (i64.store (local.get $out) (i64.const 1))
    (i64.store offset=80 (local.get $out) (i64.const 1))
    (i64.store offset=160 (local.get $out) (i64.const 2))
    (local.set $entry (i32.add (global.get $TABLE) (i32.mul (local.get $row) (i32.const 2560))))
    (local.set $j (i32.const 1))
    (loop $entries
      (local.set $mask (i64.sub (i64.const 0) (i64.extend_i32_u (i32.eq (local.get $magnitude) (local.get $j)))))
      (local.set $k (i32.const 0))
      (loop $limbs
        (local.set $a (i64.load (i32.add (local.get $out) (local.get $k))))
        (i64.store (i32.add (local.get $out) (local.get $k))
          (i64.xor (local.get $a) (i64.and (i64.xor (local.get $a) (i64.load (i32.add (local.get $entry) (local.get $k)))) (local.get $mask))))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br_if $limbs (i32.lt_u (local.get $k) (i32.const 320))))
      (local.set $entry (i32.add (local.get $entry) (i32.const 320)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $entries (i32.le_u (local.get $j) (i32.const 8))))
    (local.set $mask (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $negative))))
    (local.set $k (i32.const 0))
    (loop $negate
      (local.set $a (i64.load (i32.add (local.get $out) (local.get $k))))
      (local.set $b (i64.load offset=80 (i32.add (local.get $out) (local.get $k))))
      (local.set $t (i64.and (i64.xor (local.get $a) (local.get $b)) (local.get $mask)))
      (i64.store (i32.add (local.get $out) (local.get $k)) (i64.xor (local.get $a) (local.get $t)))
      (i64.store offset=80 (i32.add (local.get $out) (local.get $k)) (i64.xor (local.get $b) (local.get $t)))
      (local.set $a (i64.load offset=240 (i32.add (local.get $out) (local.get $k))))
      (i64.store offset=240 (i32.add (local.get $out) (local.get $k))
        (i64.xor (local.get $a) (i64.and (i64.xor (local.get $a) (i64.sub (i64.const 0) (local.get $a))) (local.get $mask))))
      (local.set $k (i32.add (local.get $k) (i32.const 8)))
      (br_if $negate (i32.lt_u (local.get $k) (i32.const 80)))))

  ;; 1 when the 32 bytes at src are the canonical u-coordinate of a point of the Montgomery curve
  ;; v^2 = u^3 + 486662 u^2 + u: when w = u^3 + 486662 u^2 + u is zero or a square, which is
  ;; w^((p - 1)/2) = w^(2^254 - 10) not being -1. These are the u whose Edwards point (x, y),
  ;; y = (u - 1)/(u + 1), exists (ed25519-group.ts's edwardsFromU): the one u the map leaves out, -1,
  ;; has w = 486660, not a square, so it is refused here too.
  (func (export "on_curve_u") (param $src i32) (result i32)
    (local $u i32)
    (local.set $u (global.get $T1))
    (if (i32.eqz (call $canonical (local.get $u) (local.get $src))) (then (return (i32.const 0))))
    ;; w = u ((u + 486662) u + 1)
    (call $add (global.get $A) (local.get $u) (global.get $MONTGOMERY_A))
    (call $mul (global.get $A) (global.get $A) (local.get $u))
    (call $add (global.get $A) (global.get $A) (global.get $ONE))
    (call $mul (global.get $A) (global.get $A) (local.get $u))
    (call $legendre (global.get $B) (global.get $A))
    (call $add (global.get $B) (global.get $B) (global.get $ONE))
    (i32.eqz (call $isZero (global.get $B))))

  ;; out = a^(2^254 - 10) = a^((p - 1)/2): 1, 0 or -1. ref10's chain to a^(2^250 - 1) (254 squares,
  ;; 11 products), then four squares and a^6. Uses $C to $H.
  (func $legendre (param $out i32) (param $a i32)
    ;; C = a^2, E = a^9, F = a^11, G = a^(2^5 - 1)
    (call $square (global.get $C) (local.get $a))
    (call $squares (global.get $E) (global.get $C) (i32.const 2))
    (call $mul (global.get $E) (global.get $E) (local.get $a))
    (call $mul (global.get $F) (global.get $C) (global.get $E))
    (call $square (global.get $G) (global.get $F))
    (call $mul (global.get $G) (global.get $G) (global.get $E))
    ;; E = a^(2^10 - 1), F = a^(2^20 - 1), then F = a^(2^40 - 1), F = a^(2^50 - 1) with G = a^(2^50 - 1) kept
    (call $squares (global.get $E) (global.get $G) (i32.const 5))
    (call $mul (global.get $E) (global.get $E) (global.get $G))
    (call $squares (global.get $F) (global.get $E) (i32.const 10))
    (call $mul (global.get $F) (global.get $F) (global.get $E))
    (call $squares (global.get $H) (global.get $F) (i32.const 20))
    (call $mul (global.get $F) (global.get $H) (global.get $F))
    (call $squares (global.get $F) (global.get $F) (i32.const 10))
    (call $mul (global.get $G) (global.get $F) (global.get $E))
    ;; F = a^(2^100 - 1), H = a^(2^200 - 1), then H = a^(2^250 - 1)
    (call $squares (global.get $F) (global.get $G) (i32.const 50))
    (call $mul (global.get $F) (global.get $F) (global.get $G))
    (call $squares (global.get $H) (global.get $F) (i32.const 100))
    (call $mul (global.get $H) (global.get $H) (global.get $F))
    (call $squares (global.get $H) (global.get $H) (i32.const 50))
    (call $mul (global.get $H) (global.get $H) (global.get $G))
    ;; out = a^(2^254 - 16) a^6
    (call $squares (local.get $out) (global.get $H) (i32.const 4))
    (call $square (global.get $E) (global.get $C))
    (call $mul (global.get $E) (global.get $E) (global.get $C))
    (call $mul (local.get $out) (local.get $out) (global.get $E)))

  ;; out = a^(2^n), n >= 1
  (func $squares (param $out i32) (param $a i32) (param $n i32)
    (call $square (local.get $out) (local.get $a))
    (loop $more
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (if (local.get $n)
        (then
          (call $square (local.get $out) (local.get $out))
          (br $more)))))

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
    (call $square (global.get $A) (local.get $p))
    (call $square (global.get $B) (local.get $y))
    (call $square (global.get $C) (local.get $z))
    (call $add (global.get $C) (global.get $C) (global.get $C))
    (call $add (global.get $E) (local.get $p) (local.get $y))
    (call $square (global.get $E) (global.get $E))
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

  ;; out = a^2, reduced to size 1: mul's products with each f_i f_j, i < j, taken once and doubled
  (func $square (param $out i32) (param $a i32)
    (local $f0 i64) (local $f1 i64) (local $f2 i64) (local $f3 i64) (local $f4 i64) (local $f5 i64) (local $f6 i64) (local $f7 i64) (local $f8 i64) (local $f9 i64)
    (local $f0x2 i64) (local $f1x2 i64) (local $f2x2 i64) (local $f3x2 i64) (local $f4x2 i64) (local $f5x2 i64) (local $f5x38 i64) (local $f6x19 i64) (local $f6x2 i64) (local $f7x19 i64) (local $f7x2 i64) (local $f7x38 i64) (local $f8x19 i64) (local $f8x2 i64) (local $f9x19 i64) (local $f9x38 i64)
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
    (local.set $f0x2 (i64.mul (local.get $f0) (i64.const 2)))
    (local.set $f1x2 (i64.mul (local.get $f1) (i64.const 2)))
    (local.set $f2x2 (i64.mul (local.get $f2) (i64.const 2)))
    (local.set $f3x2 (i64.mul (local.get $f3) (i64.const 2)))
    (local.set $f4x2 (i64.mul (local.get $f4) (i64.const 2)))
    (local.set $f5x2 (i64.mul (local.get $f5) (i64.const 2)))
    (local.set $f5x38 (i64.mul (local.get $f5) (i64.const 38)))
    (local.set $f6x19 (i64.mul (local.get $f6) (i64.const 19)))
    (local.set $f6x2 (i64.mul (local.get $f6) (i64.const 2)))
    (local.set $f7x19 (i64.mul (local.get $f7) (i64.const 19)))
    (local.set $f7x2 (i64.mul (local.get $f7) (i64.const 2)))
    (local.set $f7x38 (i64.mul (local.get $f7) (i64.const 38)))
    (local.set $f8x19 (i64.mul (local.get $f8) (i64.const 19)))
    (local.set $f8x2 (i64.mul (local.get $f8) (i64.const 2)))
    (local.set $f9x19 (i64.mul (local.get $f9) (i64.const 19)))
    (local.set $f9x38 (i64.mul (local.get $f9) (i64.const 38)))
    (local.set $h0
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0) (local.get $f0)) (i64.mul (local.get $f1x2) (local.get $f9x38))) (i64.mul (local.get $f2x2) (local.get $f8x19))) (i64.mul (local.get $f3x2) (local.get $f7x38))) (i64.mul (local.get $f4x2) (local.get $f6x19))) (i64.mul (local.get $f5) (local.get $f5x38))))
    (local.set $h1
      (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f1)) (i64.mul (local.get $f2x2) (local.get $f9x19))) (i64.mul (local.get $f3x2) (local.get $f8x19))) (i64.mul (local.get $f4x2) (local.get $f7x19))) (i64.mul (local.get $f5x2) (local.get $f6x19))))
    (local.set $h2
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f2)) (i64.mul (local.get $f1) (local.get $f1x2))) (i64.mul (local.get $f3x2) (local.get $f9x38))) (i64.mul (local.get $f4x2) (local.get $f8x19))) (i64.mul (local.get $f5x2) (local.get $f7x38))) (i64.mul (local.get $f6) (local.get $f6x19))))
    (local.set $h3
      (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f3)) (i64.mul (local.get $f1x2) (local.get $f2))) (i64.mul (local.get $f4x2) (local.get $f9x19))) (i64.mul (local.get $f5x2) (local.get $f8x19))) (i64.mul (local.get $f6x2) (local.get $f7x19))))
    (local.set $h4
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f4)) (i64.mul (local.get $f1x2) (local.get $f3x2))) (i64.mul (local.get $f2) (local.get $f2))) (i64.mul (local.get $f5x2) (local.get $f9x38))) (i64.mul (local.get $f6x2) (local.get $f8x19))) (i64.mul (local.get $f7) (local.get $f7x38))))
    (local.set $h5
      (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f5)) (i64.mul (local.get $f1x2) (local.get $f4))) (i64.mul (local.get $f2x2) (local.get $f3))) (i64.mul (local.get $f6x2) (local.get $f9x19))) (i64.mul (local.get $f7x2) (local.get $f8x19))))
    (local.set $h6
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f6)) (i64.mul (local.get $f1x2) (local.get $f5x2))) (i64.mul (local.get $f2x2) (local.get $f4))) (i64.mul (local.get $f3) (local.get $f3x2))) (i64.mul (local.get $f7x2) (local.get $f9x38))) (i64.mul (local.get $f8) (local.get $f8x19))))
    (local.set $h7
      (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f7)) (i64.mul (local.get $f1x2) (local.get $f6))) (i64.mul (local.get $f2x2) (local.get $f5))) (i64.mul (local.get $f3x2) (local.get $f4))) (i64.mul (local.get $f8x2) (local.get $f9x19))))
    (local.set $h8
      (i64.add (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f8)) (i64.mul (local.get $f1x2) (local.get $f7x2))) (i64.mul (local.get $f2x2) (local.get $f6))) (i64.mul (local.get $f3x2) (local.get $f5x2))) (i64.mul (local.get $f4) (local.get $f4))) (i64.mul (local.get $f9) (local.get $f9x38))))
    (local.set $h9
      (i64.add (i64.add (i64.add (i64.add (i64.mul (local.get $f0x2) (local.get $f9)) (i64.mul (local.get $f1x2) (local.get $f8))) (i64.mul (local.get $f2x2) (local.get $f7))) (i64.mul (local.get $f3x2) (local.get $f6))) (i64.mul (local.get $f4x2) (local.get $f5))))
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
