import { afterAll, describe } from 'vitest'
import { MemoryLeaseManager, VolumeStore, type BlobStore } from '@volumes/core'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshR2Store, freshS3Store } from '../../s3/test/fixture.js'
import { fuseReason } from './helpers.js'
import { workloadSuite } from './workloads.js'

const minio = fuseReason === undefined ? ((await provideService('MinIO', () => startMinio())) as MinioService | undefined) : undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

const storeOn = (blobs: BlobStore): VolumeStore => new VolumeStore({ blobs, leases: new MemoryLeaseManager() })

if (fuseReason !== undefined) {
  describe.skip(`volumes mount on MinIO (skipped: ${fuseReason})`, () => undefined)
} else {
  describeWithService('volumes mount on MinIO (S3BlobStore)', minio, (service) => {
    workloadSuite(async () => storeOn(await freshS3Store(service as MinioService, 'mount')))
  })
  describeWithService('volumes mount on MinIO (R2BlobStore)', minio, (service) => {
    workloadSuite(async () => storeOn(await freshR2Store(service as MinioService, 'mount-r2')), { shellOnly: true })
  })
}
