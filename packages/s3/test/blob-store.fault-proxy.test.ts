import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, expect, it } from 'vitest'
import { isVolumeError, type VolumeError } from '@volumes/core'
import { describeWithService, provideService, runBlobStoreFaultSuite, startMinio, startToxiproxy, type MinioService, type ToxiproxyService } from '@volumes/testkit'
import { S3BlobStore } from '@volumes/s3'
import { clientConfig, destroyStores, ensureBucket, freshPrefix, freshS3Store, rawClient, TEST_BUCKET } from './fixture.js'

// MinIO behind toxiproxy: latency, bandwidth, cut and reset connections, silence.
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const toxiproxy = (await provideService('toxiproxy', startToxiproxy)) as ToxiproxyService | undefined
afterAll(async () => {
  destroyStores()
  await toxiproxy?.stop()
  await minio?.stop()
})

describeWithService('S3BlobStore through a fault proxy', minio && toxiproxy, () => {
  runBlobStoreFaultSuite('s3 (MinIO)', async ({ timeoutMs }) => {
    await ensureBucket(minio!)
    const prefix = freshPrefix('faults')
    const proxy = await toxiproxy!.proxy(new URL(minio!.endpoint).host)
    const store = new S3BlobStore({ ...clientConfig(minio!), endpoint: proxy.url, bucket: TEST_BUCKET, prefix, requestTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs, connectionTimeoutMs: timeoutMs })
    await store.ready()
    return { proxy, store, direct: await freshS3Store(minio!, 'faults', { prefix }), close: () => store.destroy() }
  })

  it('a multipart upload cut mid-part: a temporary error, no object, and no upload left behind', async () => {
    await ensureBucket(minio!)
    const prefix = freshPrefix('faults-mpu')
    const proxy = await toxiproxy!.proxy(new URL(minio!.endpoint).host)
    const store = new S3BlobStore({ ...clientConfig(minio!), endpoint: proxy.url, bucket: TEST_BUCKET, prefix, partSize: 5 * 1024 * 1024, queueSize: 1, requestTimeoutMs: 5_000 })
    try {
      await store.ready()
      async function* body(): AsyncIterable<Uint8Array> {
        for (let i = 0; i < 12; i++) yield new Uint8Array(1024 * 1024).fill(i)
      }
      await proxy.add({ kind: 'cut', bytes: 7 * 1024 * 1024, direction: 'upstream' })
      const error = await store.put('big/a', body()).then(() => undefined, (e: unknown) => e)
      expect(isVolumeError(error), String(error)).toBe(true)
      expect((error as VolumeError).temporary, String(error)).toBe(true)
      await proxy.clear()
      expect(await store.head('big/a')).toBeUndefined()
      const raw = rawClient(minio!)
      try {
        const listed = await raw.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET, Prefix: prefix }))
        expect(listed.Uploads ?? []).toEqual([])
      } finally {
        raw.destroy()
      }
    } finally {
      store.destroy()
    }
  }, 60_000)
})
