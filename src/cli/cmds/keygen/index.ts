import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createIdentity, ensureDataDir, KEY_FILE } from '../../../daemon/data-dir.js'
import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import type { CommandModule } from 'yargs'

interface KeygenArgs extends GlobalArgs {
  out?: string
  force: boolean
}

export const keygenCommand: CommandModule<GlobalArgs, KeygenArgs> = {
  command: 'keygen',
  describe: 'Create the node\'s Ed25519 identity key (mode 0600) and print its PeerId',
  builder: (yargs) => withCommandEnv(yargs, 'keygen', 'data-dir').options({
    ...globalOptions,
    out: { type: 'string', description: `Where to write the key (default: <data-dir>/${KEY_FILE})` },
    force: { type: 'boolean', default: false, description: 'Replace an existing key: the node gets a new PeerId' }
  })
    .example('$0 keygen', 'make ~/.secagg/peer.key; `secagg node` would make it on first start too')
    .example('$0 keygen --data-dir /var/lib/secagg', 'for a daemon run as a system service') as any,
  handler: async (args) => {
    let path = args.out
    if (path === undefined) {
      await ensureDataDir(args.dataDir)
      path = join(args.dataDir, KEY_FILE)
    }
    const key = await createIdentity(path, args.force)
    process.stdout.write(`${peerIdFromPrivateKey(key).toString()}\n`)
    process.stderr.write(`wrote ${path}\n`)
  }
}
