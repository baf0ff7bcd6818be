;; A block of the linear commitment (verification/commitment.ts) in WebAssembly SIMD: the negacyclic
;; NTT of 1024 doubles mod a prime below 2^26, and the row products added into the commitment's sums.
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
  ;; first. zetas and quotients: 1024 doubles each, psi^bitreverse(i) and their quotients by p.
  (func (export "forward") (param $pending i32) (param $block i32) (param $zetas i32) (param $quotients i32) (param $p f64)
    (local $ps v128) (local $inverse v128) (local $inverse1 f64) (local $i i32)
    (local $len i32) (local $start i32) (local $j i32) (local $end i32) (local $k i32)
    (local $zeta v128) (local $quotient v128) (local $x v128) (local $t v128) (local $u v128)
    (local $zeta1 f64) (local $quotient1 f64) (local $x1 f64) (local $t1 f64) (local $u1 f64)
    (local.set $inverse1 (f64.div (f64.const 1) (local.get $p)))
    (local.set $ps (f64x2.splat (local.get $p)))
    (local.set $inverse (f64x2.splat (local.get $inverse1)))
    ;; reduce pending into block, two at a time
    (local.set $i (i32.const 0))
    (loop $reducing
      (v128.store (i32.add (local.get $block) (local.get $i))
        (call $reduce (v128.load (i32.add (local.get $pending) (local.get $i))) (local.get $ps) (local.get $inverse)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $reducing (i32.lt_u (local.get $i) (i32.const 8192))))
    ;; the layers with len >= 2, in bytes: butterflies two at a time, j and j + 1
    (local.set $k (i32.const 1))
    (local.set $len (i32.const 4096))
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
          (v128.store (i32.add (local.get $j) (local.get $len))
            (call $reduce (f64x2.sub (local.get $u) (local.get $t)) (local.get $ps) (local.get $inverse)))
          (v128.store (local.get $j)
            (call $reduce (f64x2.add (local.get $u) (local.get $t)) (local.get $ps) (local.get $inverse)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $butterfly (i32.lt_u (local.get $j) (local.get $end))))
        (local.set $start (i32.add (local.get $start) (i32.shl (local.get $len) (i32.const 1))))
        (br_if $group (i32.lt_u (local.get $start) (i32.const 8192))))
      (local.set $len (i32.shr_u (local.get $len) (i32.const 1)))
      (br_if $layer (i32.ge_u (local.get $len) (i32.const 16))))
    ;; the last layer, len = 1: each butterfly has its own zeta, one at a time
    (local.set $j (local.get $block))
    (local.set $end (i32.add (local.get $block) (i32.const 8192)))
    (loop $last
      (local.set $zeta1 (f64.load (i32.add (local.get $zetas) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $quotient1 (f64.load (i32.add (local.get $quotients) (i32.shl (local.get $k) (i32.const 3)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (local.set $x1 (f64.load offset=8 (local.get $j)))
      (local.set $t1 (f64.sub (f64.mul (local.get $zeta1) (local.get $x1))
        (f64.mul (f64.nearest (f64.mul (local.get $x1) (local.get $quotient1))) (local.get $p))))
      (local.set $u1 (f64.load (local.get $j)))
      (f64.store offset=8 (local.get $j) (call $reduce1 (f64.sub (local.get $u1) (local.get $t1)) (local.get $p) (local.get $inverse1)))
      (f64.store (local.get $j) (call $reduce1 (f64.add (local.get $u1) (local.get $t1)) (local.get $p) (local.get $inverse1)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $last (i32.lt_u (local.get $j) (local.get $end)))))

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
)
