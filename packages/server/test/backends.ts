import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { MemoryBlobStore, withRetry, type BlobStore } from '@volumes/core'
import { createStorage, GcsBlobStore } from '@volumes/gcs'
import { LocalBlobStore } from '@volumes/local'
import { R2BlobStore, S3BlobStore } from '@volumes/s3'
import { provideService, startFakeGcs, startMinio, type MinioService, type TestService } from '@volumes/testkit'

/** A storage backend for the HTTP tests: a fresh, empty BlobStore on each `make()`. */
export interface ServerBackend {
  readonly name: string
  make(): Promise<BlobStore>
}

const suffix = (): string => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`

async function ensureBucket(minio: MinioService, bucket: string): Promise<void> {
  const client = new S3Client({ endpoint: minio.endpoint, region: minio.region, credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey }, forcePathStyle: true, maxAttempts: 1 })
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error
  } finally {
    client.destroy()
  }
}

/**
 * Memory, local disk, MinIO as S3 and as R2, and fake-gcs-server (the networked ones behind
 * the retry layer, as a server runs them: the emulators drop connections under load). The services start once per
 * test file; one that is missing is skipped loudly (a failure with CI=true), see `provideService`.
 * Returns the backends that are there, the names of those that are not, and a stop function.
 */
export async function serverBackends(): Promise<{ backends: ServerBackend[]; missing: string[]; stop(): Promise<void> }> {
  const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
  const gcs = (await provideService('fake-gcs-server', () => startFakeGcs())) as TestService | undefined
  const made: { destroy(): void }[] = []
  const backends: ServerBackend[] = [
    { name: 'memory', make: async () => new MemoryBlobStore() },
    { name: 'local disk', make: async () => new LocalBlobStore({ root: await mkdtemp(join(tmpdir(), 'volumes-server-')), fsync: false }) },
  ]
  const bucket = process.env.VOLUMES_S3_BUCKET ?? 'volumes-test'
  if (minio) {
    const credentials = { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey }
    backends.push({
      name: 'S3 (MinIO)',
      async make() {
        await ensureBucket(minio, bucket)
        const store = await S3BlobStore.open({ endpoint: minio.endpoint, region: minio.region, credentials, forcePathStyle: true, bucket, prefix: `server-${suffix()}/` })
        made.push(store)
        return withRetry(store)
      },
    })
    backends.push({
      name: 'R2 (MinIO)',
      async make() {
        await ensureBucket(minio, bucket)
        const store = await R2BlobStore.open({ accountId: 'test-account', endpoint: minio.endpoint, credentials, bucket, prefix: `server-${suffix()}/` })
        made.push(store)
        return withRetry(store)
      },
    })
  }
  if (gcs) {
    backends.push({
      name: 'GCS (fake-gcs-server)',
      async make() {
        const storage = createStorage({ apiEndpoint: gcs.url, projectId: gcs.details.projectId ?? 'volumes-test' })
        const name = `server-${suffix()}`
        await storage.createBucket(name)
        return withRetry(new GcsBlobStore({ storage, bucket: name, prefix: 'root/' }))
      },
    })
  }
  const missing = [...(minio ? [] : ['S3 (MinIO)', 'R2 (MinIO)']), ...(gcs ? [] : ['GCS (fake-gcs-server)'])]
  return {
    backends,
    missing,
    async stop() {
      for (const store of made.splice(0)) store.destroy()
      await minio?.stop()
      await gcs?.stop()
    },
  }
}
