import { afterAll, describe, expect, it } from 'vitest'
import { collectBytes, isVolumeError, VolumeError } from '@volumes/core'
import { describeWithService, freePort, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { S3BlobStore } from '@volumes/s3'
import { clientConfig, destroyStores, ensureBucket, freshPrefix, TEST_BUCKET } from './fixture.js'
import { startInterceptingProxy, type Interceptor } from './intercepting-proxy.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const closers: (() => Promise<void>)[] = []
const stores: S3BlobStore[] = []
afterAll(async () => {
  for (const store of stores) store.destroy()
  for (const close of closers) await close()
  destroyStores()
  await minio?.stop()
})

const text = (value: string): Uint8Array => new TextEncoder().encode(value)
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)
const s3Error = (code: string, message = code): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>1</RequestId></Error>`

/** A store talking to MinIO through a proxy that answers what `intercept` picks. */
async function storeBehind(service: MinioService, intercept: Interceptor, options: Partial<ConstructorParameters<typeof S3BlobStore>[0]> = {}): Promise<S3BlobStore> {
  await ensureBucket(service)
  const proxy = await startInterceptingProxy(service.endpoint, intercept)
  closers.push(proxy.close)
  const store = new S3BlobStore({ ...clientConfig(service), endpoint: proxy.endpoint, bucket: TEST_BUCKET, prefix: freshPrefix('proxy'), ...options })
  stores.push(store)
  await store.ready()
  return store
}

const expectTemporary = (error: unknown, code: string): void => {
  expect(isVolumeError(error, code as VolumeError['code']), String(error)).toBe(true)
  expect((error as VolumeError).temporary).toBe(true)
}

describeWithService('S3BlobStore against servers that misbehave (a proxy in front of MinIO)', minio, (provided) => {
  const service = provided as MinioService
  describe('the conditional-write probe', () => {
    it('a server that ignores If-None-Match and creates on If-Match of a missing key gets ENOTSUP for conditional writes', async () => {
      const store = await storeBehind(service, (req, url) => {
        if (!url.pathname.includes('.volumes-probe')) return undefined
        const conditional = req.headers['if-none-match'] !== undefined || req.headers['if-match'] !== undefined
        if (req.method === 'PUT' && conditional && !url.search.includes('uploadId')) return { status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"' } }
        if (req.method === 'HEAD' && url.pathname.endsWith('/absent')) return { status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"' } }
        return undefined
      })
      expect(store.capabilities).toMatchObject({ conditionalCreate: false, compareAndSwap: false })
      const put = await store.put('a', text('plain writes still work'))
      for (const attempt of [
        store.put('a', text('x'), { ifNoneMatch: '*' }),
        store.put('a', text('x'), { ifMatch: put.version }),
        store.copy('a', 'b', { ifNoneMatch: '*' }),
      ]) {
        const error = await errorOf(attempt)
        expect(isVolumeError(error, 'ENOTSUP'), String(error)).toBe(true)
      }
      const { body } = await store.get('a')
      expect(new TextDecoder().decode(await collectBytes(body))).toBe('plain writes still work')
    })
    it('conditionalWrites: off never probes and refuses conditional writes', async () => {
      await ensureBucket(service)
      const store = new S3BlobStore({ ...clientConfig(service), bucket: TEST_BUCKET, prefix: freshPrefix('off'), conditionalWrites: 'off', listMetadata: false })
      stores.push(store)
      await store.ready()
      expect(store.capabilities).toMatchObject({ conditionalCreate: false, compareAndSwap: false, listMetadata: false })
      expect(isVolumeError(await errorOf(store.put('k', text('x'), { ifNoneMatch: '*' })), 'ENOTSUP')).toBe(true)
    })
  })

  describe('errors', () => {
    it('throttling, 5xx and ConditionalRequestConflict are temporary; 412 is EPRECONDITION and is not', async () => {
      const answers: Record<string, { status: number; code: string }> = {
        'slow': { status: 503, code: 'SlowDown' },
        'internal': { status: 500, code: 'InternalError' },
        'conflict': { status: 409, code: 'ConditionalRequestConflict' },
        'precondition': { status: 412, code: 'PreconditionFailed' },
      }
      const store = await storeBehind(service, (req, url) => {
        const answer = answers[url.pathname.split('/').pop() ?? '']
        return req.method === 'PUT' && answer ? { status: answer.status, headers: { 'content-type': 'application/xml' }, body: s3Error(answer.code) } : undefined
      })
      expectTemporary(await errorOf(store.put('slow', text('x'))), 'EAGAIN')
      expectTemporary(await errorOf(store.put('internal', text('x'))), 'EIO')
      expectTemporary(await errorOf(store.put('conflict', text('x'), { ifNoneMatch: '*' })), 'EAGAIN')
      const precondition = await errorOf(store.put('precondition', text('x'), { ifNoneMatch: '*' }))
      expect(isVolumeError(precondition, 'EPRECONDITION')).toBe(true)
      expect((precondition as VolumeError).temporary).toBe(false)
    })
    it('a refused connection is a temporary error', async () => {
      const store = new S3BlobStore({ ...clientConfig(service), endpoint: `http://127.0.0.1:${await freePort()}`, bucket: TEST_BUCKET, conditionalWrites: 'off', listMetadata: false })
      stores.push(store)
      const error = await errorOf(store.head('anything'))
      expectTemporary(error, 'EIO')
      expect((error as VolumeError).reason).toBe('ECONNREFUSED')
    })
    it('a body that stops mid-way fails with ETIMEDOUT after bodyTimeoutMs instead of hanging', async () => {
      const store = await storeBehind(service, (req, url) => req.method === 'GET' && url.pathname.endsWith('/stalls')
        ? { status: 200, headers: { 'content-length': '1000', etag: '"abc"', 'last-modified': new Date().toUTCString() }, body: 'only ten b', stall: true }
        : undefined, { bodyTimeoutMs: 300 })
      const { body } = await store.get('stalls')
      const started = Date.now()
      const error = await (async () => {
        try {
          for await (const _ of body as AsyncIterable<Uint8Array>) { /* drain */ }
        } catch (e) {
          return e
        }
        return undefined
      })()
      expectTemporary(error, 'ETIMEDOUT')
      expect(Date.now() - started).toBeLessThan(5000)
    })
    it('a server that never answers fails with ETIMEDOUT after requestTimeoutMs', async () => {
      const store = await storeBehind(service, (req, url) => (req.method === 'HEAD' && url.pathname.endsWith('/silent') ? { status: 200, hang: true } : undefined), { requestTimeoutMs: 400 })
      expectTemporary(await errorOf(store.head('silent')), 'ETIMEDOUT')
    })
  })

  describe('delete', () => {
    it('reports per-key errors from DeleteObjects and counts NoSuchKey as deleted', async () => {
      let prefix: string | undefined
      const store = await storeBehind(service, (req, url) => {
        if (prefix === undefined || req.method !== 'POST' || !url.searchParams.has('delete')) return undefined
        const key = (name: string): string => `${prefix}${name}`
        return {
          status: 200,
          headers: { 'content-type': 'application/xml' },
          body: `<?xml version="1.0" encoding="UTF-8"?><DeleteResult><Error><Key>${key('locked')}</Key><Code>AccessDenied</Code><Message>no</Message></Error>`
            + `<Error><Key>${key('gone')}</Key><Code>NoSuchKey</Code><Message>gone</Message></Error></DeleteResult>`,
        }
      })
      prefix = store.prefix
      const result = await store.delete(['locked', 'gone', 'fine'])
      expect([...result.deleted].sort()).toEqual(['fine', 'gone'])
      expect(result.failed.map((f) => [f.key, (f.error as VolumeError).code])).toEqual([['locked', 'EACCES']])
    })
    it('a batch failing whole is reported key by key; every batch failing throws', async () => {
      let deletes = 0
      let armed = false
      let failAll = false
      const store = await storeBehind(service, (req, url) => {
        if (!armed || req.method !== 'POST' || !url.searchParams.has('delete')) return undefined
        deletes += 1
        return failAll || deletes > 1 ? { status: 503, headers: { 'content-type': 'application/xml' }, body: s3Error('SlowDown') } : undefined
      }, { deleteConcurrency: 1 })
      const keys = Array.from({ length: 1500 }, (_, i) => `k/${String(i).padStart(4, '0')}`)
      armed = true
      const result = await store.delete(keys)
      expect(result.deleted).toHaveLength(1000)
      expect(result.failed).toHaveLength(500)
      expect(result.failed.every((f) => isVolumeError(f.error, 'EAGAIN') && f.error.temporary)).toBe(true)
      failAll = true
      expectTemporary(await errorOf(store.delete(keys)), 'EAGAIN')
    })
  })
})
