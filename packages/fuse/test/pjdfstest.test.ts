import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryLeaseManager, VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { inCI } from '@volumes/testkit'
import { fuseReason, mountFresh, sh } from './helpers.js'

const pjd = process.env.PJDFSTEST_DIR ?? join(process.env.VOLUMES_BIN_DIR ?? join(homedir(), '.cache/volumes-bin'), 'pjdfstest')
const built = existsSync(join(pjd, 'pjdfstest'))
if (!built && inCI() && fuseReason === undefined) throw new Error(`pjdfstest is missing in ${pjd}: build it with scripts/install/fuse.sh`)
const reason = fuseReason ?? (built ? undefined : `pjdfstest not built in ${pjd} (scripts/install/fuse.sh)`)

/** Runs one TAP file of pjdfstest inside `cwd` (via `cd` in the child: see bench/mount/pjdfstest.mjs). */
function runTapFile(file: string, cwd: string): Promise<{ plan: number; passed: number; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', 'cd "$1" && exec bash "$2"', 'pjdfstest', cwd, file], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('close', (status) => resolve({
      plan: Number(/^1\.\.(\d+)/m.exec(out)?.[1] ?? 0),
      passed: out.split('\n').filter((line) => /^ok \d+/.test(line)).length,
      status,
    }))
  })
}

describe.skipIf(reason !== undefined)(`pjdfstest smoke: the mkdir suite in a mount on local disk${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('runs every mkdir test file to its end (the pass count is a figure in docs/mount.md, not asserted here)', async () => {
    const store = new VolumeStore({ blobs: new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-pjd-')), fsync: false }), leases: new MemoryLeaseManager() })
    await store.create('pjd')
    const mount = await mountFresh(store, 'pjd')
    try {
      const dir = join(pjd, 'tests', 'mkdir')
      let passed = 0
      let total = 0
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.t')).sort()) {
        const work = join(mount.mountpoint, name.replace(/\W/g, ''))
        await sh(`mkdir '${work}'`)
        const result = await runTapFile(join(dir, name), work)
        expect(result.plan, `${name} printed its plan`).toBeGreaterThan(0)
        passed += result.passed
        total += result.plan
      }
      console.log(`pjdfstest mkdir in volumes mount (local disk): ${passed}/${total} subtests passed`)
      expect(passed).toBeGreaterThan(0)
      // The mount is still healthy after the suite.
      expect(await sh(`echo ok > '${mount.mountpoint}/after' && cat '${mount.mountpoint}/after'`)).toBe('ok\n')
    } finally {
      await mount.unmount()
    }
  })
})
