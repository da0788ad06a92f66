import { afterAll } from 'vitest'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { minioBlobs } from './fixture.js'
import { runSdkStreamingTests } from './sdk-streaming-suite.js'

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
  })
})
