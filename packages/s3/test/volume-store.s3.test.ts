import { afterAll } from 'vitest'
import { describeWithService, provideService, runVolumeStoreConformance, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshR2Store, freshS3Store } from './fixture.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

describeWithService('VolumeStore conformance on MinIO', minio, (provided) => {
  const service = provided as MinioService
  runVolumeStoreConformance('S3BlobStore (MinIO)', () => freshS3Store(service, 'vol-s3'), { propertyRuns: 25, hostilePathRuns: 150 })
  runVolumeStoreConformance('R2BlobStore (pointed at MinIO)', () => freshR2Store(service, 'vol-r2'), { propertyRuns: 25, hostilePathRuns: 150 })
})
