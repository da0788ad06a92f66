import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { VolumeStore, type BlobStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { S3BlobStore } from '@volumes/s3'
import { startVolumesServer, type VolumesServer } from '@volumes/server'
import type { MinioService } from '@volumes/testkit'

/** Connection options of the official SDK for one team: management and content at the server's `/e2b`. */
export interface SdkConnection {
  readonly apiKey: string
  readonly apiUrl: string
}

/** A real `volumes serve` equivalent in this process on 127.0.0.1, with two teams' keys. */
export interface E2bFixture {
  readonly server: VolumesServer
  readonly store: VolumeStore
  /** The server's URL plus `/e2b`: what E2B_API_URL and E2B_VOLUME_API_URL are set to. */
  readonly e2bUrl: string
  /** Team A: what the tests use. */
  readonly team: SdkConnection
  /** Team B: for isolation checks. */
  readonly otherTeam: SdkConnection
  /** Points the SDK's environment (E2B_API_URL, E2B_VOLUME_API_URL, E2B_API_KEY) at this server as team A. */
  useEnvironment(): void
  close(): Promise<void>
}

/** Options of {@link startE2bServer}. */
export interface E2bFixtureOptions {
  readonly maxFileBytes?: number
  /** Bytes per GB of quota (1 MiB makes the default 1 GB volume fillable). Default: the store's. */
  readonly bytesPerGb?: number
}

/** Starts the server over `blobs` on a free port; `close` stops it and runs `cleanup`. */
export async function startE2bServer(blobs: BlobStore, cleanup: () => Promise<void>, options: E2bFixtureOptions = {}): Promise<E2bFixture> {
  const apiKey = `e2b-key-a-${randomBytes(12).toString('hex')}`
  const otherKey = `e2b-key-b-${randomBytes(12).toString('hex')}`
  const store = new VolumeStore({ blobs, ...(options.bytesPerGb === undefined ? {} : { quota: { bytesPerGb: options.bytesPerGb } }) })
  const server = await startVolumesServer({
    store,
    auth: { apiKeys: { [apiKey]: 'team-a', [otherKey]: 'team-b' }, tokenSecret: randomBytes(32) },
    limits: { maxFileBytes: options.maxFileBytes },
    logger: false,
    port: 0,
    host: '127.0.0.1',
    overrideGlobalObjects: false,
  })
  const e2bUrl = `${server.url}/e2b`
  return {
    server,
    store,
    e2bUrl,
    team: { apiKey, apiUrl: e2bUrl },
    otherTeam: { apiKey: otherKey, apiUrl: e2bUrl },
    useEnvironment() {
      process.env.E2B_API_URL = e2bUrl
      process.env.E2B_VOLUME_API_URL = e2bUrl
      process.env.E2B_API_KEY = apiKey
    },
    async close() {
      await server.close()
      await store.leases.close()
      await cleanup()
    },
  }
}

/** A LocalBlobStore in a fresh temporary directory, and its removal. */
export async function localBlobs(): Promise<{ blobs: BlobStore; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'volumes-e2b-'))
  return { blobs: new LocalBlobStore({ root }), root, cleanup: () => rm(root, { recursive: true, force: true }) }
}

const BUCKET = process.env.VOLUMES_S3_BUCKET ?? 'volumes-test'

/** An S3BlobStore on MinIO's test bucket under a prefix no other run uses (made sure of), and its removal. */
export async function minioBlobs(service: MinioService): Promise<{ blobs: BlobStore; bucket: string; prefix: string; cleanup: () => Promise<void> }> {
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
  const prefix = `e2b-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`
  const blobs = await S3BlobStore.open({ ...config, bucket: BUCKET, prefix })
  return { blobs, bucket: BUCKET, prefix, cleanup: async () => { await blobs.destroy() } }
}
