/** Files written so that a crash or a power loss leaves the old content or the new, never a mix. */
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Writes a file through a temporary name and fsyncs it and its directory, so a crash leaves the old file or the new one. */
export async function writeDurably (path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp`
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, path)
  // the rename itself lives in the directory: flush it too, or a power loss could undo it
  const directory = await open(dirname(path), 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}
