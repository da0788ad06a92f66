import { describe, expect, it } from 'vitest'
import { forwardTo, isVolumeError, usageKey, VolumeStore, type BlobStore } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'

const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** Blocks this process's event loop, as a long GC pause or a stopped VM does: no timer, no renewal runs. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Defects an adversarial run found, each on every adapter: a stale lease holder must not
 * land a write after another holder took over, a destroy racing a write leaves nothing
 * behind, and names that a backend reserves for itself are refused everywhere.
 */
export function runVolumeHardeningTests(blobsOf: () => BlobStore): void {
  describe('stale holders, destroy races, reserved names', () => {
    it('a holder whose lease expired inside a write does not land it after the next holder wrote', async () => {
      const blobs = blobsOf()
      let pause: (() => Promise<void>) | undefined
      // Holder 1's first put waits (before it is sent) for holder 2 to take over and write.
      const paused = forwardTo(blobs, {
        put: async (key, body, o) => {
          const wait = key.startsWith('.registry/') ? undefined : pause
          if (wait) pause = undefined
          if (wait) await wait()
          return blobs.put(key, body, o)
        },
      })
      const store = new VolumeStore({ blobs })
      const slow = new VolumeStore({ blobs: paused, leases: store.leases })
      const volume = await store.create(`stale-${unique()}`)
      await volume.writeFile('/f', 'original')
      const holder1 = await slow.attach('holder-1', { '/mnt': volume.volumeId }, { ttlMs: 300 })
      let holder2Wrote!: () => void
      const taken = new Promise<void>((resolve) => (holder2Wrote = resolve))
      pause = async () => {
        blockEventLoop(450)
        const holder2 = await store.attach('holder-2', { '/mnt': volume.volumeId }, { ttlMs: 5_000 })
        await holder2.volume('/mnt').writeFile('/f', 'holder-2')
        await holder2.release()
        holder2Wrote()
      }
      const write = holder1.volume('/mnt').writeFile('/f', 'holder-1 (stale)')
      await taken
      const error = await write.then(() => undefined, (e: unknown) => e)
      expect(isVolumeError(error, 'EBUSY') && error.reason === 'LeaseLost', `holder 1's write must fail with EBUSY LeaseLost, got ${String(error)}`).toBe(true)
      expect(await volume.readFile('/f')).toBe('holder-2')
      await holder1.release().catch(() => undefined)
      await store.destroy(volume.volumeId, { force: true })
    })

    it('a write in flight when the volume is destroyed leaves no object and no usage behind', async () => {
      const blobs = blobsOf()
      const store = new VolumeStore({ blobs })
      const volume = await store.create(`destroy-race-${unique()}`)
      await volume.writeFile('/before.txt', 'x')
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      async function* slowBody(): AsyncIterable<Uint8Array> {
        yield new Uint8Array(64 * 1024)
        await gate
        yield new Uint8Array(64 * 1024)
      }
      const write = volume.writeFile('/during.bin', slowBody())
      const destroyed = store.destroy(volume.volumeId)
      setTimeout(release, 50)
      const [writeOutcome] = await Promise.allSettled([write, destroyed])
      expect(await destroyed).toBe(true)
      // Later writes through the old handle are refused, not landed under a dead prefix.
      await expectVolumeError(volume.writeFile('/after.txt', 'late'), 'ENOENT')
      expect((await blobs.list(`${volume.volumeId}/`)).objects.map((o) => o.key), `write ${writeOutcome.status}`).toEqual([])
      expect(await blobs.head(usageKey(volume.volumeId))).toBeUndefined()
      await expectVolumeError(store.connect(volume.volumeId), 'ENOENT')
    })

    it('refuses names a backend reserves (MinIO __XLDIR__) with EINVAL on every backend, and keeps what exists', async () => {
      const store = new VolumeStore({ blobs: blobsOf() })
      const volume = await store.create(`reserved-${unique()}`)
      await volume.makeDir('/e')
      await volume.updateMetadata('/e', { mode: 0o700, uid: 7 })
      for (const attempt of [
        () => volume.writeFile('/d__XLDIR__', 'x'),
        () => volume.writeFile('/e__XLDIR__', 'x'),
        () => volume.makeDir('/f__XLDIR__'),
        () => volume.writeFile('/g__XLDIR__/h', 'x'),
        () => volume.rename('/e', '/e__XLDIR__'),
      ]) {
        const error = await expectVolumeError(attempt(), 'EINVAL')
        expect((error as { reason?: string }).reason).toBe('ReservedName')
      }
      expect(await volume.getInfo('/e')).toMatchObject({ type: 'directory', mode: 0o700, uid: 7 })
      expect((await volume.list('/')).map((entry) => entry.name)).toEqual(['e'])
      await store.destroy(volume.volumeId)
    })

    it('a directory name is as long as the backend can store beside its marker suffix', async () => {
      const blobs = blobsOf()
      const store = new VolumeStore({ blobs })
      const volume = await store.create(`long-dir-${unique()}`)
      const limit = Math.min(255, blobs.capabilities.maxSegmentBytes - (blobs.capabilities.markerSuffixBytes ?? 0))
      await volume.makeDir(`/${'d'.repeat(limit)}`)
      await volume.writeFile(`/${'d'.repeat(limit)}/f`, 'x')
      const error = await expectVolumeError(volume.makeDir(`/${'e'.repeat(limit + 1)}`), 'ENAMETOOLONG')
      expect(error.message).not.toContain(volume.volumeId)
      await store.destroy(volume.volumeId)
    })
  })
}
