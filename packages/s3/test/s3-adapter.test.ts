import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBytes, isVolumeError, type BlobStore } from '@volumes/core'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import type { S3BlobStore } from '@volumes/s3'
import { destroyStores, freshR2Store, freshS3Store, rawClient, TEST_BUCKET } from './fixture.js'

const MiB = 1024 * 1024
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

const pattern = (size: number, seed = 0): Uint8Array => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251)
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const readAll = async (store: BlobStore, key: string, range?: { start: number; end?: number }): Promise<Uint8Array> =>
  collectBytes((await store.get(key, range ? { range } : {})).body)
async function* chunksOf(data: Uint8Array, size: number, failAfter?: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += size) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('source failed on purpose')
    yield data.subarray(at, at + size)
  }
}
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)
const etagOf = (version: string): string => version.split('#')[0]!

describeWithService('S3BlobStore on MinIO: what is its own', minio, (provided) => {
  const service = provided as MinioService
  let store: S3BlobStore
  beforeAll(async () => {
    store = await freshS3Store(service, 'own', { partSize: 5 * MiB, singlePutMaxBytes: MiB, copyMultipartThreshold: 5 * MiB, copyPartSize: 5 * MiB })
  })

  describe('writes', () => {
    it('sends a body over singlePutMaxBytes as a multipart upload and reads ranges across parts', async () => {
      const data = pattern(11 * MiB + 5)
      const put = await store.put('w/multi', data, { metadata: { mode: '33188' } })
      expect(etagOf(put.version)).toMatch(/-3"$/)
      expect(sha(await readAll(store, 'w/multi'))).toBe(sha(data))
      const edge = 5 * MiB
      expect(Buffer.from(await readAll(store, 'w/multi', { start: edge - 10, end: edge + 10 }))).toEqual(Buffer.from(data.subarray(edge - 10, edge + 10)))
      expect((await store.head('w/multi'))?.metadata?.mode).toBe('33188')
    })
    it('streams a body of known length in one PUT', async () => {
      const data = pattern(300 * 1024, 1)
      const put = await store.put('w/known', chunksOf(data, 64 * 1024), { contentLength: data.byteLength })
      expect(etagOf(put.version)).toMatch(/^"[0-9a-f]{32}"$/)
      expect(put.size).toBe(data.byteLength)
      expect(sha(await readAll(store, 'w/known'))).toBe(sha(data))
    })
    it('a known-length stream that fails mid-body rejects with its own error, writes nothing, and does not hang', async () => {
      const data = pattern(MiB, 2)
      const error = await errorOf(store.put('w/known-fail', chunksOf(data, 64 * 1024, 256 * 1024), { contentLength: data.byteLength }))
      expect((error as Error).message).toBe('source failed on purpose')
      expect(await store.head('w/known-fail')).toBeUndefined()
    }, 15_000)
    it('a stream longer or shorter than its contentLength is EINVAL and writes nothing', async () => {
      const data = pattern(200 * 1024, 3)
      for (const contentLength of [data.byteLength - 1, data.byteLength + 1]) {
        const error = await errorOf(store.put('w/mismatch', chunksOf(data, 50 * 1024), { contentLength }))
        expect(isVolumeError(error, 'EINVAL'), String(error)).toBe(true)
      }
      expect(await store.head('w/mismatch')).toBeUndefined()
    }, 15_000)
    it('an unknown-length stream failing after a part was sent leaves no object and no multipart upload', async () => {
      const data = pattern(8 * MiB, 4)
      const error = await errorOf(store.put('w/multi-fail', chunksOf(data, MiB, 7 * MiB)))
      expect((error as Error).message).toBe('source failed on purpose')
      expect(await store.head('w/multi-fail')).toBeUndefined()
      const raw = rawClient(service)
      const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET, Prefix: `${store.prefix}w/multi-fail` }))
      raw.destroy()
      expect(uploads.Uploads ?? []).toEqual([])
    }, 30_000)
  })

  describe('copies and metadata', () => {
    it('copies part by part above copyMultipartThreshold, keeping data, metadata and content type', async () => {
      const data = pattern(12 * MiB, 5)
      await store.put('c/big', data, { metadata: { uid: '1000' }, contentType: 'application/x-test' })
      const copied = await store.copy('c/big', 'c/big-copy')
      expect(etagOf(copied.version)).toMatch(/-3"$/)
      const head = await store.head('c/big-copy')
      expect(head).toMatchObject({ size: data.byteLength, contentType: 'application/x-test', metadata: { uid: '1000' } })
      expect(sha(await readAll(store, 'c/big-copy'))).toBe(sha(data))
      const updated = await store.setMetadata('c/big-copy', { uid: '0' })
      expect(updated.metadata).toEqual({ uid: '0' })
      expect(sha(await readAll(store, 'c/big-copy'))).toBe(sha(data))
    }, 60_000)
    it('create-only copies go through CompleteMultipartUpload: of concurrent ones exactly one wins', async () => {
      await store.put('c/src', new TextEncoder().encode('source'), { metadata: { gid: '5' } })
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => store.copy('c/src', 'c/once', { ifNoneMatch: '*' })))
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EPRECONDITION')).toBe(true)
      expect((await store.head('c/once'))?.metadata).toEqual({ gid: '5' })
    })
    it('copies awkward keys server-side', async () => {
      const key = 'c/a+b=c&d #h?q%20 é\\x'
      await store.put(key, new TextEncoder().encode('awkward'))
      await store.copy(key, `${key}-copy`)
      expect(new TextDecoder().decode(await readAll(store, `${key}-copy`))).toBe('awkward')
    })
  })

  describe('versions', () => {
    it('setMetadata moves the version although S3 keeps the ETag, so a stale ifMatch fails', async () => {
      const v1 = await store.put('v/one', new TextEncoder().encode('same data'), { metadata: { uid: '1' } })
      const v2 = await store.setMetadata('v/one', { uid: '2' })
      expect(etagOf(v2.version)).toBe(etagOf(v1.version))
      expect(v2.version).not.toBe(v1.version)
      expect((await store.head('v/one'))?.version).toBe(v2.version)
      const stale = await errorOf(store.put('v/one', new TextEncoder().encode('other'), { ifMatch: v1.version }))
      expect(isVolumeError(stale, 'EPRECONDITION')).toBe(true)
      await store.put('v/one', new TextEncoder().encode('other'), { ifMatch: v2.version })
    })
    it('with revisionCheck: false, ifMatch is the server\'s ETag check alone (documented trade-off)', async () => {
      const lax = await freshS3Store(service, 'own-lax', { revisionCheck: false })
      const v1 = await lax.put('v/lax', new TextEncoder().encode('same'), { metadata: { uid: '1' } })
      await lax.setMetadata('v/lax', { uid: '2' })
      await lax.put('v/lax', new TextEncoder().encode('next'), { ifMatch: v1.version })
      expect(isVolumeError(await errorOf(lax.put('v/lax', new TextEncoder().encode('x'), { ifMatch: v1.version })), 'EPRECONDITION')).toBe(true)
    })
    it('listings with MinIO metadata carry the same versions and metadata as head', async () => {
      await store.put('v/listed/a', new TextEncoder().encode('a'), { metadata: { mode: '33261' }, contentType: 'text/plain' })
      const [listed] = (await store.list('v/listed/')).objects
      const head = await store.head('v/listed/a')
      expect(listed).toMatchObject({ key: 'v/listed/a', version: head?.version, metadata: { mode: '33261' }, contentType: 'text/plain' })
    })
    it('without list metadata (R2 preset) a listed bare ETag still works as ifMatch', async () => {
      const r2 = await freshR2Store(service, 'own-r2')
      await r2.put('v/bare', new TextEncoder().encode('one'))
      const [listed] = (await r2.list('v/')).objects
      expect(listed?.metadata).toBeUndefined()
      expect(listed?.version).not.toContain('#')
      await r2.put('v/bare', new TextEncoder().encode('two'), { ifMatch: listed!.version })
      const error = await errorOf(r2.put('v/bare', new TextEncoder().encode('three'), { ifMatch: listed!.version }))
      expect(isVolumeError(error, 'EPRECONDITION')).toBe(true)
    })
  })

  describe('reads', () => {
    it('a slow reader is not cut off by the stalled-body timeout', async () => {
      const slow = await freshS3Store(service, 'own-slow', { bodyTimeoutMs: 200 })
      const data = pattern(2 * MiB, 6)
      await slow.put('r/slow', data)
      const { body } = await slow.get('r/slow')
      let received = 0
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        if (received === 0) await delay(600)
        received += chunk.byteLength
      }
      expect(received).toBe(data.byteLength)
    })
    it('aborting the signal mid-body fails the body with ECANCELED', async () => {
      await store.put('r/abort', pattern(4 * MiB, 7))
      const controller = new AbortController()
      const { body } = await store.get('r/abort', { signal: controller.signal })
      const error = await (async () => {
        try {
          for await (const _ of body as AsyncIterable<Uint8Array>) controller.abort()
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(isVolumeError(error, 'ECANCELED'), String(error)).toBe(true)
    })
    it('an empty range inside the object is an empty body; at its end, EINVAL', async () => {
      await store.put('r/ten', new TextEncoder().encode('0123456789'))
      expect(await readAll(store, 'r/ten', { start: 3, end: 3 })).toEqual(new Uint8Array())
      expect(isVolumeError(await errorOf(store.get('r/ten', { range: { start: 10, end: 10 } })), 'EINVAL')).toBe(true)
      await store.put('r/empty', new Uint8Array())
      expect(await readAll(store, 'r/empty', { start: 0, end: 5 })).toEqual(new Uint8Array())
    })
  })

  describe('delete and cleanup', () => {
    it('a key S3 cannot hold is reported as failed, the others are deleted', async () => {
      await store.put('d/ok', new Uint8Array([1]))
      const tooLong = `d/${'x'.repeat(1100)}`
      const result = await store.delete(['d/ok', tooLong])
      expect(result.deleted).toEqual(['d/ok'])
      expect(result.failed.map((f) => [f.key, (f.error as { code?: string }).code])).toEqual([[tooLong, 'ENAMETOOLONG']])
    })
    it('abortStaleUploads aborts only uploads under the prefix older than asked', async () => {
      const raw = rawClient(service)
      const mine = await raw.send(new CreateMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: `${store.prefix}u/orphan` }))
      const other = await raw.send(new CreateMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: 'elsewhere/orphan' }))
      try {
        expect((await store.abortStaleUploads(3_600_000)).aborted).toEqual([])
        const result = await store.abortStaleUploads(0)
        expect(result.aborted.map((u) => [u.key, u.uploadId])).toEqual([['u/orphan', mine.UploadId]])
        const left = await raw.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET }))
        const ids = (left.Uploads ?? []).map((u) => u.UploadId)
        expect(ids).toContain(other.UploadId)
        expect(ids).not.toContain(mine.UploadId)
      } finally {
        await raw.send(new AbortMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: 'elsewhere/orphan', UploadId: other.UploadId })).catch(() => undefined)
        raw.destroy()
      }
    })
  })

  afterAll(async () => {
    if (!store) return
    for (;;) {
      const page = await store.list('')
      if (page.objects.length === 0) break
      await store.delete(page.objects.map((o) => o.key))
    }
  })
})
