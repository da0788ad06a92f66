import { afterAll, describe, expect, it } from 'vitest'
import { describeWithService, provideService, runBlobStoreConformance, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshR2Store, freshS3Store } from './fixture.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

describeWithService('BlobStore conformance on MinIO', minio, (provided) => {
  const service = provided as MinioService
  runBlobStoreConformance('S3BlobStore (MinIO)', () => freshS3Store(service, 'conf-s3'))
  runBlobStoreConformance('R2BlobStore (pointed at MinIO)', () => freshR2Store(service, 'conf-r2'))

  describe('capabilities found by the probe', () => {
    it('MinIO honours conditional writes and returns metadata in listings', async () => {
      const store = await freshS3Store(service, 'caps')
      expect(store.capabilities).toMatchObject({ conditionalCreate: true, compareAndSwap: true, listMetadata: true, serverSideCopy: true })
      expect(store.capabilities.maxKeyBytes).toBe(1024 - store.prefix.length)
    })
    it('the R2 preset never asks for list metadata', async () => {
      const store = await freshR2Store(service, 'caps-r2')
      expect(store.capabilities).toMatchObject({ conditionalCreate: true, compareAndSwap: true, listMetadata: false })
    })
  })
})
