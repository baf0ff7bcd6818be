;; Word arithmetic mod 2^32 in WebAssembly SIMD: the adds and subtracts that masking and unmasking
;; are made of. Compiled by scripts/build-wasm.mjs (wabt) into words-module.ts; the fast tier rebuilds it
;; and compares (test/protocol/crypto/wasm-words.test.ts).
(module
  ;; two chunks of 16,384 words: the running sum at byte 0, keystream words at byte 65,536
  (memory (export "memory") 2)

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
)
