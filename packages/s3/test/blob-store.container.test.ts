import { afterAll, expect, it } from 'vitest'
import { describeWithService, provideService, runBlobStoreConformance, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshS3Store } from './fixture.js'

// The container path of the testkit, run once: MinIO from the local image, started by
// testcontainers in host network mode (CI starts dockerd; elsewhere this skips without an engine).
const minio = (await provideService('MinIO (container)', () => startMinio({ container: true }))) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

describeWithService('BlobStore conformance on MinIO in a container', minio, (provided) => {
  const service = provided as MinioService
  it('MinIO runs in a container', () => {
    expect(service.source).toBe('container')
    expect(service.details.containerId).toMatch(/^[0-9a-f]{64}$/)
  })
  runBlobStoreConformance('S3BlobStore (MinIO container)', () => freshS3Store(service, 'container'))
})
