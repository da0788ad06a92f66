import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RegistryTokenFloor, VolumeStore, type BlobStore, type Volume } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'

const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** What nobody may observe after a refused write: the volume's files, listed recursively. */
const filesOf = async (volume: Volume): Promise<string[]> => (await volume.list('/', { depth: 10 })).map((entry) => entry.path).sort()

/** Every kind of mutation a handle offers, against a volume holding `/keep.txt`. */
function mutationsOf(volume: Volume): [string, () => Promise<unknown>][] {
  return [
    ['writeFile', () => volume.writeFile('/new.txt', 'x')],
    ['makeDir', () => volume.makeDir('/dir')],
    ['remove', () => volume.remove('/keep.txt')],
    ['rename', () => volume.rename('/keep.txt', '/moved.txt')],
    ['copy', () => volume.copy('/keep.txt', '/copied.txt')],
    ['updateMetadata', () => volume.updateMetadata('/keep.txt', { mode: 0o600 })],
  ]
}

/**
 * Attachments and quotas on one adapter; part of the VolumeStore conformance suite.
 * Each test makes its own stores on the suite's BlobStore, with uniquely named volumes.
 */
export function runVolumeAttachTests(blobsOf: () => BlobStore): void {
  describe('attachments and quotas', () => {
    const needsCas = (skip: () => void): void => {
      const { compareAndSwap, conditionalCreate } = blobsOf().capabilities
      if (!compareAndSwap || !conditionalCreate) skip()
    }

    it('attaches volumes at mount paths; mounted handles read and write', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const a = await store.create(`att-a-${unique()}`)
      const b = await store.create(`att-b-${unique()}`)
      const attachment = await store.attach('sandbox-1', { '/mnt/a': a.name, '/mnt/b': b.volumeId })
      expect(attachment.mounts.map((m) => m.path)).toEqual(['/mnt/a', '/mnt/b'])
      await attachment.volume('/mnt/a').writeFile('/hello.txt', 'hi')
      expect(await a.readFile('/hello.txt')).toBe('hi')
      expect((await store.leases.listByHolder('sandbox-1')).map((l) => l.volumeId).sort()).toEqual([a.volumeId, b.volumeId].sort())
      await attachment.release()
      expect(await store.leases.listByHolder('sandbox-1')).toEqual([])
      await store.destroy(a.volumeId)
      await store.destroy(b.volumeId)
    })

    it('refuses bad mount paths with EINVAL naming the path', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const volume = await store.create(`att-paths-${unique()}`)
      for (const mounts of [{ 'mnt/data': volume.name }, { '/': volume.name }, { '/mnt/../etc': volume.name }]) {
        const error = await expectVolumeError(store.attach('sandbox-p', mounts), 'EINVAL')
        expect(error.message).toContain(Object.keys(mounts)[0])
      }
      const nested = await expectVolumeError(store.attach('sandbox-p', { '/mnt': volume.name, '/mnt/data': volume.name }), 'EINVAL')
      expect(nested.message).toContain('/mnt/data')
      expect(await store.leases.listByHolder('sandbox-p')).toEqual([])
      await store.destroy(volume.volumeId)
    })

    it('is all or nothing: EBUSY `Volume "x" is already attached`, and no lease stays', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const free = await store.create(`att-free-${unique()}`)
      const taken = await store.create(`att-taken-${unique()}`)
      const first = await store.attach('sandbox-1', { '/data': taken.name })
      const error = await expectVolumeError(store.attach('sandbox-2', { '/a': free.name, '/b': taken.name }), 'EBUSY')
      expect(error.message).toContain(`Volume "${taken.name}" is already attached`)
      expect(await store.leases.listByHolder('sandbox-2')).toEqual([])
      expect(await store.leases.listAttachments(free.volumeId)).toEqual([])
      await expectVolumeError(store.destroy(taken.volumeId), 'EBUSY')
      await first.release()
      await store.destroy(free.volumeId)
      expect(await store.destroy(taken.volumeId)).toBe(true)
    })

    it('a readonly attachment refuses every mutation with EROFS and writes nothing', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const volume = await store.create(`att-ro-${unique()}`)
      await volume.writeFile('/keep.txt', 'kept')
      const before = await filesOf(volume)
      const attachment = await store.attach('reader', { '/ro': volume.name }, { mode: 'readonly' })
      const mounted = attachment.volume('/ro')
      expect(await mounted.readFile('/keep.txt')).toBe('kept')
      for (const [, mutate] of mutationsOf(mounted)) await expectVolumeError(mutate(), 'EROFS')
      expect(await filesOf(volume)).toEqual(before)
      expect(await volume.readFile('/keep.txt')).toBe('kept')
      await attachment.release()
      await store.destroy(volume.volumeId)
    })

    it('after its lease is force-released every mutation is EBUSY, nothing is written, the next holder keeps its data', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const volume = await store.create(`att-lost-${unique()}`)
      await volume.writeFile('/keep.txt', 'first')
      const first = await store.attach('holder-1', { '/data': volume.name })
      expect(await store.leases.forceRelease(volume.volumeId, 'holder-1', 'test')).toBe(true)
      const second = await store.attach('holder-2', { '/data': volume.name })
      await second.volume('/data').writeFile('/keep.txt', 'second')
      const before = await filesOf(volume)
      for (const [op, mutate] of mutationsOf(first.volume('/data'))) {
        const error = await expectVolumeError(mutate(), 'EBUSY')
        expect((error as { reason?: string }).reason, op).toBe('LeaseLost')
      }
      expect(first.signal.aborted).toBe(true)
      expect(await filesOf(volume)).toEqual(before)
      expect(await volume.readFile('/keep.txt')).toBe('second')
      await first.release()
      await second.release()
      await store.destroy(volume.volumeId)
    })

    it('a write past the size is ENOSPC and writes nothing (bytes and streams); usage equals a recount', async (context) => {
      needsCas(() => context.skip())
      const store = new VolumeStore({ blobs: blobsOf(), quota: { bytesPerGb: 1000 } })
      const volume = await store.create(`quota-${unique()}`, { sizeGb: 1 })
      await volume.writeFile('/a.bin', new Uint8Array(600))
      const full = await expectVolumeError(volume.writeFile('/b.bin', new Uint8Array(500)), 'ENOSPC')
      expect((full as { reason?: string }).reason).toBe('QuotaExceeded')
      await expectVolumeError(volume.writeFile('/c.bin', Readable.from([Buffer.alloc(300), Buffer.alloc(300)])), 'ENOSPC')
      expect(await volume.exists('/b.bin')).toBe(false)
      expect(await volume.exists('/c.bin')).toBe(false)
      await volume.writeFile('/a.bin', new Uint8Array(900))
      expect(await volume.getUsage()).toEqual({ bytes: 900, inodes: 1, sizeBytes: 1000, maxInodes: null })
      await volume.remove('/a.bin')
      await volume.writeFile('/d.bin', Readable.from([Buffer.alloc(400), Buffer.alloc(400)]))
      const usage = await volume.getUsage()
      expect(usage).toMatchObject({ bytes: 800, inodes: 1 })
      expect(await store.recomputeUsage(volume.volumeId)).toEqual(usage)
      await store.destroy(volume.volumeId)
    })

    it('the inode limit counts files and directories: ENOSPC past it, nothing written', async (context) => {
      needsCas(() => context.skip())
      const store = new VolumeStore({ blobs: blobsOf(), quota: { maxInodes: 3 } })
      const volume = await store.create(`inodes-${unique()}`)
      await volume.writeFile('/dir/one.txt', '1')
      await volume.writeFile('/dir/two.txt', '2')
      await expectVolumeError(volume.writeFile('/dir/three.txt', '3'), 'ENOSPC')
      await expectVolumeError(volume.makeDir('/other'), 'ENOSPC')
      expect(await filesOf(volume)).toEqual(['/dir', '/dir/one.txt', '/dir/two.txt'])
      await volume.remove('/dir/two.txt')
      await volume.makeDir('/other')
      expect(await volume.getUsage()).toMatchObject({ inodes: 3, maxInodes: 3 })
      expect((await store.recomputeUsage(volume.name)).inodes).toBe(3)
      await store.destroy(volume.volumeId)
    })

    it('the registry token floor only ever rises', async (context) => {
      needsCas(() => context.skip())
      const store = new VolumeStore({ blobs: blobsOf() })
      const volume = await store.create(`floor-${unique()}`)
      const floor = new RegistryTokenFloor(blobsOf())
      expect(await floor.read(volume.volumeId)).toBe(0)
      await Promise.all([5, 120, 40, 119, 7].map((token) => floor.raise(volume.volumeId, token)))
      expect(await store.tokenFloor.read(volume.volumeId)).toBe(120)
      await floor.raise(volume.volumeId, 3)
      expect(await floor.read(volume.volumeId)).toBe(120)
      expect((await store.getInfo(volume.volumeId)).name).toBe(volume.name)
      await expectVolumeError(floor.raise('vol-aaaaaaaaaaaaaaaaaaaa', 1), 'ENOENT')
      await store.destroy(volume.volumeId)
    })
  })
}
