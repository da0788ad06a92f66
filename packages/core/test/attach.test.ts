import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkMountPaths, isVolumeError, VolumeStore, type BlobStore, type Volume } from '@volumes/core'
import { expectVolumeError } from '@volumes/testkit'
import { backends } from './backends.js'

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
let counter = 0
const fresh = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${counter++}`
const reasonOf = (error: Error): string | undefined => (error as { reason?: string }).reason
const filesOf = async (volume: Volume): Promise<string[]> => (await volume.list('/', { depth: 10 })).map((e) => e.path).sort()

async function localTree(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'volumes-attach-up-'))
  await mkdir(join(dir, 'sub'))
  await writeFile(join(dir, 'sub', 'f.txt'), 'uploaded')
  return dir
}

/** Every mutation of a handle, on a volume holding `/keep.txt`. */
function mutationsOf(volume: Volume, upload: string): [string, () => Promise<unknown>][] {
  return [
    ['writeFile', () => volume.writeFile('/new.txt', 'x')],
    ['writeFile (stream)', () => volume.writeFile('/stream.txt', (async function* () { yield new Uint8Array(3) })())],
    ['makeDir', () => volume.makeDir('/dir', { force: true })],
    ['remove', () => volume.remove('/keep.txt')],
    ['rename', () => volume.rename('/keep.txt', '/moved.txt')],
    ['copy', () => volume.copy('/keep.txt', '/copied.txt')],
    ['updateMetadata', () => volume.updateMetadata('/keep.txt', { mode: 0o600 })],
    ['uploadDirectory', () => volume.uploadDirectory(upload, '/up')],
  ]
}

describe('mount paths', () => {
  it('normalises slashes and keeps the order', () => {
    expect(checkMountPaths(['/mnt/data', '/workspace/', '//srv//x'])).toEqual(['/mnt/data', '/workspace', '/srv/x'])
  })
  it.each([
    [['mnt/data'], 'mnt/data', 'absolute'],
    [[''], '', 'absolute'],
    [['/'], '/', 'root'],
    [['//'], '//', 'root'],
    [['/a/./b'], '/a/./b', 'normalised'],
    [['/a/../b'], '/a/../b', 'normalised'],
    [['/a/b\0c'], '/a/b\\0c', 'NUL'],
    [['/data', '/data/'], '/data/', 'twice'],
    [['/data', '/data/sub'], '/data/sub', 'nested'],
    [['/data/sub', '/data'], '/data', 'nested'],
    [['/x', '/y', '/'], '/', 'root'],
  ])('%j is EINVAL naming %j (%s)', (paths, named, word) => {
    let error: unknown
    try {
      checkMountPaths(paths)
    } catch (caught) {
      error = caught
    }
    expect(isVolumeError(error, 'EINVAL')).toBe(true)
    expect((error as Error).message).toContain(`'${named}'`)
    expect((error as Error).message).toContain(word)
  })
  it('siblings with a shared name prefix are not nested', () => {
    expect(checkMountPaths(['/data', '/data2', '/dat'])).toEqual(['/data', '/data2', '/dat'])
  })
})

describe.each(backends)('attachments on $name', (backend) => {
  let blobs: BlobStore
  let upload: string
  beforeAll(async () => {
    blobs = await backend.make()
    upload = await localTree()
  })

  it('mounts a Volume handle, an id and a name; release frees every lease (idempotent)', async () => {
    const store = new VolumeStore({ blobs })
    const [a, b, c] = await Promise.all([store.create(fresh('a')), store.create(fresh('b')), store.create(fresh('c'))])
    const attachment = await store.attach('sb-1', { '/a': a, '/b': b.volumeId, '/c/': c.name })
    expect(attachment.mounts.map((m) => [m.path, m.volume.volumeId, m.lease.mode])).toEqual([
      ['/a', a.volumeId, 'exclusive'], ['/b', b.volumeId, 'exclusive'], ['/c', c.volumeId, 'exclusive'],
    ])
    expect(attachment.volume('/c/').volumeId).toBe(c.volumeId)
    await expectVolumeError(Promise.resolve().then(() => attachment.volume('/d')), 'EINVAL')
    await attachment.volume('/b').writeFile('/f', 'b')
    expect(await b.readFile('/f')).toBe('b')
    expect(attachment.signal.aborted).toBe(false)
    await attachment.release()
    await attachment.release()
    expect(attachment.signal.aborted).toBe(true)
    expect(await store.leases.listByHolder('sb-1')).toEqual([])
    await expectVolumeError(attachment.volume('/a').writeFile('/late', 'x'), 'EBUSY')
    expect(await a.exists('/late')).toBe(false)
  })

  it('all or nothing: the second holder gets EBUSY with the volume named and holds nothing', async () => {
    const store = new VolumeStore({ blobs })
    const volumes = await Promise.all([1, 2, 3].map(() => store.create(fresh('aon'))))
    const held = await store.attach('first', { '/x': volumes[1]!.name })
    const error = await expectVolumeError(store.attach('second', { '/1': volumes[0]!.name, '/2': volumes[1]!.name, '/3': volumes[2]!.name }), 'EBUSY')
    expect(reasonOf(error)).toBe('VolumeAttached')
    expect(error.message).toContain(`Volume "${volumes[1]!.name}" is already attached`)
    expect(await store.leases.listByHolder('second')).toEqual([])
    for (const volume of volumes) expect((await store.leases.listAttachments(volume.volumeId)).map((l) => l.holderId)).toEqual(volume === volumes[1] ? ['first'] : [])
    await held.release()
    const later = await store.attach('second', { '/1': volumes[0]!.name, '/2': volumes[1]!.name, '/3': volumes[2]!.name })
    await later.release()
  })

  it('shared and readonly modes coexist only with their own kind', async () => {
    const store = new VolumeStore({ blobs })
    const volume = await store.create(fresh('modes'))
    const one = await store.attach('s1', { '/v': volume.name }, { mode: 'shared' })
    const two = await store.attach('s2', { '/v': volume.name }, { mode: 'shared' })
    await expectVolumeError(store.attach('r1', { '/v': volume.name }, { mode: 'readonly' }), 'EBUSY')
    await one.volume('/v').writeFile('/one', '1')
    await two.volume('/v').writeFile('/two', '2')
    await one.release()
    await two.release()
    const readers = await Promise.all(['r1', 'r2'].map((holder) => store.attach(holder, { '/v': volume.name }, { mode: 'readonly' })))
    expect(await readers[1]!.volume('/v').readFile('/one')).toBe('1')
    await expectVolumeError(store.attach('w', { '/v': volume.name }), 'EBUSY')
    await Promise.all(readers.map((r) => r.release()))
  })

  it('mounting one volume twice is EINVAL', async () => {
    const store = new VolumeStore({ blobs })
    const volume = await store.create(fresh('twice'))
    const error = await expectVolumeError(store.attach('sb', { '/one': volume.name, '/two': volume.volumeId }), 'EINVAL')
    expect(reasonOf(error)).toBe('VolumeMountedTwice')
    expect(await store.leases.listByHolder('sb')).toEqual([])
  })

  it('a missing volume is ENOENT without create on first use', async () => {
    const store = new VolumeStore({ blobs })
    const error = await expectVolumeError(store.attach('sb', { '/w': fresh('missing') }), 'ENOENT')
    expect(reasonOf(error)).toBe('VolumeNotFound')
    await expectVolumeError(store.attach('sb', { '/w': { name: fresh('missing'), sizeGb: 2 } }), 'ENOENT')
  })

  describe('policies', () => {
    it('maxVolumesPerHolder 1: `Only one volume can be mounted per sandbox`, counting held leases', async () => {
      const store = new VolumeStore({ blobs, attachPolicy: { maxVolumesPerHolder: 1 } })
      const [a, b] = await Promise.all([store.create(fresh('one')), store.create(fresh('one'))])
      const two = await expectVolumeError(store.attach('sb', { '/a': a.name, '/b': b.name }), 'EINVAL')
      expect(two.message).toContain('Only one volume can be mounted per sandbox')
      expect(reasonOf(two)).toBe('TooManyVolumes')
      const first = await store.attach('sb', { '/a': a.name })
      const again = await expectVolumeError(store.attach('sb', { '/b': b.name }), 'EINVAL')
      expect(again.message).toContain('Only one volume can be mounted per sandbox')
      expect(await store.leases.listAttachments(b.volumeId)).toEqual([])
      await store.attach('other', { '/b': b.name }).then((x) => x.release())
      await first.release()
      await store.attach('sb', { '/b': b.name }).then((x) => x.release())
    })

    it('maxVolumesPerHolder is checked before anything is created on first use', async () => {
      const store = new VolumeStore({ blobs, attachPolicy: { maxVolumesPerHolder: 1, createOnFirstUse: true } })
      const names = [fresh('never'), fresh('never')]
      const error = await expectVolumeError(store.attach('sb', { '/a': names[0]!, '/b': { name: names[1]!, sizeGb: 2 } }), 'EINVAL')
      expect(error.message).toContain('Only one volume can be mounted per sandbox')
      expect((await store.list()).filter((v) => names.includes(v.name))).toEqual([])
    })

    it('maxVolumesPerHolder: concurrent attaches of one holder never both keep their leases', async () => {
      const store = new VolumeStore({ blobs, attachPolicy: { maxVolumesPerHolder: 2 } })
      const volumes = await Promise.all([1, 2, 3, 4].map(() => store.create(fresh('lim'))))
      const results = await Promise.allSettled([
        store.attach('racer', { '/a': volumes[0]!.name, '/b': volumes[1]!.name }),
        store.attach('racer', { '/c': volumes[2]!.name, '/d': volumes[3]!.name }),
      ])
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1)
      for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EINVAL')).toBe(true)
      expect((await store.leases.listByHolder('racer')).length).toBeLessThanOrEqual(2)
      for (const r of results) if (r.status === 'fulfilled') await r.value.release()
    })

    it('region binding: `Volume "x" is in region iad`', async () => {
      const iad = new VolumeStore({ blobs, region: 'iad' })
      const lax = new VolumeStore({ blobs, region: 'lax' })
      const volume = await iad.create(fresh('reg'))
      const fromLax = await expectVolumeError(lax.attach('sb', { '/w': volume.name }), 'EINVAL')
      expect(fromLax.message).toContain(`Volume "${volume.name}" is in region iad`)
      expect(reasonOf(fromLax)).toBe('RegionMismatch')
      const explicit = await expectVolumeError(iad.attach('sb', { '/w': volume.name }, { region: 'lax' }), 'EINVAL')
      expect(explicit.message).toContain(`Volume "${volume.name}" is in region iad`)
      expect(await iad.leases.listByHolder('sb')).toEqual([])
      await lax.attach('sb', { '/w': volume.name }, { region: 'iad' }).then((x) => x.release())
      const unbound = new VolumeStore({ blobs, region: 'lax', attachPolicy: { bindRegion: false } })
      await unbound.attach('sb', { '/w': volume.name }).then((x) => x.release())
    })

    it('create on first use: `{ name, sizeGb }` and bare names, in the attach region; concurrent first uses make one volume', async () => {
      const store = new VolumeStore({ blobs, region: 'iad', attachPolicy: { createOnFirstUse: true } })
      const name = fresh('first')
      const attachment = await store.attach('sb', { '/workspace': { name, sizeGb: 10 } })
      expect(attachment.volume('/workspace').info).toMatchObject({ name, sizeGb: 10, region: 'iad' })
      await attachment.volume('/workspace').writeFile('/app.js', 'x')
      await attachment.release()
      const reused = await store.attach('sb2', { '/workspace': { name, sizeGb: 3 } })
      expect(reused.volume('/workspace').info.sizeGb).toBe(10)
      expect(await reused.volume('/workspace').readFile('/app.js')).toBe('x')
      await reused.release()
      const bare = fresh('bare')
      const inLax = await store.attach('sb3', { '/w': bare }, { region: 'lax' })
      expect(inLax.volume('/w').info).toMatchObject({ name: bare, sizeGb: 1, region: 'lax' })
      await inLax.release()
      const racing = fresh('race')
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.attach(`h${i}`, { '/w': racing }, { mode: 'shared' })))
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
      expect((await store.list()).filter((v) => v.name === racing)).toHaveLength(1)
      for (const r of results) if (r.status === 'fulfilled') await r.value.release()
      await expectVolumeError(store.attach('sb', { '/w': 'Not A Name' }), 'EINVAL')
    })
  })

  describe('guards', () => {
    it('readonly: every mutation is EROFS and nothing is written', async () => {
      const store = new VolumeStore({ blobs })
      const volume = await store.create(fresh('ro'))
      await volume.writeFile('/keep.txt', 'kept')
      const before = await filesOf(volume)
      const attachment = await store.attach('reader', { '/ro': volume.name }, { mode: 'readonly' })
      for (const [op, mutate] of mutationsOf(attachment.volume('/ro'), upload)) {
        const error = await expectVolumeError(mutate(), 'EROFS')
        expect(reasonOf(error), op).toBe('ReadOnlyAttachment')
      }
      expect(await filesOf(volume)).toEqual(before)
      expect((await volume.getInfo('/keep.txt')).mode).toBe(0o644)
      await attachment.release()
    })

    it('a lease that expires (short ttl, no renewal): every mutation EBUSY, nothing written, the next holder intact', async () => {
      const store = new VolumeStore({ blobs })
      const volume = await store.create(fresh('expiry'))
      await volume.writeFile('/keep.txt', 'original')
      const first = await store.attach('slow', { '/data': volume.name }, { ttlMs: 150, autoRenew: false })
      await first.volume('/data').writeFile('/by-first.txt', 'ok while current')
      await pause(250)
      expect(first.signal.aborted).toBe(true)
      const second = await store.attach('fast', { '/data': volume.name })
      await second.volume('/data').writeFile('/keep.txt', 'second holder')
      const before = await filesOf(volume)
      for (const [op, mutate] of mutationsOf(first.volume('/data'), upload)) {
        const error = await expectVolumeError(mutate(), 'EBUSY')
        expect(reasonOf(error), op).toBe('LeaseLost')
      }
      expect(await filesOf(volume)).toEqual(before)
      expect(await volume.readFile('/keep.txt')).toBe('second holder')
      expect(await volume.readFile('/by-first.txt')).toBe('ok while current')
      await first.release()
      await second.release()
    })

    it('a lease the store no longer holds (validate false) is marked lost at the next write', async () => {
      const store = new VolumeStore({ blobs })
      const volume = await store.create(fresh('revoked'))
      const attachment = await store.attach('victim', { '/data': volume.name })
      const lease = attachment.mounts[0]!.lease
      await store.leases.forceRelease(volume.volumeId, 'victim', 'admin')
      expect(lease.signal.aborted).toBe(false)
      await expectVolumeError(attachment.volume('/data').writeFile('/x', 'x'), 'EBUSY')
      expect(lease.signal.aborted).toBe(true)
      expect(attachment.signal.aborted).toBe(true)
      expect(await volume.exists('/x')).toBe(false)
      await attachment.release()
    })

    it('destroy of an attached volume is EBUSY (and keeps it) unless forced', async () => {
      const store = new VolumeStore({ blobs })
      const volume = await store.create(fresh('destroy'))
      await volume.writeFile('/f', 'x')
      const attachment = await store.attach('sb', { '/d': volume.name })
      const error = await expectVolumeError(store.destroy(volume.name), 'EBUSY')
      expect(error.message).toContain(`Volume "${volume.name}" is attached`)
      expect((await store.getInfo(volume.volumeId)).name).toBe(volume.name)
      expect(await volume.readFile('/f')).toBe('x')
      expect(await store.destroy(volume.name, { force: true })).toBe(true)
      await expectVolumeError(attachment.volume('/d').writeFile('/g', 'y'), 'EBUSY')
      await expectVolumeError(store.getInfo(volume.volumeId), 'ENOENT')
      await attachment.release()
    })
  })
})
