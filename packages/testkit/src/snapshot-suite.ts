import { describe, expect, it } from 'vitest'
import { isVolumeError, VolumeStore, type BlobStore, type Volume } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'

/** What must survive a snapshot: every attribute of every entry (atime and ctime aside). */
async function treeOf(volume: Volume): Promise<unknown[]> {
  const entries = await volume.list('/', { depth: 10 })
  const described = await Promise.all(entries.map(async (entry) => ({
    path: entry.path, type: entry.type, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid,
    mtime: entry.mtime.getTime(), target: entry.target,
    content: entry.type === 'file' ? await volume.readFile(entry.path) : undefined,
  })))
  return described.sort((a, b) => a.path.localeCompare(b.path))
}

async function fillVolume(volume: Volume): Promise<void> {
  await volume.writeFile('/docs/readme.md', '# hello', { mode: 0o600, uid: 1000, gid: 1001 })
  await volume.writeFile('/bin/run.sh', '#!/bin/sh\necho hi\n', { mode: 0o755 })
  await volume.writeFile('/empty.txt', '')
  await volume.makeDir('/empty-dir/nested', { force: true })
  await volume.setTimes('/docs/readme.md', { mtime: new Date('2020-01-02T03:04:05.678Z') })
  await volume.symlink('docs/readme.md', '/link-to-readme')
}

/**
 * Snapshots, fork and restore on one backend: attributes survive, snapshots are immutable
 * points in time (also under concurrent writers), forks are independent, bad input is typed.
 */
export function runSnapshotTests(getBlobs: () => BlobStore): void {
  describe('snapshots, fork and restore', () => {
    const store = (): VolumeStore => new VolumeStore({ blobs: getBlobs() })
    let n = 0
    const unique = (stem: string): string => `${stem}-${Date.now().toString(36)}-${n++}`

    it('content and every attribute survive snapshot -> fork and snapshot -> restore', async () => {
      const s = store()
      const volume = await s.create(unique('snap-attrs'))
      await fillVolume(volume)
      const before = await treeOf(volume)
      const snapshot = await volume.snapshot({ name: 'first', labels: { step: 'one' } })
      expect(snapshot).toMatchObject({ volumeId: volume.volumeId, name: 'first', files: 4, labels: { step: 'one' } })
      expect(snapshot.bytes).toBe(7 + 18 + 0 + 'docs/readme.md'.length)
      const fork = await s.fork(snapshot.snapshotId, unique('snap-attrs-fork'))
      expect(await treeOf(fork)).toEqual(before)
      expect((await fork.getUsage())).toMatchObject(await s.recomputeUsage(fork.volumeId))
      await volume.remove('/docs', { recursive: true })
      await volume.writeFile('/bin/run.sh', 'changed')
      await volume.writeFile('/new.txt', 'new')
      await volume.restore(snapshot.snapshotId)
      expect(await treeOf(volume)).toEqual(before)
      const usage = await volume.getUsage()
      expect({ bytes: usage.bytes, inodes: usage.inodes }).toEqual(await s.recomputeUsage(volume.volumeId).then((u) => ({ bytes: u.bytes, inodes: u.inodes })))
      await s.destroy(fork.volumeId)
      await s.destroy(volume.volumeId, { snapshots: 'delete' })
    })

    it('writes after a snapshot do not leak into it; a fork never changes source or snapshot', async () => {
      const s = store()
      const volume = await s.create(unique('snap-leak'))
      await volume.writeFile('/a.txt', 'v1')
      const snapshot = await volume.snapshot()
      await volume.writeFile('/a.txt', 'v2')
      await volume.writeFile('/b.txt', 'later')
      const fork = await s.fork(snapshot.snapshotId, unique('snap-leak-fork'))
      expect(await fork.readFile('/a.txt')).toBe('v1')
      expect(await fork.exists('/b.txt')).toBe(false)
      await fork.writeFile('/a.txt', 'fork-only')
      expect(await volume.readFile('/a.txt')).toBe('v2')
      const again = await s.fork(snapshot.snapshotId, unique('snap-leak-again'))
      expect(await again.readFile('/a.txt')).toBe('v1')
      expect(usageOf(await s.getSnapshot(snapshot.snapshotId))).toEqual({ files: 1, bytes: 2 })
      // A snapshot counts against no volume's quota.
      expect((await volume.getUsage()).bytes).toBe(2 + 5)
      for (const v of [fork, again]) await s.destroy(v.volumeId)
      await s.destroy(volume.volumeId, { snapshots: 'delete' })
    })

    it('concurrent writers of file pairs: every snapshot holds matching pairs', async () => {
      const s = store()
      const volume = await s.create(unique('snap-pairs'))
      const pairs = ['p0', 'p1']
      for (const p of pairs) {
        await volume.writeFile(`/${p}/a`, '0')
        await volume.writeFile(`/${p}/b`, '0')
      }
      // Each writer writes a then b, so a point in time holds a == b or a == b + 1: never b > a, never a > b + 1.
      // Writers pause between pairs (pacing, not an assertion) and stop after a bounded number of rounds.
      let writing = pairs.length
      const writer = async (p: string): Promise<void> => {
        for (let round = 1; round <= 8; round++) {
          await volume.writeFile(`/${p}/a`, String(round))
          await volume.writeFile(`/${p}/b`, String(round))
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        writing--
      }
      const writers = pairs.map(writer)
      const snapshots = []
      let contended = 0
      try {
        for (let attempt = 0; attempt < 8 && (writing > 0 || snapshots.length < 1); attempt++) {
          try {
            snapshots.push(await volume.snapshot())
          } catch (error) {
            if (!isVolumeError(error, 'EAGAIN')) throw error
            contended++
          }
        }
      } finally {
        await Promise.all(writers)
      }
      expect(snapshots.length + contended).toBeGreaterThan(0)
      expect(snapshots.length).toBeGreaterThan(0)
      for (const snapshot of snapshots) {
        const fork = await s.fork(snapshot.snapshotId, unique('snap-pairs-fork'))
        for (const p of pairs) {
          const a = Number(await fork.readFile(`/${p}/a`))
          const b = Number(await fork.readFile(`/${p}/b`))
          expect([b, b + 1]).toContain(a)
        }
        await s.destroy(fork.volumeId)
      }
      await s.destroy(volume.volumeId, { snapshots: 'delete' })
    })

    it('fork of a fork; deleting the snapshot forks came from leaves them whole', async () => {
      const s = store()
      const volume = await s.create(unique('snap-chain'))
      await volume.writeFile('/x/y.txt', 'root', { mode: 0o640 })
      const first = await volume.snapshot()
      const fork = await s.fork(first.snapshotId, unique('snap-chain-1'), { labels: { gen: '1' } })
      await fork.writeFile('/x/z.txt', 'gen1')
      const second = await fork.snapshot()
      const grandchild = await s.fork(second.snapshotId, unique('snap-chain-2'))
      expect(grandchild.info.labels).toEqual({ gen: '1' })
      expect(await s.deleteSnapshot(first.snapshotId)).toBe(true)
      expect(await s.deleteSnapshot(first.snapshotId)).toBe(false)
      const gone = await expectVolumeError(s.getSnapshot(first.snapshotId), 'ENOENT')
      expect((gone as { reason?: string }).reason).toBe('SnapshotNotFound')
      expect(await s.listSnapshots(volume.volumeId)).toEqual([])
      expect((await s.listSnapshots(fork.name)).map((x) => x.snapshotId)).toEqual([second.snapshotId])
      expect(await fork.readFile('/x/y.txt')).toBe('root')
      expect(await grandchild.readFile('/x/z.txt')).toBe('gen1')
      expect((await grandchild.getInfo('/x/y.txt')).mode & 0o777).toBe(0o640)
      await s.destroy(grandchild.volumeId)
      await s.destroy(fork.volumeId, { snapshots: 'delete' })
      await s.destroy(volume.volumeId)
    })

    it('bad input: unknown snapshot, taken name, attached by another holder, names and labels, destroy with snapshots', async () => {
      const s = store()
      const volume = await s.create(unique('snap-bad'))
      await volume.writeFile('/f', 'x')
      for (const bad of ['snap-aaaaaaaaaaaaaaaaaaaa', 'nope', '../x']) {
        const error = await expectVolumeError(s.getSnapshot(bad), 'ENOENT')
        expect((error as { reason?: string }).reason).toBe('SnapshotNotFound')
        await expectVolumeError(s.fork(bad, unique('snap-bad-fork')), 'ENOENT')
        await expectVolumeError(volume.restore(bad), 'ENOENT')
      }
      await expectVolumeError(volume.snapshot({ name: 'has space' }), 'EINVAL')
      await expectVolumeError(volume.snapshot({ labels: { 'bad key!': 'v' } }), 'EINVAL')
      const snapshot = await volume.snapshot()
      await expectVolumeError(s.fork(snapshot.snapshotId, volume.name), 'EEXIST')
      await expectVolumeError(s.fork(snapshot.snapshotId, 'bad/name'), 'EINVAL')
      await expectVolumeError(s.fork(snapshot.snapshotId, unique('snap-bad-size'), { sizeGb: 0 }), 'EINVAL')
      const attachment = await s.attach('other-holder', { '/w': volume.name })
      await expectVolumeError(volume.restore(snapshot.snapshotId), 'EBUSY')
      await attachment.volume('/w').restore(snapshot.snapshotId, { holderId: 'other-holder' })
      await attachment.release()
      const refused = await expectVolumeError(s.destroy(volume.volumeId), 'EBUSY')
      expect((refused as { reason?: string }).reason).toBe('VolumeHasSnapshots')
      expect(await s.destroy(volume.volumeId, { snapshots: 'delete' })).toBe(true)
      await expectVolumeError(s.getSnapshot(snapshot.snapshotId), 'ENOENT')
    })
  })
}

function usageOf(snapshot: { files: number; bytes: number }): { files: number; bytes: number } {
  return { files: snapshot.files, bytes: snapshot.bytes }
}
