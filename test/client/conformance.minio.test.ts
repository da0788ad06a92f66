import { randomBytes } from 'node:crypto'
import { afterAll } from 'vitest'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { S3BlobStore } from '@volumes/s3'
import { describeWithService, provideService, runVolumeApiConformance, startMinio, type MinioService } from '@volumes/testkit'
import { clientApi, startServer, type ServerFixture } from './fixture.js'

const BUCKET = process.env.VOLUMES_S3_BUCKET ?? 'volumes-test'
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
let fixture: ServerFixture | undefined
afterAll(async () => {
  await fixture?.close()
  await minio?.stop()
})

/** An S3BlobStore on the service's test bucket under a prefix no other run uses. */
async function freshStore(service: MinioService): Promise<S3BlobStore> {
  const config = {
    endpoint: service.endpoint,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    forcePathStyle: true,
  }
  const client = new S3Client({ ...config, maxAttempts: 1 })
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error
  } finally {
    client.destroy()
  }
  return S3BlobStore.open({ ...config, bucket: BUCKET, prefix: `client-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/` })
}

describeWithService('client → server → MinIO', minio, (provided) => {
  runVolumeApiConformance('client → server → S3BlobStore (MinIO)', async () => {
    const blobs = await freshStore(provided as MinioService)
    fixture = await startServer(blobs, async () => blobs.destroy())
    return clientApi(fixture.connection)
  }, { hostilePathRuns: 60 })
})
