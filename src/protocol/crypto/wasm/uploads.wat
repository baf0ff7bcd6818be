;; What the aggregator does with each chunk of a masked upload, in WebAssembly SIMD: unpack its m-bit
;; values, add them into the integer sum counting wraps past 2^32, and take their inner products with
;; the upload check's forms mod two primes: in one pass (ingest) where the sum and the forms share an
;; instance, or as three (unpack, add_counting, digest). Compiled by scripts/build-wasm.mjs (wabt) into
;; uploads-module.ts; the fast tier rebuilds it and compares, and checks every function against the
;; JavaScript it replaces (test/protocol/crypto/uploads.test.ts). uploads.ts lays out the memory.
(module
  ;; uploads.ts grows it to fit one chunk's work area and what the instance keeps: a sum, the forms, or both
  (memory (export "memory") 1)

  ;; Unpacks 8 x pairs values of `bits` bits (at most 25) from the bytes at src into words at dst.
  ;;
  ;; Four values at a time: one 16-byte load, a byte swizzle that puts each value's 4 bytes in its lane,
  ;; then a multiplication by 2^(32 - bits - s) and a shift right by 32 - bits, which is the lane's own
  ;; shift right by s and mask (SIMD has no per-lane shift). A value starts s < 8 bits into its first
  ;; byte, so s + bits <= 32 fits a lane. Eight values take exactly `bits` bytes; the second four of them
  ;; start bits/2 bytes (and 4 bits if bits is odd) in. The table holds, for the first four then the
  ;; second: the swizzle, then the multipliers (64 bytes, from uploads.ts). Reads up to 28 bytes past the
  ;; last pair's bytes, and writes all 8 values of the last pair.
  (func (export "unpack") (param $src i32) (param $dst i32) (param $pairs i32) (param $bits i32) (param $table i32)
    (local $swizzle0 v128) (local $multiply0 v128) (local $swizzle1 v128) (local $multiply1 v128)
    (local $shift i32) (local $half i32) (local $end i32)
    (local.set $swizzle0 (v128.load offset=0 (local.get $table)))
    (local.set $multiply0 (v128.load offset=16 (local.get $table)))
    (local.set $swizzle1 (v128.load offset=32 (local.get $table)))
    (local.set $multiply1 (v128.load offset=48 (local.get $table)))
    (local.set $shift (i32.sub (i32.const 32) (local.get $bits)))
    (local.set $half (i32.shr_u (local.get $bits) (i32.const 1)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $pairs) (i32.const 5))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store offset=0 (local.get $dst)
          (i32x4.shr_u
            (i32x4.mul (i8x16.swizzle (v128.load (local.get $src)) (local.get $swizzle0)) (local.get $multiply0))
            (local.get $shift)))
        (v128.store offset=16 (local.get $dst)
          (i32x4.shr_u
            (i32x4.mul (i8x16.swizzle (v128.load (i32.add (local.get $src) (local.get $half))) (local.get $swizzle1)) (local.get $multiply1))
            (local.get $shift)))
        (local.set $src (i32.add (local.get $src) (local.get $bits)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br $pair))))

  ;; sum[i] += src[i] mod 2^32, and wraps[i] (a byte) += 1 where that passed 2^32, for the n words at
  ;; src. A lane that wrapped is below what it was before: lt_u gives -1 there, narrowed to bytes.
  (func (export "add_counting") (param $sum i32) (param $wraps i32) (param $src i32) (param $n i32)
    (local $end i32) (local $old0 v128) (local $old1 v128) (local $old2 v128) (local $old3 v128)
    (local $new0 v128) (local $new1 v128) (local $new2 v128) (local $new3 v128) (local $old i32) (local $new i32)
    ;; 16 words a turn
    (local.set $end (i32.add (local.get $sum) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $blocks
      (loop $block
        (br_if $blocks (i32.ge_u (local.get $sum) (local.get $end)))
        (local.set $old0 (v128.load offset=0 (local.get $sum)))
        (local.set $old1 (v128.load offset=16 (local.get $sum)))
        (local.set $old2 (v128.load offset=32 (local.get $sum)))
        (local.set $old3 (v128.load offset=48 (local.get $sum)))
        (local.set $new0 (i32x4.add (local.get $old0) (v128.load offset=0 (local.get $src))))
        (local.set $new1 (i32x4.add (local.get $old1) (v128.load offset=16 (local.get $src))))
        (local.set $new2 (i32x4.add (local.get $old2) (v128.load offset=32 (local.get $src))))
        (local.set $new3 (i32x4.add (local.get $old3) (v128.load offset=48 (local.get $src))))
        (v128.store offset=0 (local.get $sum) (local.get $new0))
        (v128.store offset=16 (local.get $sum) (local.get $new1))
        (v128.store offset=32 (local.get $sum) (local.get $new2))
        (v128.store offset=48 (local.get $sum) (local.get $new3))
        (v128.store (local.get $wraps)
          (i8x16.sub (v128.load (local.get $wraps))
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s (i32x4.lt_u (local.get $new0) (local.get $old0)) (i32x4.lt_u (local.get $new1) (local.get $old1)))
              (i16x8.narrow_i32x4_s (i32x4.lt_u (local.get $new2) (local.get $old2)) (i32x4.lt_u (local.get $new3) (local.get $old3))))))
        (local.set $sum (i32.add (local.get $sum) (i32.const 64)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $wraps (i32.add (local.get $wraps) (i32.const 16)))
        (br $block)))
    ;; the last n mod 16 words one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 15)) (i32.const 2))))
    (block $words
      (loop $word
        (br_if $words (i32.ge_u (local.get $sum) (local.get $end)))
        (local.set $old (i32.load (local.get $sum)))
        (local.set $new (i32.add (local.get $old) (i32.load (local.get $src))))
        (i32.store (local.get $sum) (local.get $new))
        (i32.store8 (local.get $wraps) (i32.add (i32.load8_u (local.get $wraps)) (i32.lt_u (local.get $new) (local.get $old))))
        (local.set $sum (i32.add (local.get $sum) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $wraps (i32.add (local.get $wraps) (i32.const 1)))
        (br $word))))

  ;; x mod p as a signed representative of magnitude at most about p/2, for |x| < 2^51 (as ntt.ts's reduce)
  (func $reduce (param $x v128) (param $p v128) (param $inverse v128) (result v128)
    (f64x2.sub (local.get $x) (f64x2.mul (f64x2.nearest (f64x2.mul (local.get $x) (local.get $inverse))) (local.get $p))))

;; Writes to out, as two doubles, sums congruent to sum over i < n of values[i] * first[i] mod p and
  ;; of values[i] * second[i] mod q. values are unsigned words, first and second signed words of
  ;; magnitude below 2^25, p and q primes below 2^26; n a multiple of `run` (uploads.ts pads with
  ;; zeros), and `run` a multiple of 4. Products are summed unreduced, `run` values at a time (each lane
  ;; a quarter of them), and each run's sums reduced: uploads.ts sizes runs so that a lane's sum stays
  ;; below 2^53, where doubles are exact. A value is reduced before its product when `wide` is set
  ;; (values of over 26 bits). The reduced sums stay exact for the n up to 16,384 uploads.ts passes.
  (func (export "digest") (param $values i32) (param $first i32) (param $second i32) (param $n i32)
    (param $p f64) (param $q f64) (param $wide i32) (param $run i32) (param $out i32)
    (local $end i32) (local $runEnd i32) (local $ps v128) (local $qs v128) (local $inverseP v128) (local $inverseQ v128)
    (local $low v128) (local $high v128) (local $lowQ v128) (local $highQ v128)
    (local $rawP0 v128) (local $rawP1 v128) (local $rawQ0 v128) (local $rawQ1 v128)
    (local $sumP v128) (local $sumQ v128)
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $qs (f64x2.splat (local.get $q)))
    (local.set $inverseP (f64x2.splat (f64.div (f64.const 1) (local.get $p))))
    (local.set $inverseQ (f64x2.splat (f64.div (f64.const 1) (local.get $q))))
    (local.set $sumP (v128.const i64x2 0 0))
    (local.set $sumQ (v128.const i64x2 0 0))
    (local.set $end (i32.add (local.get $values) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $runs
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $runEnd (i32.add (local.get $values) (i32.shl (local.get $run) (i32.const 2))))
        (local.set $rawP0 (v128.const i64x2 0 0))
        (local.set $rawP1 (v128.const i64x2 0 0))
        (local.set $rawQ0 (v128.const i64x2 0 0))
        (local.set $rawQ1 (v128.const i64x2 0 0))
        (loop $four
          (local.set $low (f64x2.convert_low_i32x4_u (v128.load64_zero offset=0 (local.get $values))))
          (local.set $high (f64x2.convert_low_i32x4_u (v128.load64_zero offset=8 (local.get $values))))
          (local.set $lowQ (local.get $low))
          (local.set $highQ (local.get $high))
          (if (local.get $wide)
            (then
              (local.set $lowQ (call $reduce (local.get $low) (local.get $qs) (local.get $inverseQ)))
              (local.set $highQ (call $reduce (local.get $high) (local.get $qs) (local.get $inverseQ)))
              (local.set $low (call $reduce (local.get $low) (local.get $ps) (local.get $inverseP)))
              (local.set $high (call $reduce (local.get $high) (local.get $ps) (local.get $inverseP)))))
          (local.set $rawP0 (f64x2.add (local.get $rawP0)
            (f64x2.mul (local.get $low) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=0 (local.get $first))))))
          (local.set $rawP1 (f64x2.add (local.get $rawP1)
            (f64x2.mul (local.get $high) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $first))))))
          (local.set $rawQ0 (f64x2.add (local.get $rawQ0)
            (f64x2.mul (local.get $lowQ) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=0 (local.get $second))))))
          (local.set $rawQ1 (f64x2.add (local.get $rawQ1)
            (f64x2.mul (local.get $highQ) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $second))))))
          (local.set $values (i32.add (local.get $values) (i32.const 16)))
          (local.set $first (i32.add (local.get $first) (i32.const 16)))
          (local.set $second (i32.add (local.get $second) (i32.const 16)))
          (br_if $four (i32.lt_u (local.get $values) (local.get $runEnd))))
        (local.set $sumP (f64x2.add (local.get $sumP) (f64x2.add
          (call $reduce (local.get $rawP0) (local.get $ps) (local.get $inverseP))
          (call $reduce (local.get $rawP1) (local.get $ps) (local.get $inverseP)))))
        (local.set $sumQ (f64x2.add (local.get $sumQ) (f64x2.add
          (call $reduce (local.get $rawQ0) (local.get $qs) (local.get $inverseQ))
          (call $reduce (local.get $rawQ1) (local.get $qs) (local.get $inverseQ)))))
        (br $runs)))
    (f64.store offset=0 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $sumP)) (f64x2.extract_lane 1 (local.get $sumP))))
    (f64.store offset=8 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $sumQ)) (f64x2.extract_lane 1 (local.get $sumQ)))))

  ;; The three at once over `pairs` whole groups of 8 values: each group is unpacked (as unpack), added
  ;; into the sum at `sum` counting wraps at `wraps` (as add_counting), and multiplied by the forms at
  ;; `first` and `second` while it is still in registers. The products are summed exactly in 64-bit
  ;; lanes: a value below 2^25 (the widest unpack takes) times a coefficient below 2^25 in magnitude is
  ;; below 2^50, and each accumulator's lane takes 2 products a group, so over up to 2^11 groups (16,384
  ;; values, a kernel chunk) it stays below 2^62, and the two accumulators added below 2^63. Writes to
  ;; out, as two doubles, each lane sum mod p (and mod q) added up: congruent to the inner products, and
  ;; below 2p in magnitude. Memory traffic is the packed bytes,
  ;; the sum and the forms, once each.
  (func (export "ingest") (param $src i32) (param $sum i32) (param $wraps i32) (param $first i32) (param $second i32)
    (param $pairs i32) (param $bits i32) (param $table i32) (param $p i64) (param $q i64) (param $out i32)
    (local $swizzle0 v128) (local $multiply0 v128) (local $swizzle1 v128) (local $multiply1 v128)
    (local $shift i32) (local $half i32) (local $end i32)
    (local $v0 v128) (local $v1 v128) (local $old0 v128) (local $old1 v128) (local $new0 v128) (local $new1 v128)
    (local $form v128) (local $p0 v128) (local $p1 v128) (local $q0 v128) (local $q1 v128)
    (local.set $swizzle0 (v128.load offset=0 (local.get $table)))
    (local.set $multiply0 (v128.load offset=16 (local.get $table)))
    (local.set $swizzle1 (v128.load offset=32 (local.get $table)))
    (local.set $multiply1 (v128.load offset=48 (local.get $table)))
    (local.set $shift (i32.sub (i32.const 32) (local.get $bits)))
    (local.set $half (i32.shr_u (local.get $bits) (i32.const 1)))
    (local.set $end (i32.add (local.get $sum) (i32.shl (local.get $pairs) (i32.const 5))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $sum) (local.get $end)))
        (local.set $v0
          (i32x4.shr_u
            (i32x4.mul (i8x16.swizzle (v128.load (local.get $src)) (local.get $swizzle0)) (local.get $multiply0))
            (local.get $shift)))
        (local.set $v1
          (i32x4.shr_u
            (i32x4.mul (i8x16.swizzle (v128.load (i32.add (local.get $src) (local.get $half))) (local.get $swizzle1)) (local.get $multiply1))
            (local.get $shift)))
        (local.set $old0 (v128.load offset=0 (local.get $sum)))
        (local.set $old1 (v128.load offset=16 (local.get $sum)))
        (local.set $new0 (i32x4.add (local.get $old0) (local.get $v0)))
        (local.set $new1 (i32x4.add (local.get $old1) (local.get $v1)))
        (v128.store offset=0 (local.get $sum) (local.get $new0))
        (v128.store offset=16 (local.get $sum) (local.get $new1))
        ;; the 8 wrap flags narrowed to the low 8 bytes, taken from the 8 counts
        (v128.store64_lane 0 (local.get $wraps)
          (i8x16.sub (v128.load64_zero (local.get $wraps))
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s (i32x4.lt_u (local.get $new0) (local.get $old0)) (i32x4.lt_u (local.get $new1) (local.get $old1)))
              (v128.const i64x2 0 0))))
        (local.set $form (v128.load offset=0 (local.get $first)))
        (local.set $p0 (i64x2.add (local.get $p0) (i64x2.extmul_low_i32x4_s (local.get $v0) (local.get $form))))
        (local.set $p1 (i64x2.add (local.get $p1) (i64x2.extmul_high_i32x4_s (local.get $v0) (local.get $form))))
        (local.set $form (v128.load offset=16 (local.get $first)))
        (local.set $p0 (i64x2.add (local.get $p0) (i64x2.extmul_low_i32x4_s (local.get $v1) (local.get $form))))
        (local.set $p1 (i64x2.add (local.get $p1) (i64x2.extmul_high_i32x4_s (local.get $v1) (local.get $form))))
        (local.set $form (v128.load offset=0 (local.get $second)))
        (local.set $q0 (i64x2.add (local.get $q0) (i64x2.extmul_low_i32x4_s (local.get $v0) (local.get $form))))
        (local.set $q1 (i64x2.add (local.get $q1) (i64x2.extmul_high_i32x4_s (local.get $v0) (local.get $form))))
        (local.set $form (v128.load offset=16 (local.get $second)))
        (local.set $q0 (i64x2.add (local.get $q0) (i64x2.extmul_low_i32x4_s (local.get $v1) (local.get $form))))
        (local.set $q1 (i64x2.add (local.get $q1) (i64x2.extmul_high_i32x4_s (local.get $v1) (local.get $form))))
        (local.set $src (i32.add (local.get $src) (local.get $bits)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 32)))
        (local.set $wraps (i32.add (local.get $wraps) (i32.const 8)))
        (local.set $first (i32.add (local.get $first) (i32.const 32)))
        (local.set $second (i32.add (local.get $second) (i32.const 32)))
        (br $pair)))
    (local.set $p0 (i64x2.add (local.get $p0) (local.get $p1)))
    (local.set $q0 (i64x2.add (local.get $q0) (local.get $q1)))
    (f64.store offset=0 (local.get $out) (f64.convert_i64_s (i64.add
      (i64.rem_s (i64x2.extract_lane 0 (local.get $p0)) (local.get $p))
      (i64.rem_s (i64x2.extract_lane 1 (local.get $p0)) (local.get $p)))))
    (f64.store offset=8 (local.get $out) (f64.convert_i64_s (i64.add
      (i64.rem_s (i64x2.extract_lane 0 (local.get $q0)) (local.get $q))
      (i64.rem_s (i64x2.extract_lane 1 (local.get $q0)) (local.get $q))))))
)
