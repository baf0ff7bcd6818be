import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate } from 'protons'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
// The .proto files `npm run generate` compiles, read from the script so that the two cannot drift apart.
const generateScript: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.generate
const protos = generateScript.split(/\s+/).filter(word => word.endsWith('.proto'))

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'secagg-pb-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

/**
 * What protons writes for a .proto with this text, compiled in the temporary directory. protons 9 embeds
 * no path, date or version in its output, so the text needs no normalisation before the comparison.
 */
async function compile (name: string, text: string): Promise<string> {
  const source = join(dir, name)
  await writeFile(source, text)
  await generate(source, {})
  return readFile(source.replace(/\.proto$/, '.ts'), 'utf8')
}

describe('the generated protobuf code', () => {
  it('covers every .proto under src', () => {
    const found = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter(path => path.endsWith('.proto'))
      .map(path => join('src', path).split('\\').join('/'))
    expect(protos.length).toBeGreaterThan(0)
    expect([...protos].sort()).toEqual(found.sort())
  })

  it.each(protos)('is what protons makes of %s today', async (proto) => {
    const fresh = await compile(`current-${basename(proto)}`, await readFile(join(root, proto), 'utf8'))
    const committed = await readFile(join(root, proto.replace(/\.proto$/, '.ts')), 'utf8')
    expect(fresh, `${proto.replace(/\.proto$/, '.ts')} is stale: run \`npm run generate\``).toBe(committed)
  })

  it('differs from the committed code once a field of the .proto is renamed', async () => {
    const proto = 'src/protocol/pb/messages.proto'
    const text = await readFile(join(root, proto), 'utf8')
    const committed = await readFile(join(root, proto.replace(/\.proto$/, '.ts')), 'utf8')
    const renamed = text.replace('bytes encryption_key = 3;', 'bytes encryption_keys = 3;')
    expect(renamed).not.toBe(text)
    const unchanged = await compile('unchanged-messages.proto', text)
    const changed = await compile('renamed-messages.proto', renamed)
    expect(unchanged).toBe(committed)
    expect(changed).not.toBe(committed)
    expect(changed).toContain('encryptionKeys')
  })
})
