#!/usr/bin/env node
// Runs benchmark groups: `npm run bench` runs `local` (no services needed);
// `npm run bench -- s3 gcs leases` runs those groups (each starts its own service).
// A group is a directory of bench/; every .mjs file in it runs in its own process.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const groups = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['local']
let failed = false
for (const group of groups) {
  const files = readdirSync(join(here, group)).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort()
  for (const file of files) {
    console.log(`\n### bench/${group}/${file}`)
    const result = spawnSync(process.execPath, ['--expose-gc', join(here, group, file)], { stdio: 'inherit' })
    if (result.status !== 0) failed = true
  }
}
process.exit(failed ? 1 : 0)
