#!/usr/bin/env node
/**
 * The `secagg` command's entry: checks the Node.js version before loading anything else. libp2p v3 and
 * its dependencies use Node.js 22's APIs (Promise.withResolvers among them), and on an older Node.js
 * fail at start with a TypeError deep in a dependency that does not say what is wrong. This file uses
 * nothing newer than Node.js 14, so that it runs far enough to say it.
 */
const MIN_NODE_MAJOR = 22
const major = Number(process.versions.node.split('.')[0])
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(`secagg: Node.js ${MIN_NODE_MAJOR} or newer is needed; this is Node.js ${process.versions.node} (${process.execPath})\n`)
  process.exitCode = 2
} else {
  await import('./main.js')
}
