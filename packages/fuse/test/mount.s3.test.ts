import { randomBytes } from 'node:crypto'
import { afterAll, describe } from 'vitest'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { MemoryLeaseManager, VolumeStore } from '@volumes/core'
import { S3BlobStore } from '@volumes/s3'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { fuseReason } from './helpers.js'
import { workloadSuite } from './workloads.js'

const minio = fuseReason === undefined ? ((await provideService('MinIO', () => startMinio())) as MinioService | undefined) : undefined
afterAll(async () => {
  await minio?.stop()
})

/** A VolumeStore on the MinIO under a fresh prefix of one bucket. */
export async function minioStore(service: MinioService, label: string): Promise<VolumeStore> {
  const config = {
    endpoint: service.endpoint,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    forcePathStyle: true,
  }
  const client = new S3Client({ ...config, maxAttempts: 1 })
  await client.send(new CreateBucketCommand({ Bucket: 'volumes-fuse' })).catch(() => undefined)
  client.destroy()
  const blobs = await S3BlobStore.open({ ...config, bucket: 'volumes-fuse', prefix: `${label}-${randomBytes(4).toString('hex')}/` })
  return new VolumeStore({ blobs, leases: new MemoryLeaseManager() })
}

if (fuseReason !== undefined) {
  describe.skip(`volumes mount on MinIO (skipped: ${fuseReason})`, () => undefined)
} else {
  describeWithService('volumes mount on MinIO', minio, (service) => {
    workloadSuite(() => minioStore(service as MinioService, 'mount'))
  })
}
