import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { beforeAll, describe, expect, it } from 'vitest'
import { collectBytes, isVolumeError, openBucketVolume, STREAM_RESERVATION_BYTES, usageKey, VolumeStore, type BlobStore, type Volume } from '@volumes/core'
import { expectVolumeError } from '@volumes/testkit'
import { backends } from './backends.js'

let counter = 0
const fresh = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${counter++}`
const MB = 1_000_000

/** One megabyte-ish stream in `chunk`-byte pieces. */
function streamOf(total: number, chunk: number): Readable {
  return Readable.from((function* () {
    for (let sent = 0; sent < total; sent += chunk) yield Buffer.alloc(Math.min(chunk, total - sent), 7)
  })())
}

/** Wraps a BlobStore, counting puts of keys that `match`. */
function countPuts(inner: BlobStore, match: (key: string) => boolean): { blobs: BlobStore; puts: () => number } {
  let puts = 0
  const blobs = new Proxy(inner, {
    get(target, property) {
      if (property === 'put') return (key: string, ...rest: unknown[]) => {
        if (match(key)) puts++
        return (target.put as (...args: unknown[]) => unknown)(key, ...rest)
      }
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { blobs, puts: () => puts }
}

async function storedUsage(blobs: BlobStore, volumeId: string): Promise<{ bytes: number; inodes: number } | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await collectBytes((await blobs.get(usageKey(volumeId))).body))) as { bytes: number; inodes: number }
  } catch (error) {
    if (isVolumeError(error, 'ENOENT')) return undefined
    throw error
  }
}

/** Asserts that the tracked usage equals a fresh count of the bucket, and returns it. */
async function expectExact(store: VolumeStore, volume: Volume): Promise<{ bytes: number; inodes: number }> {
  const tracked = await volume.getUsage()
  const counted = await store.recomputeUsage(volume.volumeId)
  expect({ bytes: tracked.bytes, inodes: tracked.inodes }).toEqual({ bytes: counted.bytes, inodes: counted.inodes })
  return counted
}

describe.each(backends)('quotas on $name', (backend) => {
  let blobs: BlobStore
  beforeAll(async () => {
    blobs = await backend.make()
  })
  /** A store where one "GB" is `bytesPerGb` bytes: test volumes small enough to fill. */
  const storeOf = (bytesPerGb: number, maxInodes?: number, on: BlobStore = blobs): VolumeStore =>
    new VolumeStore({ blobs: on, quota: { bytesPerGb, ...(maxInodes === undefined ? {} : { maxInodes }) } })

  it('a known-length write past the size is ENOSPC (QuotaExceeded) and changes nothing', async () => {
    const store = storeOf(1000)
    const volume = await store.create(fresh('known'), { sizeGb: 2 })
    await volume.writeFile('/a', new Uint8Array(1500))
    await volume.writeFile('/b', 'small')
    const error = await expectVolumeError(volume.writeFile('/c', new Uint8Array(600)), 'ENOSPC')
    expect((error as { reason?: string }).reason).toBe('QuotaExceeded')
    expect(error.message).toContain('/c')
    await expectVolumeError(volume.writeFile('/b', new Uint8Array(600)), 'ENOSPC')
    expect(await volume.readFile('/b')).toBe('small')
    expect(await volume.exists('/c')).toBe(false)
    await volume.writeFile('/a', new Uint8Array(1995))
    expect(await volume.getUsage()).toEqual({ bytes: 2000, inodes: 2, sizeBytes: 2000, maxInodes: null })
    await expectExact(store, volume)
  })

  it('a stream past the size is ENOSPC and writes nothing; streams reserve every 8 MiB, not per chunk', async () => {
    const store = storeOf(64 * 1024 * 1024)
    const counting = countPuts(blobs, (key) => key.startsWith('.registry/usage/'))
    const metered = new VolumeStore({ blobs: counting.blobs, quota: { bytesPerGb: 64 * 1024 * 1024 } })
    const volume = await store.create(fresh('stream'))
    const handle = await metered.connect(volume.volumeId)
    await handle.makeDir('/s')
    const before = counting.puts()
    await handle.writeFile('/s/twenty', streamOf(20 * 1024 * 1024, 1024 * 1024))
    // one inode, ceil(20 MiB / (8 MiB + a chunk)) reservations, one release of the unused rest
    expect(counting.puts() - before).toBeLessThanOrEqual(2 + Math.ceil((20 * 1024 * 1024) / STREAM_RESERVATION_BYTES))
    expect(await volume.getUsage()).toMatchObject({ bytes: 20 * 1024 * 1024, inodes: 2 })
    const error = await expectVolumeError(handle.writeFile('/s/fifty', streamOf(50 * 1024 * 1024, 1024 * 1024)), 'ENOSPC')
    expect((error as { reason?: string }).reason).toBe('QuotaExceeded')
    expect(await volume.exists('/s/fifty')).toBe(false)
    await handle.writeFile('/s/twenty', streamOf(60 * 1024 * 1024, 4 * 1024 * 1024))
    expect((await volume.getInfo('/s/twenty')).size).toBe(60 * 1024 * 1024)
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 60 * 1024 * 1024, inodes: 2 })
  })

  it('one conditional write of the usage object per write, and per remove', async () => {
    const counting = countPuts(blobs, (key) => key.startsWith('.registry/usage/'))
    const store = new VolumeStore({ blobs: counting.blobs, quota: { bytesPerGb: MB } })
    const volume = await store.create(fresh('cost'))
    await volume.writeFile('/dir/warm', 'x')
    let before = counting.puts()
    await volume.writeFile('/dir/file', new Uint8Array(1000))
    expect(counting.puts() - before).toBe(1)
    before = counting.puts()
    await volume.writeFile('/dir/file', new Uint8Array(2000))
    expect(counting.puts() - before).toBe(1)
    before = counting.puts()
    await volume.remove('/dir/file')
    expect(counting.puts() - before).toBe(1)
  })

  it('parallel writers from two stores near the limit: never over it, exactly what fits, usage equals a recount', async () => {
    const one = storeOf(10 * MB)
    const two = storeOf(10 * MB)
    const volume = await one.create(fresh('parallel'))
    const handles = [volume, await two.connect(volume.volumeId)]
    await volume.makeDir('/w')
    let highest = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        highest = Math.max(highest, (await storedUsage(blobs, volume.volumeId))?.bytes ?? 0)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => handles[i % 2]!.writeFile(`/w/f${i}`, new Uint8Array(MB))))
    sampling = false
    await sampler
    const written = results.filter((r) => r.status === 'fulfilled').length
    for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'ENOSPC'), String(r.reason)).toBe(true)
    expect(written).toBe(10)
    expect(highest).toBeLessThanOrEqual(10 * MB)
    expect((await volume.list('/w')).length).toBe(10)
    expect(await expectExact(one, volume)).toEqual({ bytes: 10 * MB, inodes: 11, sizeBytes: 10 * MB, maxInodes: null })
  })

  it('parallel streams near the limit: what was written is exactly what is counted', async () => {
    const one = storeOf(10 * MB)
    const two = storeOf(10 * MB)
    const volume = await one.create(fresh('streams'))
    const handles = [volume, await two.connect(volume.volumeId)]
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => handles[i % 2]!.writeFile(`/s${i}`, streamOf(MB, 64 * 1024))))
    for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'ENOSPC'), String(r.reason)).toBe(true)
    const written = results.filter((r) => r.status === 'fulfilled').length
    expect(written).toBeGreaterThanOrEqual(1)
    expect(await expectExact(one, volume)).toMatchObject({ bytes: written * MB, inodes: written })
  })

  it('concurrent overwrites of one path from three stores stay exact', async () => {
    const one = storeOf(MB)
    const volume = await one.create(fresh('same'))
    const handles = [volume, await storeOf(MB).connect(volume.volumeId), await storeOf(MB).connect(volume.volumeId)]
    await Promise.all(Array.from({ length: 30 }, (_, i) => handles[i % 3]!.writeFile('/same', new Uint8Array(100 + i * 10))))
    const size = (await volume.getInfo('/same')).size
    expect(await expectExact(one, volume)).toMatchObject({ bytes: size, inodes: 1 })
    const creators = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => handles[i % 2]!.writeFile('/once', 'abc', { exclusive: true })))
    expect(creators.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of creators) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EEXIST')).toBe(true)
    await expectExact(one, volume)
  })

  it('the inode limit counts files and directories (ENOSPC), and frees on remove', async () => {
    const store = storeOf(MB, 5)
    const volume = await store.create(fresh('inodes'))
    await volume.makeDir('/a/b', { force: true })
    await volume.writeFile('/a/b/one', '1')
    await volume.writeFile('/a/two', '2')
    await volume.writeFile('/three', '3')
    await expectVolumeError(volume.writeFile('/four', '4'), 'ENOSPC')
    await expectVolumeError(volume.makeDir('/d'), 'ENOSPC')
    await expectVolumeError(volume.copy('/three', '/copy'), 'ENOSPC')
    expect(await volume.exists('/four')).toBe(false)
    expect(await volume.exists('/copy')).toBe(false)
    await volume.remove('/a', { recursive: true })
    expect(await volume.getUsage()).toMatchObject({ inodes: 1, maxInodes: 5 })
    await volume.writeFile('/x/y/z', 'z')
    await expectExact(store, volume)
  })

  it('copies, renames and removes keep usage exact; a copy that does not fit is ENOSPC', async () => {
    const store = storeOf(10_000)
    const volume = await store.create(fresh('moves'))
    await volume.writeFile('/src/a', new Uint8Array(1000))
    await volume.writeFile('/src/sub/b', new Uint8Array(500))
    await volume.copy('/src', '/copy', { recursive: true })
    await expectExact(store, volume)
    await volume.writeFile('/merge/a', new Uint8Array(10))
    await volume.writeFile('/merge/keep', new Uint8Array(20))
    await volume.copy('/src', '/merge', { recursive: true })
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 4520 })
    await volume.rename('/copy', '/renamed')
    await volume.makeDir('/empty')
    await volume.rename('/renamed', '/empty')
    await volume.writeFile('/big', new Uint8Array(3000))
    await volume.rename('/src/a', '/big')
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 4520 })
    await volume.copy('/big', '/big2')
    await volume.copy('/big', '/big2')
    await expectExact(store, volume)
    await volume.writeFile('/filler', new Uint8Array(10_000 - (await volume.getUsage()).bytes - 100))
    const error = await expectVolumeError(volume.copy('/big', '/big3'), 'ENOSPC')
    expect(error.message).toContain('/big3')
    expect(await volume.exists('/big3')).toBe(false)
    await volume.remove('/empty', { recursive: true })
    await volume.remove('/merge', { recursive: true })
    await volume.updateMetadata('/big', { mode: 0o600 })
    await expectExact(store, volume)
  })

  it('uploadDirectory reserves the whole upload at once; one that cannot fit is ENOSPC before anything is written', async () => {
    const local = await mkdtemp(join(tmpdir(), 'volumes-quota-up-'))
    await mkdir(join(local, 'd1', 'd2'), { recursive: true })
    for (let i = 0; i < 6; i++) await writeFile(join(local, i % 2 ? 'd1' : join('d1', 'd2'), `f${i}`), Buffer.alloc(400))
    const counted = countPuts(blobs, (key) => key.startsWith('.registry/usage/'))
    const store = storeOf(3000, undefined, counted.blobs)
    const volume = await store.create(fresh('upload'))
    const before = counted.puts()
    await volume.uploadDirectory(local, '/one', { concurrency: 4 })
    expect(counted.puts() - before).toBeLessThanOrEqual(3)
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 2400, inodes: 9 })
    await volume.uploadDirectory(local, '/one')
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 2400, inodes: 9 })
    await expectVolumeError(volume.uploadDirectory(local, '/two', { concurrency: 3 }), 'ENOSPC')
    expect(await volume.exists('/two')).toBe(true)
    expect(await volume.list('/two')).toEqual([])
    expect(await expectExact(store, volume)).toMatchObject({ bytes: 2400, inodes: 10 })
  })

  it('a volume without a usage object is counted on first use; recomputeUsage repairs drift', async () => {
    const plain = new VolumeStore({ blobs, quota: false })
    const volume = await plain.create(fresh('legacy'))
    await volume.writeFile('/d/a', new Uint8Array(700))
    expect(await storedUsage(blobs, volume.volumeId)).toBeUndefined()
    const store = storeOf(1000)
    const limited = await store.connect(volume.volumeId)
    await expectVolumeError(limited.writeFile('/d/b', new Uint8Array(400)), 'ENOSPC')
    await limited.writeFile('/d/b', new Uint8Array(300))
    expect(await limited.getUsage()).toMatchObject({ bytes: 1000, inodes: 3 })
    await blobs.put(usageKey(volume.volumeId), new TextEncoder().encode('{"bytes":5,"inodes":0}'))
    expect(await store.recomputeUsage(volume.name)).toEqual({ bytes: 1000, inodes: 3, sizeBytes: 1000, maxInodes: null })
    expect(await storedUsage(blobs, volume.volumeId)).toEqual({ bytes: 1000, inodes: 3 })
  })

  it('quota: false and bucket volumes enforce nothing; destroy removes the usage object', async () => {
    const plain = new VolumeStore({ blobs, quota: false })
    const volume = await plain.create(fresh('free'), { sizeGb: 1 })
    expect(await volume.getUsage()).toEqual({ bytes: 0, inodes: 0, sizeBytes: null, maxInodes: null })
    const bucket = openBucketVolume(blobs, { prefix: `bucket-${fresh('b')}` })
    await bucket.writeFile('/x', new Uint8Array(5000))
    expect(await bucket.getUsage()).toEqual({ bytes: 5000, inodes: 1, sizeBytes: null, maxInodes: null })
    const store = storeOf(1000)
    const limited = await store.create(fresh('gone'))
    await limited.writeFile('/f', 'x')
    expect(await storedUsage(blobs, limited.volumeId)).toEqual({ bytes: 1, inodes: 1 })
    await store.destroy(limited.volumeId)
    expect(await storedUsage(blobs, limited.volumeId)).toBeUndefined()
  })
})
