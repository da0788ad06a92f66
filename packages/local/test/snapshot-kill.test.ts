import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { freshRoot } from './helpers.js'

const worker = fileURLToPath(new URL('./fixtures/snapshot-worker.mjs', import.meta.url))
const FILES = 300

/** Objects copied so far into the one snapshot being made. */
async function copiedSoFar(root: string): Promise<number> {
  const data = join(root, '.registry', 'snapshot-data')
  const ids = await readdir(data).catch(() => [] as string[])
  return ids.length === 0 ? 0 : (await readdir(join(data, ids[0]!)).catch(() => [])).length
}

describe('a snapshot killed with SIGKILL half-way', () => {
  it('leaves no snapshot visible, and a retry makes a whole one', async () => {
    const root = freshRoot()
    const store = new VolumeStore({ blobs: new LocalBlobStore({ root }) })
    const volume = await store.create(`snapkill-${Date.now().toString(36)}`)
    const names = Array.from({ length: FILES }, (_, i) => `f-${String(i).padStart(3, '0')}`)
    for (let i = 0; i < FILES; i += 50) await Promise.all(names.slice(i, i + 50).map((name) => volume.writeFile(`/${name}`, name)))
    const child = spawn(process.execPath, [worker, root, volume.volumeId], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    // Kill it once some objects are copied and before all are (bounded wait: 60 s).
    for (let waited = 0; (await copiedSoFar(root)) < 20 && waited < 60_000; waited += 5) await delay(5)
    child.kill('SIGKILL')
    await exited
    const copied = await copiedSoFar(root)
    expect(copied, 'the snapshot was killed half-way').toBeGreaterThan(0)
    expect(copied).toBeLessThan(FILES + 1)
    expect(await store.listSnapshots(volume.volumeId)).toEqual([])
    const leftover = (await readdir(join(root, '.registry', 'snapshot-data')))[0]!
    await expect(store.getSnapshot(leftover)).rejects.toMatchObject({ code: 'ENOENT', reason: 'SnapshotNotFound' })
    const snapshot = await volume.snapshot()
    expect(snapshot).toMatchObject({ files: FILES, bytes: FILES * 5 })
    expect((await store.listSnapshots(volume.volumeId)).map((s) => s.snapshotId)).toEqual([snapshot.snapshotId])
    const fork = await store.fork(snapshot.snapshotId, `${volume.name}-f`)
    expect((await fork.list('/')).map((entry) => entry.name)).toEqual(names)
    // The half-made one is deleted like any snapshot.
    expect(await store.deleteSnapshot(leftover)).toBe(true)
    expect(await readdir(join(root, '.registry', 'snapshot-data'))).toEqual([snapshot.snapshotId])
  })
})
