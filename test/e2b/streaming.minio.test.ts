import { afterAll } from 'vitest'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { minioBlobs } from './fixture.js'
import { runSdkStreamingTests } from './sdk-streaming-suite.js'

const MiB = 1024 * 1024
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  await minio?.stop()
})

describeWithService('official e2b SDK streaming → volumes serve → MinIO', minio, (provided) => {
  const service = provided as MinioService
  runSdkStreamingTests('S3BlobStore (MinIO, --store s3://)', async () => {
    const { bucket, prefix, cleanup } = await minioBlobs(service)
    return {
      args: ['--store', `s3://${bucket}/${prefix}`, '--s3-endpoint', service.endpoint],
      env: { AWS_ACCESS_KEY_ID: service.accessKeyId, AWS_SECRET_ACCESS_KEY: service.secretAccessKey, AWS_REGION: service.region },
      cleanup,
    }
    // The S3 adapter holds partSize × (queueSize + 1) = 40 MiB of part buffers per upload by design
    // (packages/s3/src/config.ts), and V8 frees the spent ones lazily, so the first big upload of a
    // process peaks at +45-70 MiB. A 128 MiB file under a 96 MiB bound shows that the server does not
    // hold the file; successive uploads of 64, 128, 64 and 192 MiB measured +45, +32, +8 and +9 MiB:
    // the growth does not follow the file size.
  }, { fileBytes: 128 * MiB, maxServerGrowth: 96 * MiB })
})
