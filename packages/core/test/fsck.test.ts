import { describe, expect, it } from 'vitest'
import { fsckBucket, fsckVolume, MemoryBlobStore, openBucketVolume, VolumeStore, type FsckOutcome } from '@volumes/core'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

async function seed(blobs: MemoryBlobStore, prefix = ''): Promise<void> {
  const put = (key: string, body: string, metadata: Record<string, string> = {}) => blobs.put(prefix + key, bytes(body), { metadata })
  await put('legacy_$folder$', '', { mode: '16872', uid: '5', mtime: '1600000000' })
  await put('dirobj', '', { mode: '16893', uid: '7' })
  await put('dirobj/inside.txt', 'inside', { mode: '33188', mtime: '1600000000.000000000', uid: '0', gid: '0' })
  await put('rclone.txt', 'rc', { mode: '100600', mtime: '1700000000.5', atime: '2023-11-14T22:13:21Z', btime: '2023-01-01T00:00:00Z', uid: '1000', gid: '1000' })
  await put('gcsfuse-link', '', { gcsfuse_symlink_target: 'rclone.txt', gcsfuse_mtime: '2023-11-14T22:13:20Z' })
  await put('plain.txt', 'no metadata')
  await put('implicit/deep/a.txt', 'a', { mode: '33188', mtime: '1600000000.000000000', uid: '0', gid: '0' })
  await put('file', 'a file')
  await put('file/child', 'hidden', { mode: '33188', mtime: '1600000000.000000000', uid: '0', gid: '0' })
}

describe('fsck', () => {
  it('finds each foreign form, repairs it into ours without changing what a volume shows, and finds nothing the second time', async () => {
    const blobs = new MemoryBlobStore()
    await seed(blobs)
    const volume = openBucketVolume(blobs)
    const before = await volume.list('/', { depth: 3 })
    const found: FsckOutcome[] = []
    const report = await fsckBucket(blobs, '', { onFinding: (outcome) => found.push(outcome) })
    expect(report.byKind).toEqual({ 'legacy-marker': 1, 'directory-object': 1, 'foreign-metadata': 2, 'missing-metadata': 2, 'missing-marker': 2, 'children-under-file': 1 })
    expect(found.every((outcome) => !outcome.repaired)).toBe(true)
    expect(found.find((outcome) => outcome.key === 'rclone.txt')?.detail).toMatch(/rclone's octal st_mode/)

    const progress: number[] = []
    const repaired = await fsckBucket(blobs, '', { repair: true, onProgress: (p) => progress.push(p.objects) })
    expect(repaired).toMatchObject({ findings: 9, repaired: 8, unrepaired: 1 })
    expect(progress).toContain(9) // the first pass; one that moved directory objects is followed by another
    expect(await blobs.head('legacy_$folder$')).toBeUndefined()
    expect(await blobs.head('dirobj')).toBeUndefined()
    expect((await blobs.head('legacy/'))?.metadata).toMatchObject({ mode: '16872', uid: '5', mtime: '1600000000.000000000' })
    expect((await blobs.head('rclone.txt'))?.metadata).toMatchObject({ mode: String(0o100600), btime: '2023-01-01T00:00:00Z', atime: '1700000001.000000000' })
    expect(await volume.readlink('/gcsfuse-link')).toBe('rclone.txt')
    expect((await blobs.head('gcsfuse-link'))?.size).toBe(10)
    const after = await volume.list('/', { depth: 3 })
    const strip = (entries: typeof before) => entries.map(({ path, type, mode, uid, gid, size, mtime }) => ({ path, type, mode, uid, gid, size: type === 'symlink' ? 0 : size, mtime: path.startsWith('/implicit') || path === '/plain.txt' ? 0 : mtime.getTime() }))
    expect(strip(after)).toEqual(strip(before))

    const again = await fsckBucket(blobs, '', { repair: true })
    expect(again).toMatchObject({ findings: 1, byKind: { 'children-under-file': 1 } })
  })

  it('checks a volume of a store: its tree, usage against a recount after repairs, and orphaned registry records', async () => {
    const blobs = new MemoryBlobStore()
    const store = new VolumeStore({ blobs })
    const volume = await store.create('checked')
    await volume.writeFile('/ours.txt', 'ours')
    await seed(blobs, `${volume.volumeId}/`)
    await blobs.put('.registry/by-id/vol-aaaaaaaaaaaaaaaaaaaa', bytes('{"name":"gone"}'))
    const report = await fsckVolume(store, 'checked', { registryGraceMs: 0 })
    expect(report.byKind).toMatchObject({ 'usage-mismatch': 1, 'orphan-registry-record': 1, 'legacy-marker': 1, 'foreign-metadata': 2 })
    expect((await fsckVolume(store, 'checked')).byKind['orphan-registry-record']).toBeUndefined()
    const repaired = await fsckVolume(store, 'checked', { repair: true, registryGraceMs: 0 })
    expect(repaired).toMatchObject({ unrepaired: 1, byKind: { 'usage-mismatch': 1, 'orphan-registry-record': 1 } })
    expect(await blobs.head('.registry/by-id/vol-aaaaaaaaaaaaaaaaaaaa')).toBeUndefined()
    expect(await fsckVolume(store, 'checked', { registryGraceMs: 0 })).toMatchObject({ findings: 1, byKind: { 'children-under-file': 1 } })
    expect(await volume.readFile('/ours.txt')).toBe('ours')
  })
})
