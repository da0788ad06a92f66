import type { Bucket } from '@google-cloud/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAttributes, encodeAttributes, formatTimestamp as formatTimestampOf, VolumeStore, type PosixAttributes } from '@volumes/core'
import { formatRfc3339Nano, GcsBlobStore, gcsPosixKeys, parseRfc3339Nano, withPosixKeys } from '@volumes/gcs'
import { describeWithService, provideService, startFakeGcs } from '@volumes/testkit'
import { emulatorStorage, freshBucket } from './fixture.js'

const mtimeNs = 1_700_000_000_123_456_789n
const attributes: PosixAttributes = { type: 'file', mode: 0o640, uid: 1000, gid: 100, atimeNs: mtimeNs - 5n, mtimeNs, ctimeNs: mtimeNs + 7n }
const gcsfuseStyle = {
  [gcsPosixKeys.gcsfuseMtime]: '2023-11-14T22:13:20.123456789Z',
  [gcsPosixKeys.mode]: '640',
  [gcsPosixKeys.uid]: '1000',
  [gcsPosixKeys.gid]: '100',
}

describe('gcsfuse / gsutil key translation', () => {
  it('formats RFC 3339 with nine fraction digits in UTC, and parses any fraction and offset', () => {
    expect(formatRfc3339Nano(mtimeNs)).toBe('2023-11-14T22:13:20.123456789Z')
    expect(formatRfc3339Nano(1_700_000_000_000_000_000n)).toBe('2023-11-14T22:13:20.000000000Z')
    expect(parseRfc3339Nano('2023-11-14T22:13:20.123456789Z')).toBe(mtimeNs)
    expect(parseRfc3339Nano('2023-11-14T22:13:20.1234Z')).toBe(1_700_000_000_123_400_000n)
    expect(parseRfc3339Nano('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000_000_000n)
    expect(parseRfc3339Nano('2023-11-15T00:13:20.5+02:00')).toBe(1_700_000_000_500_000_000n)
    for (const bad of ['', 'yesterday', '2023-11-14 22:13:20', '2023-11-14T22:13:20', '1700000000']) expect(parseRfc3339Nano(bad)).toBeUndefined()
  })

  it('adds the gcsfuse and goog-reserved keys next to the codec keys', () => {
    expect(withPosixKeys(encodeAttributes(attributes))).toMatchObject({ mode: String(0o100640), ...gcsfuseStyle })
  })

  it('adds nothing for keys that are absent, and drops a derived key whose codec key is malformed', () => {
    expect(withPosixKeys({ tag: 'x' })).toEqual({ tag: 'x' })
    expect(withPosixKeys({ mode: 'rw-r--r--', [gcsPosixKeys.mode]: '755' })).toEqual({ mode: 'rw-r--r--' })
  })

  it('core reads gcsfuse keys, and gsutil whole-second times, when ours are missing', () => {
    const decoded = decodeAttributes(gcsfuseStyle, 'file', new Date(0))
    expect(decoded).toMatchObject({ type: 'file', mode: 0o640, uid: 1000, gid: 100, mtimeNs, atimeNs: mtimeNs, ctimeNs: mtimeNs })
    const gsutil = decodeAttributes({ [gcsPosixKeys.fileMtime]: '1700000000', [gcsPosixKeys.fileAtime]: '1690000000' }, 'file', new Date(0))
    expect(gsutil).toMatchObject({ mtimeNs: 1_700_000_000_000_000_000n, atimeNs: 1_690_000_000_000_000_000n })
  })

  it('keeps our own keys when both are present', () => {
    expect(decodeAttributes({ ...gcsfuseStyle, mode: '33261', uid: '7', mtime: formatTimestampOf(mtimeNs) }, 'file', new Date(0))).toMatchObject({ mode: 0o755, uid: 7, gid: 100, mtimeNs })
  })

  it('keeps setuid, setgid and sticky bits in goog-reserved-posix-mode', () => {
    for (const mode of [0o4755, 0o2750, 0o1777, 0o600]) {
      const stored = withPosixKeys(encodeAttributes({ ...attributes, mode }))
      expect(stored[gcsPosixKeys.mode]).toBe(mode.toString(8).padStart(3, '0'))
      expect(decodeAttributes({ [gcsPosixKeys.mode]: stored[gcsPosixKeys.mode]! }, 'file', new Date(0)).mode).toBe(mode)
    }
  })
})

const service = await provideService('fake-gcs-server', startFakeGcs)
afterAll(() => service?.stop())

describeWithService('gcsfuse keys on fake-gcs-server', service, (gcs) => {
  let bucket: Bucket
  let store: GcsBlobStore
  beforeAll(async () => {
    const storage = emulatorStorage(gcs)
    bucket = storage.bucket(await freshBucket(storage, 'gcsfuse'))
    store = new GcsBlobStore({ storage, bucket: bucket.name, prefix: 'p/' })
  })
  const rawMetadata = async (name: string): Promise<Record<string, unknown>> => (await bucket.file(name).getMetadata())[0].metadata ?? {}

  it('put stores the gcsfuse and goog-reserved keys beside the codec keys', async () => {
    await store.put('put.txt', new TextEncoder().encode('x'), { metadata: encodeAttributes(attributes) })
    expect(await rawMetadata('p/put.txt')).toMatchObject({ ...encodeAttributes(attributes), ...gcsfuseStyle })
  })

  it('a stream put (resumable) stores them too', async () => {
    const small = new GcsBlobStore({ storage: store.storage, bucket: bucket.name, prefix: 'p/', singleRequestMaxBytes: 4 })
    async function* body(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode('more than ')
      yield new TextEncoder().encode('four bytes')
    }
    await small.put('stream.txt', body(), { metadata: encodeAttributes(attributes) })
    expect(await rawMetadata('p/stream.txt')).toMatchObject(gcsfuseStyle)
  })

  it('an object written by gcsfuse reads back as stored, in head and in list, and core decodes it', async () => {
    await bucket.file('p/fuse/by-gcsfuse').save('from gcsfuse', { resumable: false, metadata: { metadata: gcsfuseStyle } })
    const head = await store.head('fuse/by-gcsfuse')
    expect(decodeAttributes(head?.metadata, 'file', head!.lastModified)).toMatchObject({ mode: 0o640, uid: 1000, gid: 100, mtimeNs })
    const [listed] = (await store.list('fuse/')).objects
    expect(listed?.metadata).toEqual(gcsfuseStyle)
    expect(decodeAttributes(listed?.metadata, 'file', listed!.lastModified)).toMatchObject({ mode: 0o640, uid: 1000, gid: 100, mtimeNs })
  })

  it('setMetadata keeps the derived keys in step, and removes them with their codec keys', async () => {
    await store.put('meta.txt', new TextEncoder().encode('x'), { metadata: encodeAttributes(attributes) })
    await store.setMetadata('meta.txt', encodeAttributes({ ...attributes, mode: 0o755, mtimeNs: 2_000_000_000_000_000_001n }))
    expect(await rawMetadata('p/meta.txt')).toMatchObject({ [gcsPosixKeys.mode]: '755', [gcsPosixKeys.gcsfuseMtime]: '2033-05-18T03:33:20.000000001Z' })
    await store.setMetadata('meta.txt', { tag: 'plain' })
    const head = await store.head('meta.txt')
    expect(head?.metadata).toEqual({ tag: 'plain' })
  })

  it('copy with replaced metadata writes the derived keys', async () => {
    await store.put('copy-src', new TextEncoder().encode('x'))
    await store.copy('copy-src', 'copy-dst', { metadata: encodeAttributes(attributes) })
    expect(await rawMetadata('p/copy-dst')).toMatchObject(gcsfuseStyle)
  })

  it('a volume sees the mode, owner and mtime gcsfuse wrote', async () => {
    const volumes = new VolumeStore({ blobs: new GcsBlobStore({ storage: store.storage, bucket: bucket.name, prefix: 'vols/' }) })
    const volume = await volumes.create('fuse-vol')
    await volume.writeFile('/ours.txt', 'ours', { mode: 0o600 })
    await bucket.file(`vols/${volume.volumeId}/theirs.txt`).save('theirs', { resumable: false, metadata: { metadata: gcsfuseStyle } })
    const info = await volume.getInfo('/theirs.txt')
    expect(info).toMatchObject({ type: 'file', mode: 0o640, uid: 1000, gid: 100, size: 6 })
    expect(info.mtime.getTime()).toBe(1_700_000_000_123)
    expect(await rawMetadata(`vols/${volume.volumeId}/ours.txt`)).toMatchObject({ [gcsPosixKeys.mode]: '600' })
  })
})
