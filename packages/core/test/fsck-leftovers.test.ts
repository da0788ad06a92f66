import { describe, expect, it } from 'vitest'
import { forwardTo, fsckBucket, fsckVolume, MemoryBlobStore, REMOVAL_CLAIM_KEY, VolumeStore, type FsckFinding } from '@volumes/core'

/** Findings of one run, by kind. */
async function findingsOf(run: (onFinding: (finding: FsckFinding) => void) => Promise<unknown>): Promise<FsckFinding[]> {
  const found: FsckFinding[] = []
  await run((finding) => found.push(finding))
  return found
}

describe('fsck: what interrupted operations leave', () => {
  it('reports data of a volume the registry does not know (a destroy that stopped, a late write)', async () => {
    const blobs = new MemoryBlobStore()
    const store = new VolumeStore({ blobs })
    const kept = await store.create('kept')
    const lost = await store.create('lost')
    await kept.writeFile('/a', 'x')
    await lost.writeFile('/b', 'y')
    await blobs.delete([`.registry/by-name/lost`, `.registry/by-id/${lost.volumeId}`])
    const found = await findingsOf((onFinding) => fsckBucket(blobs, '', { onFinding }))
    const orphans = found.filter((f) => f.kind === 'orphaned-volume-data')
    expect(orphans.map((f) => f.key)).toEqual([`${lost.volumeId}/`])
    expect(orphans[0]!.repair).toBeUndefined()
  })

  it('reports an unfinished directory rename until it is called again', async () => {
    const blobs = new MemoryBlobStore()
    const store = new VolumeStore({ blobs })
    const volume = await store.create('renames')
    await Promise.all(Array.from({ length: 8 }, (_, i) => volume.writeFile(`/from/f${i}`, 'x')))
    let copies = 0
    const failing = forwardTo(blobs, { copy: (f, t, o) => (++copies > 3 ? Promise.reject(new Error('killed')) : blobs.copy(f, t, o)) })
    await expect((await new VolumeStore({ blobs: failing }).connect(volume.volumeId)).rename('/from', '/to')).rejects.toThrow()
    const before = await findingsOf((onFinding) => fsckVolume(store, volume.volumeId, { onFinding }))
    expect(before.filter((f) => f.kind === 'unfinished-rename').map((f) => f.path)).toEqual(['/from'])
    await volume.rename('/from', '/to')
    const after = await findingsOf((onFinding) => fsckVolume(store, volume.volumeId, { onFinding }))
    expect(after.filter((f) => f.kind === 'unfinished-rename')).toEqual([])
  })

  it('finds a removal claim left by a remover that stopped, and --repair deletes it', async () => {
    const inner = new MemoryBlobStore()
    const blobs = { ...forwardTo(inner, {}), capabilities: { ...inner.capabilities, conditionalDelete: false } }
    const store = new VolumeStore({ blobs })
    const volume = await store.create('claims')
    await volume.writeFile('/gone', 'x')
    const head = (await inner.head(`${volume.volumeId}/gone`))!
    await inner.put(head.key, new Uint8Array(0), { ifMatch: head.version, metadata: { [REMOVAL_CLAIM_KEY]: String(Date.now() - 3_600_000) } })
    expect(await volume.exists('/gone')).toBe(false)
    const found = await findingsOf((onFinding) => fsckVolume(store, volume.volumeId, { onFinding, repair: true }))
    expect(found.filter((f) => f.kind === 'stale-removal-claim').map((f) => f.path)).toEqual(['/gone'])
    expect(await inner.head(head.key)).toBeUndefined()
  })
})
