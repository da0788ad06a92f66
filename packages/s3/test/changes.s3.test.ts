import { afterAll } from 'vitest'
import { describeWithService, provideService, runVolumeEventTests, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshS3Store } from './fixture.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

describeWithService('volume events on MinIO', minio, (provided) => {
  runVolumeEventTests('S3BlobStore (MinIO)', () => freshS3Store(provided as MinioService, 'events'))
})
