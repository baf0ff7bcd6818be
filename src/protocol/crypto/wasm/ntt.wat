;; A block of the linear commitment (verification/commitment.ts) in WebAssembly SIMD: the negacyclic
;; NTT of 1024 doubles mod a prime below 2^26, the row products added into the commitment's sums, and
;; the rejection sampling of the matrix entries from keystream words; and for the upload check
;; (verification/upload-check.ts), the pull-back of its secret form through the matrix and the transposed
;; transform.
;; The same operations, in the same order for each value, as the JavaScript of verification/ntt.ts,
;; so the results are the same bit for bit. Compiled by scripts/build-wasm.mjs (wabt) into
;; ntt-module.ts; the fast tier rebuilds it and compares, and checks it against the JavaScript
;; (test/protocol/crypto/ntt-wasm.test.ts). ntt-kernel.ts lays out the memory.
(module
  (memory (export "memory") 2)

  ;; x mod p as a signed representative of magnitude at most about p/2, for |x| < 2^51 (ntt.ts's reduce:
  ;; adding and subtracting 2^52 + 2^51 there is the round to nearest, ties to even, that nearest is)
  (func $reduce (param $x v128) (param $p v128) (param $inverse v128) (result v128)
    (f64x2.sub (local.get $x) (f64x2.mul (f64x2.nearest (f64x2.mul (local.get $x) (local.get $inverse))) (local.get $p))))

  (func $reduce1 (param $x f64) (param $p f64) (param $inverse f64) (result f64)
    (f64.sub (local.get $x) (f64.mul (f64.nearest (f64.mul (local.get $x) (local.get $inverse))) (local.get $p))))

  ;; block = the forward transform (ntt.ts's forward) of the 1024 doubles at pending, each reduced mod p
  ;; first. zetas and quotients: 1024 doubles each, psi^bitreverse(i) as signed representatives and
  ;; their quotients by p. As in ntt.ts, sums and differences go unreduced for five layers at a time:
  ;; the reduction after the length-32 layer is ntt.ts's REDUCED_AFTER_LENGTH.
  (func (export "forward") (param $pending i32) (param $block i32) (param $zetas i32) (param $quotients i32) (param $p f64)
    (local $ps v128) (local $inverse v128)
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $inverse (f64x2.splat (f64.div (f64.const 1) (local.get $p))))
    (call $reduceInto (local.get $pending) (local.get $block) (local.get $ps) (local.get $inverse))
    ;; lengths 512 to 32 (in bytes, 4096 to 256), whose butterflies take zetas 1 to 31
    (call $lazyLayers (local.get $block) (local.get $zetas) (local.get $quotients) (local.get $ps) (i32.const 1) (i32.const 4096) (i32.const 256))
    (call $reduceInto (local.get $block) (local.get $block) (local.get $ps) (local.get $inverse))
    ;; lengths 16 to 2, zetas 32 to 511
    (call $lazyLayers (local.get $block) (local.get $zetas) (local.get $quotients) (local.get $ps) (i32.const 32) (i32.const 128) (i32.const 16))
    (call $lastLayer (local.get $block) (local.get $zetas) (local.get $quotients) (local.get $ps) (local.get $inverse)))

  ;; to[i] = from[i] reduced, for the 1024 doubles at from (to may be from)
  (func $reduceInto (param $from i32) (param $to i32) (param $ps v128) (param $inverse v128)
    (local $i i32)
    (local.set $i (i32.const 0))
    (loop $reducing
      (v128.store (i32.add (local.get $to) (local.get $i))
        (call $reduce (v128.load (i32.add (local.get $from) (local.get $i))) (local.get $ps) (local.get $inverse)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $reducing (i32.lt_u (local.get $i) (i32.const 8192)))))

  ;; The forward layers of lengths first down to last, in bytes (at least 16), their butterflies two at
  ;; a time (j and j + 1 share a zeta), sums and differences unreduced; k is the first layer's first zeta.
  (func $lazyLayers (param $block i32) (param $zetas i32) (param $quotients i32) (param $ps v128) (param $k i32) (param $first i32) (param $last i32)
    (local $len i32) (local $start i32) (local $j i32) (local $end i32)
    (local $zeta v128) (local $quotient v128) (local $x v128) (local $t v128) (local $u v128)
    (local.set $len (local.get $first))
    (loop $layer
      (local.set $start (i32.const 0))
      (loop $group
        (local.set $zeta (v128.load64_splat (i32.add (local.get $zetas) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $quotient (v128.load64_splat (i32.add (local.get $quotients) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $j (i32.add (local.get $block) (local.get $start)))
        (local.set $end (i32.add (local.get $j) (local.get $len)))
        (loop $butterfly
          (local.set $x (v128.load (i32.add (local.get $j) (local.get $len))))
          (local.set $t (f64x2.sub (f64x2.mul (local.get $zeta) (local.get $x))
            (f64x2.mul (f64x2.nearest (f64x2.mul (local.get $x) (local.get $quotient))) (local.get $ps))))
          (local.set $u (v128.load (local.get $j)))
          (v128.store (i32.add (local.get $j) (local.get $len)) (f64x2.sub (local.get $u) (local.get $t)))
          (v128.store (local.get $j) (f64x2.add (local.get $u) (local.get $t)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $butterfly (i32.lt_u (local.get $j) (local.get $end))))
        (local.set $start (i32.add (local.get $start) (i32.shl (local.get $len) (i32.const 1))))
        (br_if $group (i32.lt_u (local.get $start) (i32.const 8192))))
      (local.set $len (i32.shr_u (local.get $len) (i32.const 1)))
      (br_if $layer (i32.ge_u (local.get $len) (local.get $last)))))

  ;; The last forward layer, length 1, reduced: each butterfly (j, j + 1) has its own zeta, k = 512 +
  ;; j/2, so two butterflies at a time take the values of four, their u in one vector and their x in
  ;; another, and two consecutive zetas.
  (func $lastLayer (param $block i32) (param $zetas i32) (param $quotients i32) (param $ps v128) (param $inverse v128)
    (local $j i32) (local $end i32) (local $k i32) (local $low v128) (local $high v128)
    (local $x v128) (local $t v128) (local $u v128) (local $sum v128) (local $difference v128)
    (local.set $j (local.get $block))
    (local.set $end (i32.add (local.get $block) (i32.const 8192)))
    (local.set $k (i32.const 4096))
    (loop $pairs
      (local.set $low (v128.load (local.get $j)))
      (local.set $high (v128.load offset=16 (local.get $j)))
      (local.set $u (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $low) (local.get $high)))
      (local.set $x (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $low) (local.get $high)))
      (local.set $t (f64x2.sub (f64x2.mul (v128.load (i32.add (local.get $zetas) (local.get $k))) (local.get $x))
        (f64x2.mul (f64x2.nearest (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $quotients) (local.get $k))))) (local.get $ps))))
      (local.set $sum (call $reduce (f64x2.add (local.get $u) (local.get $t)) (local.get $ps) (local.get $inverse)))
      (local.set $difference (call $reduce (f64x2.sub (local.get $u) (local.get $t)) (local.get $ps) (local.get $inverse)))
      (v128.store (local.get $j) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $sum) (local.get $difference)))
      (v128.store offset=16 (local.get $j) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $sum) (local.get $difference)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $pairs (i32.lt_u (local.get $j) (local.get $end)))))

  ;; sum[i] += (entries[i] * block[i] mod p) for the 1024 doubles of each
  (func (export "accumulate") (param $sum i32) (param $entries i32) (param $block i32) (param $p f64)
    (local $ps v128) (local $inverse v128) (local $i i32)
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $inverse (f64x2.splat (f64.div (f64.const 1) (local.get $p))))
    (local.set $i (i32.const 0))
    (loop $products
      (v128.store (i32.add (local.get $sum) (local.get $i))
        (f64x2.add (v128.load (i32.add (local.get $sum) (local.get $i)))
          (call $reduce
            (f64x2.mul (v128.load (i32.add (local.get $entries) (local.get $i))) (v128.load (i32.add (local.get $block) (local.get $i))))
            (local.get $ps) (local.get $inverse))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $products (i32.lt_u (local.get $i) (i32.const 8192)))))

  ;; Writes to out, as doubles, the top 26 bits of each of the n words at src that are below p, in order,
  ;; and returns how many it wrote (commitment.ts's MatrixRow: about 1 word in 16,000 is rejected). Four
  ;; at a time, and one at a time for a four with a rejection in it.
  (func (export "sample") (param $src i32) (param $n i32) (param $out i32) (param $p i32) (result i32)
    (local $start i32) (local $end i32) (local $ps v128) (local $v v128)
    (local.set $start (local.get $out))
    (local.set $ps (i32x4.splat (local.get $p)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $fours
      (loop $four
        (br_if $fours (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (i32x4.shr_u (v128.load (local.get $src)) (i32.const 6)))
        (if (v128.any_true (i32x4.ge_u (local.get $v) (local.get $ps)))
          (then (local.set $out (call $sampleEach (local.get $src) (i32.const 4) (local.get $out) (local.get $p))))
          (else
            (v128.store (local.get $out) (f64x2.convert_low_i32x4_u (local.get $v)))
            (v128.store offset=16 (local.get $out)
              (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
            (local.set $out (i32.add (local.get $out) (i32.const 32)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $four)))
    (local.set $out (call $sampleEach (local.get $src) (i32.and (local.get $n) (i32.const 3)) (local.get $out) (local.get $p)))
    (i32.shr_u (i32.sub (local.get $out) (local.get $start)) (i32.const 3)))

  ;; sample's work one word at a time; returns where out has got to
  (func $sampleEach (param $src i32) (param $n i32) (param $out i32) (param $p i32) (result i32)
    (local $end i32) (local $value i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $word
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $value (i32.shr_u (i32.load (local.get $src)) (i32.const 6)))
        (if (i32.lt_u (local.get $value) (local.get $p))
          (then
            (f64.store (local.get $out) (f64.convert_i32_u (local.get $value)))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $word)))
    (local.get $out))

  ;; block = the transpose of the forward transform applied to block (ntt.ts's transpose), in place
  (func (export "transpose") (param $block i32) (param $zetas i32) (param $quotients i32) (param $p f64)
    (local $ps v128) (local $inverse v128) (local $inverse1 f64)
    (local $len i32) (local $start i32) (local $j i32) (local $end i32) (local $k i32)
    (local $zeta v128) (local $quotient v128) (local $u v128) (local $v v128) (local $x v128)
    (local $zeta1 f64) (local $quotient1 f64) (local $u1 f64) (local $v1 f64) (local $x1 f64)
    (local.set $inverse1 (f64.div (f64.const 1) (local.get $p)))
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $inverse (f64x2.splat (local.get $inverse1)))
    ;; the first layer, len = 1: each butterfly has its own zeta, from the last butterfly back
    (local.set $k (i32.const 1023))
    (local.set $j (i32.add (local.get $block) (i32.const 8176)))
    (loop $first
      (local.set $zeta1 (f64.load (i32.add (local.get $zetas) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $quotient1 (f64.load (i32.add (local.get $quotients) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (local.set $u1 (f64.load (local.get $j)))
      (local.set $v1 (f64.load offset=8 (local.get $j)))
      (local.set $x1 (f64.sub (local.get $u1) (local.get $v1)))
      (f64.store (local.get $j) (call $reduce1 (f64.add (local.get $u1) (local.get $v1)) (local.get $p) (local.get $inverse1)))
      (f64.store offset=8 (local.get $j) (f64.sub (f64.mul (local.get $zeta1) (local.get $x1))
        (f64.mul (f64.nearest (f64.mul (local.get $x1) (local.get $quotient1))) (local.get $p))))
      (local.set $j (i32.sub (local.get $j) (i32.const 16)))
      (br_if $first (i32.ge_s (local.get $j) (local.get $block))))
    ;; the layers with len >= 2, in bytes: butterflies two at a time, groups from the last back
    (local.set $len (i32.const 16))
    (loop $layer
      (local.set $start (i32.sub (i32.const 8192) (i32.shl (local.get $len) (i32.const 1))))
      (loop $group
        (local.set $zeta (v128.load64_splat (i32.add (local.get $zetas) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $quotient (v128.load64_splat (i32.add (local.get $quotients) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (local.set $j (i32.add (local.get $block) (local.get $start)))
        (local.set $end (i32.add (local.get $j) (local.get $len)))
        (loop $butterfly
          (local.set $u (v128.load (local.get $j)))
          (local.set $v (v128.load (i32.add (local.get $j) (local.get $len))))
          (local.set $x (f64x2.sub (local.get $u) (local.get $v)))
          (v128.store (local.get $j) (call $reduce (f64x2.add (local.get $u) (local.get $v)) (local.get $ps) (local.get $inverse)))
          (v128.store (i32.add (local.get $j) (local.get $len)) (f64x2.sub (f64x2.mul (local.get $zeta) (local.get $x))
            (f64x2.mul (f64x2.nearest (f64x2.mul (local.get $x) (local.get $quotient))) (local.get $ps))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $butterfly (i32.lt_u (local.get $j) (local.get $end))))
        (local.set $start (i32.sub (local.get $start) (i32.shl (local.get $len) (i32.const 1))))
        (br_if $group (i32.ge_s (local.get $start) (i32.const 0))))
      (local.set $len (i32.shl (local.get $len) (i32.const 1)))
      (br_if $layer (i32.lt_u (local.get $len) (i32.const 8192)))))

  ;; block[i] = block[i] + (challenge[i] * entries[i] mod p), reduced, for the 1024 doubles of each
  (func (export "pull_back") (param $block i32) (param $challenge i32) (param $entries i32) (param $p f64)
    (local $ps v128) (local $inverse v128) (local $i i32)
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $inverse (f64x2.splat (f64.div (f64.const 1) (local.get $p))))
    (local.set $i (i32.const 0))
    (loop $products
      (v128.store (i32.add (local.get $block) (local.get $i))
        (call $reduce
          (f64x2.add (v128.load (i32.add (local.get $block) (local.get $i)))
            (call $reduce
              (f64x2.mul (v128.load (i32.add (local.get $challenge) (local.get $i))) (v128.load (i32.add (local.get $entries) (local.get $i))))
              (local.get $ps) (local.get $inverse)))
          (local.get $ps) (local.get $inverse)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $products (i32.lt_u (local.get $i) (i32.const 8192)))))
)
