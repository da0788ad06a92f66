import { randomBytes } from 'node:crypto'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import type { MinioService } from '@volumes/testkit'
import { R2BlobStore, S3BlobStore, type S3BlobStoreOptions } from '@volumes/s3'

/** The bucket every S3 test uses; each run works under its own fresh prefix. */
export const TEST_BUCKET = process.env.VOLUMES_S3_BUCKET ?? 'volumes-test'

/** Client settings for the service: endpoint, credentials, path-style addressing. */
export function clientConfig(service: MinioService): {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  forcePathStyle: boolean
} {
  return {
    endpoint: service.endpoint,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    forcePathStyle: true,
  }
}

/** A raw SDK client of the service (SDK retries off), for checks behind the adapter's back. */
export function rawClient(service: MinioService): S3Client {
  return new S3Client({ ...clientConfig(service), maxAttempts: 1 })
}

/** Creates the bucket unless it exists. */
export async function ensureBucket(service: MinioService, bucket = TEST_BUCKET): Promise<void> {
  const client = rawClient(service)
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error
  } finally {
    client.destroy()
  }
}

/** A prefix no other run uses. */
export function freshPrefix(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`
}

/** Stores made by the fixture, destroyed by {@link destroyStores}. */
const made: S3BlobStore[] = []

/** An S3BlobStore on the service under a fresh prefix, probed. */
export async function freshS3Store(service: MinioService, label: string, options: Partial<S3BlobStoreOptions> = {}): Promise<S3BlobStore> {
  await ensureBucket(service)
  const store = await S3BlobStore.open({ ...clientConfig(service), bucket: TEST_BUCKET, prefix: freshPrefix(label), ...options })
  made.push(store)
  return store
}

/** An R2BlobStore pointed at the service (endpoint override) under a fresh prefix, probed. */
export async function freshR2Store(service: MinioService, label: string): Promise<R2BlobStore> {
  await ensureBucket(service)
  const { endpoint, credentials } = clientConfig(service)
  const store = await R2BlobStore.open({ accountId: 'test-account', endpoint, credentials, bucket: TEST_BUCKET, prefix: freshPrefix(label) })
  made.push(store)
  return store
}

/** Closes the sockets of every store the fixture made. */
export function destroyStores(): void {
  for (const store of made.splice(0)) store.destroy()
}
