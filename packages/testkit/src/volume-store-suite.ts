import { Readable } from 'node:stream'
import { beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError, lowercaseUnderscores, VolumeStore, type BlobStore, type Volume } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'
import { runVolumeFileTests } from './volume-files-suite.js'
import { runVolumePathProperties } from './volume-path-properties.js'
import { runVolumeModelProperties } from './volume-model-properties.js'
import { runVolumeAttachTests } from './volume-attach-suite.js'
import { runVolumeConcurrencyTests } from './volume-concurrency-suite.js'
import { runVolumeHardeningTests } from './volume-hardening-suite.js'
import { runSnapshotTests } from './snapshot-suite.js'

/** Creates a fresh, empty BlobStore for one suite run. */
export type VolumeBlobFactory = () => Promise<BlobStore> | BlobStore

/** Options of {@link runVolumeStoreConformance}. */
export interface VolumeSuiteOptions {
  /** Runs of the property-based tests (lower for slow backends). Default 60 for sequences, 400 for hostile paths. */
  readonly propertyRuns?: number
  readonly hostilePathRuns?: number
  /** Runs of the concurrent-mix quota property. Default 20. */
  readonly concurrencyRuns?: number
}

/**
 * The VolumeStore conformance suite: the POSIX rules, the registry and the codec,
 * the same on every adapter. Run it with a factory giving a fresh BlobStore.
 *
 * @example
 * runVolumeStoreConformance('my adapter', async () => new MyBlobStore({ prefix: `t-${Date.now()}/` }))
 */
export function runVolumeStoreConformance(name: string, factory: VolumeBlobFactory, options: VolumeSuiteOptions = {}): void {
  describe(`VolumeStore conformance: ${name}`, () => {
    let blobs: BlobStore
    let store: VolumeStore
    beforeAll(async () => {
      blobs = await factory()
      store = new VolumeStore({ blobs })
    })

    describe('registry', () => {
      it('creates, connects by id and by name, lists, describes and destroys', async () => {
        const volume = await store.create('reg-one', { sizeGb: 5, region: 'local', labels: { team: 'a' } })
        expect(volume.volumeId).toMatch(/^vol-/)
        expect(volume.name).toBe('reg-one')
        expect((await store.connect(volume.volumeId)).name).toBe('reg-one')
        expect((await store.connect('reg-one')).volumeId).toBe(volume.volumeId)
        const info = await store.getInfo(volume.volumeId)
        expect(info).toMatchObject({ volumeId: volume.volumeId, name: 'reg-one', sizeGb: 5, region: 'local', labels: { team: 'a' } })
        expect(info.createdAt).toBeInstanceOf(Date)
        expect((await store.list()).map((v) => v.name)).toContain('reg-one')
        expect(await store.destroy(volume.volumeId)).toBe(true)
        expect(await store.destroy(volume.volumeId)).toBe(false)
        await expectVolumeError(store.connect(volume.volumeId), 'ENOENT')
        await expectVolumeError(store.connect('reg-one'), 'ENOENT')
      })
      it('destroy removes every file of the volume', async () => {
        const volume = await store.create('reg-destroy')
        await volume.writeFile('/a/b/c.txt', 'x')
        await store.destroy('reg-destroy')
        expect((await blobs.list(`${volume.volumeId}/`)).objects).toEqual([])
        const again = await store.create('reg-destroy')
        expect(await again.list('/')).toEqual([])
      })
      it('refuses invalid names and sizes with EINVAL that states the rule', async () => {
        for (const bad of ['', 'has space', 'slash/name', 'dot.name', 'x'.repeat(64), 'ünicode', '../up']) {
          const error = await expectVolumeError(store.create(bad), 'EINVAL')
          expect(error.message).toContain('letters, numbers, and hyphens')
        }
        for (const size of [0, -1, 101, 1.5, Number.NaN]) {
          const error = await expectVolumeError(store.create('size-check', { sizeGb: size }), 'EINVAL')
          expect(error.message).toContain('Size must be 1-100 GB')
        }
        expect((await store.list()).map((v) => v.name)).not.toContain('size-check')
      })
      it('applies a configured name policy', async () => {
        const strict = new VolumeStore({ blobs, namePolicy: lowercaseUnderscores })
        await expectVolumeError(strict.create('My-Project'), 'EINVAL')
        const ok = await strict.create('my_project')
        await strict.destroy(ok.volumeId)
      })
      it('of two concurrent creates of one name exactly one wins; the other is EEXIST', async () => {
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.create('reg-race')))
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EEXIST')).toBe(true)
        expect((await store.list()).filter((v) => v.name === 'reg-race')).toHaveLength(1)
        await store.destroy('reg-race')
      })
      it('destroy of an attached volume is EBUSY unless forced', async () => {
        const volume = await store.create('reg-attached')
        const lease = await store.leases.acquire(volume.volumeId, 'sandbox-1', { mode: 'exclusive', autoRenew: false })
        await expectVolumeError(store.destroy(volume.volumeId), 'EBUSY')
        expect(await store.destroy(volume.volumeId, { force: true })).toBe(true)
        await lease.release()
      })
    })

    describe('files', () => {
      let volume: Volume
      beforeAll(async () => {
        volume = await store.create(`files-${Date.now().toString(36)}`, { sizeGb: 2 })
      })
      runVolumeFileTests(() => volume)
      it('accepts every kind of write data', async () => {
        const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('web')); c.close() } })
        async function* iterable(): AsyncIterable<Uint8Array> { yield new TextEncoder().encode('iter') }
        const cases: [string, unknown, string][] = [
          ['string', 'text', 'text'],
          ['uint8', new TextEncoder().encode('bytes'), 'bytes'],
          ['arraybuffer', new TextEncoder().encode('ab').buffer, 'ab'],
          ['blob', new Blob(['blob']), 'blob'],
          ['web', web, 'web'],
          ['node', Readable.from([Buffer.from('node')]), 'node'],
          ['iterable', iterable(), 'iter'],
        ]
        for (const [name, data, expected] of cases) {
          await volume.writeFile(`/data/${name}`, data as string)
          expect(await volume.readFile(`/data/${name}`)).toBe(expected)
        }
      })
    })

    runVolumeAttachTests(() => blobs)
    runVolumeConcurrencyTests(() => blobs, options.concurrencyRuns ?? 20)
    runVolumeHardeningTests(() => blobs)
    runSnapshotTests(() => blobs)
    runVolumePathProperties(() => ({ blobs, store }), options.hostilePathRuns ?? 400)
    runVolumeModelProperties(() => store, options.propertyRuns ?? 60)
  })
}
