import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { freshRoot } from './helpers.js'

const worker = fileURLToPath(new URL('./fixtures/rename-worker.mjs', import.meta.url))
const FILES = 300

/** Entries in a directory of the root, 0 when it does not exist yet. */
async function countIn(path: string): Promise<number> {
  return (await readdir(path).catch(() => [])).length
}

describe('a directory rename killed with SIGKILL half-way', () => {
  it('leaves every file in the source or the destination, and calling it again completes it with exact usage', async () => {
    const root = freshRoot()
    const store = new VolumeStore({ blobs: new LocalBlobStore({ root }) })
    const volume = await store.create(`kill-${Date.now().toString(36)}`)
    const names = Array.from({ length: FILES }, (_, i) => `f-${String(i).padStart(3, '0')}`)
    for (let i = 0; i < FILES; i += 50) await Promise.all(names.slice(i, i + 50).map((name) => volume.writeFile(`/from/${name}`, name)))
    const child = spawn(process.execPath, [worker, root, volume.volumeId, '/from', '/to'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    const destination = join(root, volume.volumeId, 'to')
    // Kill it once some files are copied and before all are (bounded wait: 60 s).
    for (let waited = 0; (await countIn(destination)) < 20 && waited < 60_000; waited += 5) await delay(5)
    child.kill('SIGKILL')
    await exited
    const copied = await countIn(destination)
    expect(copied, 'the rename was killed half-way').toBeGreaterThan(0)
    expect(copied).toBeLessThan(FILES)
    for (const name of names) {
      const found = await Promise.all([`/from/${name}`, `/to/${name}`].map((p) => volume.readFile(p).catch(() => undefined)))
      expect(found, name).toContain(name)
    }
    const renamed = await (await store.connect(volume.volumeId)).rename('/from', '/to')
    expect(renamed).toMatchObject({ type: 'directory', path: '/to' })
    expect(await volume.exists('/from')).toBe(false)
    expect((await volume.list('/to')).map((entry) => entry.name)).toEqual(names)
    for (const name of names.slice(0, 20)) expect(await volume.readFile(`/to/${name}`)).toBe(name)
    const usage = await volume.getUsage()
    const recount = await store.recomputeUsage(volume.volumeId)
    expect({ bytes: usage.bytes, inodes: usage.inodes }).toEqual({ bytes: recount.bytes, inodes: recount.inodes })
  })
})
