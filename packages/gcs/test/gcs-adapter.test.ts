import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBytes, isVolumeError, MemoryBlobStore, VolumeError, type BlobListPage, type BlobStore } from '@volumes/core'
import { GcsBlobStore, gcsErrorToVolumeError } from '@volumes/gcs'
import { describeWithService, expectVolumeError, provideService, startFakeGcs } from '@volumes/testkit'
import { emulatorStorage, freshBucket } from './fixture.js'
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js'

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251)
const readAll = async (store: BlobStore, key: string, range?: { start: number; end?: number }): Promise<Uint8Array> =>
  Uint8Array.from(await collectBytes((await store.get(key, range ? { range } : {})).body))
async function* chunked(total: number, chunk: number): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk) yield bytes(Math.min(chunk, total - sent))
}

describe('GCS error mapping', () => {
  const map = (error: unknown): VolumeError => gcsErrorToVolumeError(error, 'put', 'k')
  it('maps statuses and network failures to codes, marking what a retry may cure', () => {
    expect(map(Object.assign(new Error('nf'), { code: 404 }))).toMatchObject({ code: 'ENOENT', temporary: false })
    expect(map(Object.assign(new Error('pf'), { code: 412 }))).toMatchObject({ code: 'EPRECONDITION', temporary: false })
    expect(map(Object.assign(new Error('range'), { code: 416 }))).toMatchObject({ code: 'EINVAL', reason: 'RangeNotSatisfiable' })
    expect(map(Object.assign(new Error('slow down'), { code: 429 }))).toMatchObject({ code: 'EAGAIN', temporary: true })
    expect(map(Object.assign(new Error('unavailable'), { response: { status: 503 } }))).toMatchObject({ code: 'EIO', temporary: true })
    expect(map(Object.assign(new Error('denied'), { code: 403 }))).toMatchObject({ code: 'EACCES', temporary: false })
    expect(map(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'EIO', temporary: true })
    expect(map(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toMatchObject({ code: 'ETIMEDOUT', temporary: true })
    expect(map(Object.assign(new Error('stop'), { name: 'AbortError' }))).toMatchObject({ code: 'ECANCELED' })
    expect(map(new Error('weird'))).toMatchObject({ code: 'EIO', temporary: false })
    const original = new VolumeError('EBUSY', { op: 'x' })
    expect(map(original)).toBe(original)
  })

  it('a refused connection is a temporary EIO', async () => {
    const store = new GcsBlobStore({ bucket: 'b', apiEndpoint: 'http://127.0.0.1:9', projectId: 'p' })
    const error = await store.head('k').catch((e: unknown) => e)
    expect(isVolumeError(error, 'EIO')).toBe(true)
    expect((error as VolumeError).temporary).toBe(true)
  })

  it('keys longer than the name limit minus the prefix are ENAMETOOLONG, without a request', async () => {
    const store = new GcsBlobStore({ bucket: 'b', prefix: 'twelve-bytes', apiEndpoint: 'http://127.0.0.1:9', projectId: 'p' })
    expect(store.capabilities.maxKeyBytes).toBe(1024 - 12)
    await expectVolumeError(store.put('x'.repeat(1013), bytes(1)), 'ENAMETOOLONG')
  })
})

const service = await provideService('fake-gcs-server', startFakeGcs)
afterAll(() => service?.stop())

describeWithService('GcsBlobStore requests (through a recording proxy)', service, (gcs) => {
  let proxy: RecordingProxy
  let store: GcsBlobStore
  const SMALL = 64 * 1024
  beforeAll(async () => {
    proxy = await startRecordingProxy(gcs.url)
    const bucket = await freshBucket(emulatorStorage(gcs), 'requests')
    store = new GcsBlobStore({ bucket, prefix: 'r/', apiEndpoint: proxy.url, projectId: 'volumes-test', singleRequestMaxBytes: SMALL, deleteConcurrency: 4 })
  })
  afterAll(() => proxy?.close())
  const uploadTypes = (): string[] => proxy.requests.filter((r) => r.path.startsWith('/upload/')).map((r) => r.query.get('uploadType') ?? '?')

  it('a small body is one request, and put needs no other', async () => {
    proxy.reset()
    await store.put('small', bytes(1000))
    expect(uploadTypes()).toEqual(['multipart'])
    expect(proxy.requests).toHaveLength(1)
  })

  it('a short stream of unknown length is read ahead and sent in one request', async () => {
    proxy.reset()
    await store.put('short-stream', chunked(SMALL, 4096))
    expect(uploadTypes()).toEqual(['multipart'])
    expect(await readAll(store, 'short-stream')).toEqual(bytes(SMALL).map((_, i) => (i % 4096) % 251))
  })

  it('a long stream, or long bytes, go up resumably', async () => {
    proxy.reset()
    await store.put('long-stream', chunked(3 * SMALL, 8192))
    await store.put('long-bytes', bytes(SMALL + 1))
    expect(uploadTypes()).toEqual(['resumable', 'resumable'])
    expect((await store.head('long-stream'))?.size).toBe(3 * SMALL)
    expect(await readAll(store, 'long-bytes')).toEqual(bytes(SMALL + 1))
  })

  it('an ifMatch version this adapter did not issue fails without a request', async () => {
    proxy.reset()
    await expectVolumeError(store.put('small', bytes(1), { ifMatch: 'W/"etag"' }), 'EPRECONDITION')
    expect(proxy.requests).toHaveLength(0)
  })

  it('list returns metadata from one request', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.put(`listed/${i}`, bytes(1), { metadata: { n: String(i) } })))
    proxy.reset()
    const page = await store.list('listed/')
    expect(page.objects).toHaveLength(30)
    expect(page.objects.every((o) => o.metadata?.n !== undefined)).toBe(true)
    expect(proxy.requests).toHaveLength(1)
  })

  it('setMetadata is a PATCH: the data is not uploaded again and the generation stays', async () => {
    const before = await store.put('patched', bytes(10), { metadata: { a: '1' } })
    proxy.reset()
    const after = await store.setMetadata('patched', { b: '2' })
    expect(proxy.requests.map((r) => r.method)).toEqual(['GET', 'PATCH'])
    expect(after.version.split('.')[0]).toBe(before.version.split('.')[0])
    expect(after.version).not.toBe(before.version)
    expect(after.metadata).toEqual({ b: '2' })
  })

  it('copy is a server-side rewrite', async () => {
    await store.put('copy-me', bytes(100))
    proxy.reset()
    await store.copy('copy-me', 'copied')
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /storage/v1/b/${store.bucket}/o/r%2Fcopy-me/rewriteTo/b/${store.bucket}/o/r%2Fcopied`])
  })

  it('a ranged read is a metadata request and one download; an empty range downloads nothing', async () => {
    await store.put('ranged', bytes(100))
    proxy.reset()
    expect(await readAll(store, 'ranged', { start: 10, end: 20 })).toEqual(bytes(100).subarray(10, 20))
    expect(proxy.requests).toHaveLength(2)
    proxy.reset()
    await store.put('empty', new Uint8Array())
    expect(await readAll(store, 'empty', { start: 0 })).toEqual(new Uint8Array())
    expect(proxy.requests.map((r) => r.method)).toEqual(['POST', 'GET'])
  })

  it('delete keeps at most deleteConcurrency requests in flight', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `del/${i}`)
    await Promise.all(keys.map((k) => store.put(k, bytes(1))))
    proxy.reset()
    const result = await store.delete(keys)
    expect(result.deleted).toHaveLength(40)
    expect(proxy.peakInFlight.get('DELETE')).toBeLessThanOrEqual(4)
    expect(proxy.peakInFlight.get('DELETE')).toBeGreaterThan(1)
  })

  it('an abort during a resumable upload is ECANCELED and writes nothing', async () => {
    const controller = new AbortController()
    async function* slow(): AsyncIterable<Uint8Array> {
      yield bytes(SMALL + 10)
      controller.abort()
      await new Promise((resolve) => setTimeout(resolve, 50))
      yield bytes(10)
    }
    await expectVolumeError(store.put('aborted', slow(), { signal: controller.signal }), 'ECANCELED')
    expect(await store.head('aborted')).toBeUndefined()
  })
})

describeWithService('GcsBlobStore pagination against the memory store', service, (gcs) => {
  const keys = ['a', 'a/', 'a/b', 'a/b/', 'a/b/c', 'a/b/d', 'a/c/x', 'a0', 'a-b', 'b/1', 'b/2/3', 'b/2/4', 'c', 'é/x', 'z/']
  let gcsStore: GcsBlobStore
  const memory = new MemoryBlobStore()
  beforeAll(async () => {
    gcsStore = new GcsBlobStore({ storage: emulatorStorage(gcs), bucket: await freshBucket(emulatorStorage(gcs), 'pages'), prefix: 'pre/' })
    for (const key of keys) await Promise.all([gcsStore.put(key, bytes(1)), memory.put(key, bytes(1))])
  })
  const walk = async (store: BlobStore, prefix: string, delimiter: '/' | undefined, limit: number): Promise<string[]> => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < 100; pages++) {
      const page: BlobListPage = await store.list(prefix, { delimiter, limit, cursor })
      expect(page.objects.length + page.prefixes.length).toBeLessThanOrEqual(limit)
      seen.push(...page.objects.map((o) => o.key), ...page.prefixes.map((p) => `${p} (prefix)`))
      cursor = page.cursor
      if (!cursor) return seen.sort()
    }
    throw new Error('too many pages')
  }
  for (const delimiter of [undefined, '/'] as const) {
    for (const prefix of ['', 'a', 'a/', 'a/b/', 'b/']) {
      it(`list('${prefix}', delimiter ${delimiter ?? 'none'}) pages like the reference at every limit`, async () => {
        for (const limit of [1, 2, 3, 1000]) {
          expect(await walk(gcsStore, prefix, delimiter, limit), `limit ${limit}`).toEqual(await walk(memory, prefix, delimiter, limit))
        }
      })
    }
  }
})
