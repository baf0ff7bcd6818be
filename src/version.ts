/**
 * This package's name and version, read from its package.json at run time, so that a packed install,
 * a clone's build and the sources under test all report the version they were shipped as.
 */
import { readFileSync } from 'node:fs'

interface PackageJson { name: string, version: string }

// src/version.ts sits one level below package.json; dist/src/version.js two
function readPackageJson (): PackageJson {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as PackageJson
      if (pkg.name === 'libp2p-secagg') return pkg
    } catch {}
  }
  throw new Error('libp2p-secagg: cannot find this package\'s package.json beside its code')
}

const pkg = readPackageJson()

export const VERSION: string = pkg.version

/** What `secagg --version`, GET /v1/version and the secagg_build_info metric report. */
export interface BuildInfo {
  version: string
  /** The Node.js version running this process. */
  node: string
}

export function buildInfo (): BuildInfo {
  return { version: VERSION, node: process.versions.node }
}
