import { afterAll, expect, it } from 'vitest'
import { collectBytes } from '@volumes/core'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { S3BlobStore } from '@volumes/s3'
import { clientConfig, destroyStores, ensureBucket, freshPrefix, TEST_BUCKET } from './fixture.js'
import { startInterceptingProxy } from './intercepting-proxy.js'

// Found by the soak (bench/soak): a create-only copy (rename's) goes part by part with ranges
// taken from the source's HEAD; when the source is replaced by a shorter object in between,
// MinIO answers UploadPartCopy with 416 InvalidRange before it looks at x-amz-copy-source-if-match.
// That is "the source changed", to be read again, not EINVAL.
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const close of closers) await close()
  destroyStores()
  await minio?.stop()
})

describeWithService('a copy whose source shrank between its HEAD and its part copies', minio, (provided) => {
  const service = provided as MinioService
  it('is read again and completes (one 416 from UploadPartCopy, then the real server)', async () => {
    await ensureBucket(service)
    let refused = 0
    const proxy = await startInterceptingProxy(service.endpoint, (req, url) => {
      const partCopy = req.method === 'PUT' && url.pathname.endsWith('/b') && url.searchParams.has('partNumber') && req.headers['x-amz-copy-source'] !== undefined
      if (!partCopy || refused > 0) return undefined
      refused++
      const range = String(req.headers['x-amz-copy-source-range'] ?? '')
      return {
        status: 416,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRange</Code><Message>The requested range '${range}' is not satisfiable</Message><RequestId>1</RequestId></Error>`,
      }
    })
    closers.push(proxy.close)
    const store = new S3BlobStore({ ...clientConfig(service), endpoint: proxy.endpoint, bucket: TEST_BUCKET, prefix: freshPrefix('shrunk') })
    try {
      await store.ready()
      const data = Uint8Array.from({ length: 64 * 1024 }, (_, i) => i % 241)
      await store.put('a', data)
      await store.copy('a', 'b', { ifNoneMatch: '*' })
      expect(refused).toBe(1)
      expect(proxy.seen.filter((line) => line.startsWith('PUT') && line.includes('/b?') && line.includes('partNumber=')).length).toBe(2)
      expect(Buffer.from(await collectBytes((await store.get('b')).body)).equals(Buffer.from(data))).toBe(true)
    } finally {
      store.destroy()
    }
  })
})
