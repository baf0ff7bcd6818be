/** Minimal libp2p nodes for tests of the network layer: TCP on loopback or the in-memory transport. */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'

let memoryAddresses = 0

export async function testNode (transport: 'tcp' | 'memory'): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: [transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/test-${process.pid}-${memoryAddresses++}`] },
    transports: [transport === 'tcp' ? tcp() : memory()],
    connectionEncrypters: [noise()],
    // a paused stream buffers what its window let in, up to 4 MiB: the window stays well below
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: 2 * 1024 * 1024 } })]
  })
}
