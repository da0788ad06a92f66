import { afterAll } from 'vitest'
import { describeWithService, provideService, runBlobStoreFaultSuite, startMinio, startToxiproxy, type MinioService, type ToxiproxyService } from '@volumes/testkit'
import { S3BlobStore } from '@volumes/s3'
import { clientConfig, destroyStores, ensureBucket, freshPrefix, freshS3Store, TEST_BUCKET } from './fixture.js'

// MinIO behind toxiproxy: latency, bandwidth, cut and reset connections, silence.
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const toxiproxy = (await provideService('toxiproxy', startToxiproxy)) as ToxiproxyService | undefined
afterAll(async () => {
  destroyStores()
  await toxiproxy?.stop()
  await minio?.stop()
})

describeWithService('S3BlobStore through a fault proxy', minio && toxiproxy, () => {
  runBlobStoreFaultSuite('s3 (MinIO)', async () => {
    await ensureBucket(minio!)
    const prefix = freshPrefix('faults')
    const proxy = await toxiproxy!.proxy(new URL(minio!.endpoint).host)
    const store = new S3BlobStore({ ...clientConfig(minio!), endpoint: proxy.url, bucket: TEST_BUCKET, prefix, requestTimeoutMs: 2_000, bodyTimeoutMs: 2_000, connectionTimeoutMs: 2_000 })
    await store.ready()
    return { proxy, store, direct: await freshS3Store(minio!, 'faults', { prefix }), close: () => store.destroy() }
  })
})
