;; Word arithmetic mod 2^32 in WebAssembly SIMD: the adds and subtracts that masking and unmasking
;; are made of, and the quantization a masked vector starts from. Compiled by scripts/build-wasm.mjs
;; (wabt) into words-module.ts; the fast tier rebuilds it and compares (test/protocol/crypto/words.test.ts).
(module
  ;; three chunks of 16,384 words: the running sum at byte 0, keystream words at byte 65,536, and
  ;; float32 values to quantize at byte 131,072
  (memory (export "memory") 3)

  ;; dst[i] = dst[i] + src[i] mod 2^32 for the n words at byte offsets dst and src
  (func $add (export "add") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    ;; 16 words (four i32x4 lanes' worth) a turn
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $blocks
      (loop $block
        (br_if $blocks (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store offset=0 (local.get $dst) (i32x4.add (v128.load offset=0 (local.get $dst)) (v128.load offset=0 (local.get $src))))
        (v128.store offset=16 (local.get $dst) (i32x4.add (v128.load offset=16 (local.get $dst)) (v128.load offset=16 (local.get $src))))
        (v128.store offset=32 (local.get $dst) (i32x4.add (v128.load offset=32 (local.get $dst)) (v128.load offset=32 (local.get $src))))
        (v128.store offset=48 (local.get $dst) (i32x4.add (v128.load offset=48 (local.get $dst)) (v128.load offset=48 (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (br $block)))
    ;; the last n mod 16 words one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 15)) (i32.const 2))))
    (block $words
      (loop $word
        (br_if $words (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.add (i32.load (local.get $dst)) (i32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $word))))

  ;; dst[i] = dst[i] - src[i] mod 2^32 for the n words at byte offsets dst and src
  (func $subtract (export "subtract") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    ;; 16 words (four i32x4 lanes' worth) a turn
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $blocks
      (loop $block
        (br_if $blocks (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store offset=0 (local.get $dst) (i32x4.sub (v128.load offset=0 (local.get $dst)) (v128.load offset=0 (local.get $src))))
        (v128.store offset=16 (local.get $dst) (i32x4.sub (v128.load offset=16 (local.get $dst)) (v128.load offset=16 (local.get $src))))
        (v128.store offset=32 (local.get $dst) (i32x4.sub (v128.load offset=32 (local.get $dst)) (v128.load offset=32 (local.get $src))))
        (v128.store offset=48 (local.get $dst) (i32x4.sub (v128.load offset=48 (local.get $dst)) (v128.load offset=48 (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (br $block)))
    ;; the last n mod 16 words one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 15)) (i32.const 2))))
    (block $words
      (loop $word
        (br_if $words (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.sub (i32.load (local.get $dst)) (i32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $word))))

  ;; dst[i] &= mask for the n words at byte offset dst: a sum mod 2^32 read mod 2^m
  (func (export "keep_low") (param $dst i32) (param $n i32) (param $mask i32)
    (local $end i32) (local $masks v128)
    (local.set $masks (i32x4.splat (local.get $mask)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $fours
      (loop $four
        (br_if $fours (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.and (v128.load (local.get $dst)) (local.get $masks)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $words
      (loop $word
        (br_if $words (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.and (i32.load (local.get $dst)) (local.get $mask)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $word))))

  ;; quantize.ts's quantizeScaled, in the same double operations in the same order, so the words are the
  ;; same: for the n float32 values v at byte offset src and the words u at uniforms,
  ;; dst[i] = trunc(clip(v) * multiplier + (u >>> 10) * 2^-22 + 2^30) - 2^30 mod 2^32, clip(v) being v
  ;; clamped to [-clip, clip]. Returns how many values were clamped. The caller keeps
  ;; |clip * multiplier| at most 2^30 - 1, so the sum below 2^31 and the truncation in the int32 range,
  ;; where it equals JavaScript's | 0.
  (func (export "quantize") (param $dst i32) (param $uniforms i32) (param $src i32) (param $n i32) (param $multiplier f64) (param $clip f64) (result i32)
    (local $end i32) (local $m v128) (local $c v128) (local $negative v128) (local $clipped v128)
    (local $floats v128) (local $words v128) (local $low v128) (local $high v128)
    (local $v f64) (local $count i32)
    (local.set $m (f64x2.splat (local.get $multiplier)))
    (local.set $c (f64x2.splat (local.get $clip)))
    (local.set $negative (f64x2.neg (local.get $c)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $fours
      (loop $four
        (br_if $fours (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $floats (v128.load (local.get $src)))
        (local.set $words (i32x4.shr_u (v128.load (local.get $uniforms)) (i32.const 10)))
        (local.set $low (f64x2.promote_low_f32x4 (local.get $floats)))
        (local.set $high (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $floats) (local.get $floats))))
        (local.set $clipped (i64x2.sub (local.get $clipped) (f64x2.gt (f64x2.abs (local.get $low)) (local.get $c))))
        (local.set $clipped (i64x2.sub (local.get $clipped) (f64x2.gt (f64x2.abs (local.get $high)) (local.get $c))))
        (local.set $low (call $fixed (local.get $low) (f64x2.convert_low_i32x4_u (local.get $words)) (local.get $m) (local.get $c) (local.get $negative)))
        (local.set $high (call $fixed (local.get $high)
          (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $words) (local.get $words)))
          (local.get $m) (local.get $c) (local.get $negative)))
        (v128.store (local.get $dst) (i32x4.sub
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $low) (local.get $high))
          (i32x4.splat (i32.const 0x40000000))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $uniforms (i32.add (local.get $uniforms) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $four)))
    (local.set $count (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $clipped)) (i64x2.extract_lane 1 (local.get $clipped)))))
    ;; the last n mod 4 values one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $values
      (loop $value
        (br_if $values (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (f64.promote_f32 (f32.load (local.get $src))))
        (if (f64.gt (f64.abs (local.get $v)) (local.get $clip)) (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (i32.store (local.get $dst) (i32.sub
          (i32.trunc_sat_f64_s (f64.add (f64.add
            (f64.mul (f64.max (f64.min (local.get $v) (local.get $clip)) (f64.neg (local.get $clip))) (local.get $multiplier))
            (f64.mul (f64.convert_i32_u (i32.shr_u (i32.load (local.get $uniforms)) (i32.const 10))) (f64.const 0x1p-22)))
            (f64.const 0x1p30)))
          (i32.const 0x40000000)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $uniforms (i32.add (local.get $uniforms) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $value)))
    (local.get $count))

  ;; two values' trunc(clip(v) * m + u * 2^-22 + 2^30), as int32 in the low two lanes. pmin(v, c) is
  ;; (c < v ? c : v) and pmax(v, -c) is (v < -c ? -c : v): JavaScript's comparisons, NaN and -0 included.
  (func $fixed (param $v v128) (param $u v128) (param $m v128) (param $c v128) (param $negative v128) (result v128)
    (i32x4.trunc_sat_f64x2_s_zero
      (f64x2.add
        (f64x2.add
          (f64x2.mul (f64x2.pmax (f64x2.pmin (local.get $v) (local.get $c)) (local.get $negative)) (local.get $m))
          (f64x2.mul (local.get $u) (f64x2.splat (f64.const 0x1p-22))))
        (f64x2.splat (f64.const 0x1p30)))))
)
