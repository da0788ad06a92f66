import { afterAll } from 'vitest'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { minioBlobs } from './fixture.js'
import { runSdkMethodTests } from './sdk-methods-suite.js'
import { runSdkRuleTests } from './sdk-rules-suite.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  await minio?.stop()
})

describeWithService('official e2b SDK → server → MinIO', minio, (provided) => {
  runSdkMethodTests('S3BlobStore (MinIO)', () => minioBlobs(provided as MinioService))
  runSdkRuleTests('S3BlobStore (MinIO)', () => minioBlobs(provided as MinioService))
})
