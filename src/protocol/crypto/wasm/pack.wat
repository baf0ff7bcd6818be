;; m-bit packing (encoding/bit-pack.ts's pack) in WebAssembly SIMD, for 8 <= m <= 25. Compiled by
;; scripts/build-wasm.mjs (wabt) into pack-module.ts; the fast tier rebuilds it and compares, and
;; checks it against the JavaScript (test/protocol/crypto/pack-wasm.test.ts). pack.ts lays out the
;; memory and builds the table.
(module
  ;; a chunk of values, its packed bytes and the table (pack.ts)
  (memory (export "memory") 3)

  ;; Packs 8 x pairs values from the words at src into bytes at dst, `bits` bits each.
  ;;
  ;; Four values at a time, the inverse of uploads.wat's unpack: masked to `bits` bits, each lane
  ;; multiplied by 2^s (a shift left by the s bits its value starts into its first byte; s + bits <= 32
  ;; fits a lane), then two byte swizzles gather, for each output byte, the lanes that have bits in it
  ;; (at most two when bits >= 8), or-ed together. Eight values take exactly `bits` bytes: the second
  ;; four start bits/2 bytes in, sharing that byte with the first four when bits is odd, which the
  ;; "carry" swizzle moves across before the second four's bytes are stored over it. Writes up to 16
  ;; bytes past the last pair's. The table (112 bytes, from pack.ts): for the first four then the
  ;; second, the first and second swizzles and the multipliers; then the carry swizzle.
  (func (export "pack") (param $src i32) (param $dst i32) (param $pairs i32) (param $bits i32) (param $table i32)
    (local $first0 v128) (local $second0 v128) (local $multiply0 v128)
    (local $first1 v128) (local $second1 v128) (local $multiply1 v128)
    (local $carry v128) (local $mask v128) (local $half i32) (local $end i32)
    (local $lanes v128) (local $out0 v128) (local $out1 v128)
    (local.set $first0 (v128.load offset=0 (local.get $table)))
    (local.set $second0 (v128.load offset=16 (local.get $table)))
    (local.set $multiply0 (v128.load offset=32 (local.get $table)))
    (local.set $first1 (v128.load offset=48 (local.get $table)))
    (local.set $second1 (v128.load offset=64 (local.get $table)))
    (local.set $multiply1 (v128.load offset=80 (local.get $table)))
    (local.set $carry (v128.load offset=96 (local.get $table)))
    (local.set $mask (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $bits)) (i32.const 1))))
    (local.set $half (i32.shr_u (local.get $bits) (i32.const 1)))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $pairs) (i32.const 5))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $lanes (i32x4.mul (v128.and (v128.load offset=0 (local.get $src)) (local.get $mask)) (local.get $multiply0)))
        (local.set $out0 (v128.or (i8x16.swizzle (local.get $lanes) (local.get $first0)) (i8x16.swizzle (local.get $lanes) (local.get $second0))))
        (local.set $lanes (i32x4.mul (v128.and (v128.load offset=16 (local.get $src)) (local.get $mask)) (local.get $multiply1)))
        (local.set $out1 (v128.or
          (v128.or (i8x16.swizzle (local.get $lanes) (local.get $first1)) (i8x16.swizzle (local.get $lanes) (local.get $second1)))
          (i8x16.swizzle (local.get $out0) (local.get $carry))))
        (v128.store (local.get $dst) (local.get $out0))
        (v128.store (i32.add (local.get $dst) (local.get $half)) (local.get $out1))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (local.get $bits)))
        (br $pair))))
)
