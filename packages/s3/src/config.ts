import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3'
import { utf8Length, VolumeError } from '@volumes/core'

/** The longest object key S3 (and R2, and MinIO) accepts, in UTF-8 bytes. */
export const S3_MAX_KEY_BYTES = 1024

/** S3's smallest multipart part (all but the last). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024

/** The largest object a single CopyObject may copy; larger ones are copied part by part. */
export const S3_MAX_COPY_OBJECT_BYTES = 5 * 1024 * 1024 * 1024

/**
 * How the adapter learns whether the server honours conditional writes
 * (`If-None-Match: *` and `If-Match` on PutObject and CompleteMultipartUpload):
 * - `'probe'` (default): a few requests under the prefix on first use (see `ready()`);
 * - `'assume'`: trust the server without asking (saves the requests; for AWS S3 and R2);
 * - `'off'`: never send them; conditional operations fail with ENOTSUP.
 */
export type ConditionalWritesMode = 'probe' | 'assume' | 'off'

/** Tuning of the adapter's requests. Every member has a default. */
export interface S3TuningOptions {
  /** Multipart part size. Default 8 MiB, at least 5 MiB. Memory per upload ≈ partSize × (queueSize + 1). */
  readonly partSize?: number | undefined
  /** Parts of one multipart upload in flight at once. Default 4. */
  readonly queueSize?: number | undefined
  /**
   * Bodies whose length is known and at most this many bytes go up in one streaming PUT;
   * larger and unknown-length ones use a multipart upload. Default 16 MiB.
   */
  readonly singlePutMaxBytes?: number | undefined
  /** Objects larger than this are copied with UploadPartCopy instead of CopyObject. Default (and most) 5 GiB. */
  readonly copyMultipartThreshold?: number | undefined
  /** Part size of a multipart copy. Default 512 MiB (raised to fit 10,000 parts). */
  readonly copyPartSize?: number | undefined
  /** DeleteObjects batches (of 1,000 keys) in flight at once. Default 4. */
  readonly deleteConcurrency?: number | undefined
  /**
   * Sockets in the keep-alive pool of a client the adapter builds. Default 64: give at least
   * the concurrency you run (uploadDirectory's, plus queueSize per large upload).
   */
  readonly maxSockets?: number | undefined
  /** A response body that delivers nothing for this long while it is being read fails with ETIMEDOUT. Default 30 s. */
  readonly bodyTimeoutMs?: number | undefined
  /**
   * Longest wait for a response's headers, time queued for a free socket included (a built
   * client only). Default 5 min. Response bodies have their own guard, `bodyTimeoutMs`.
   */
  readonly requestTimeoutMs?: number | undefined
  /** Longest wait for a new socket to connect (a built client only). Default 5 s. */
  readonly connectionTimeoutMs?: number | undefined
  /**
   * Before a `put` with `ifMatch`, HEAD the object and compare its revision too (default true).
   * S3 checks `If-Match` against the ETag, a digest of the data alone: without this HEAD, a
   * metadata-only change (`setMetadata`) or a rewrite with the same bytes between reading the
   * version and writing goes unnoticed. `false` saves one request per conditional put (a
   * read-modify-write loop on an object nobody `setMetadata`s, such as a counter, loses nothing).
   */
  readonly revisionCheck?: boolean | undefined
  /** See {@link ConditionalWritesMode}. Default `'probe'`. */
  readonly conditionalWrites?: ConditionalWritesMode | undefined
  /**
   * Ask ListObjectsV2 for user metadata with MinIO's `metadata=true` extension, so that
   * listings cost no per-object HEAD: `'probe'` (default for S3BlobStore) checks the server
   * supports it; `false` never asks (AWS S3 and R2 do not support it).
   */
  readonly listMetadata?: 'probe' | boolean | undefined
}

/**
 * Options of {@link S3BlobStore}: the bucket, an optional key prefix, tuning, and either an
 * injected `S3Client` or the `S3ClientConfig` to build one.
 *
 * A built client has the SDK's own retries off (`maxAttempts: 1` unless given): the retry
 * layer of `@volumes/core` retries the errors this adapter marks temporary. With an
 * `endpoint` (MinIO, R2, a test server) it defaults to `forcePathStyle: true` and region `us-east-1`.
 */
export interface S3BlobStoreOptions extends S3ClientConfig, S3TuningOptions {
  /** A client to use instead of building one. The adapter never changes or destroys it. */
  readonly client?: S3Client | undefined
  /** The bucket. It must exist. */
  readonly bucket: string
  /** Prefix of every object key (e.g. `volumes/`), used as given; keys are relative to it. Default: none. */
  readonly prefix?: string | undefined
}

/** Tuning with every default filled in. */
export type ResolvedTuning = { readonly [K in keyof S3TuningOptions]-?: Exclude<S3TuningOptions[K], undefined> }

const MiB = 1024 * 1024

/** Splits options into the bucket, prefix, resolved tuning and the rest (the client's config). */
export function resolveOptions(options: S3BlobStoreOptions): {
  client: S3Client | undefined
  bucket: string
  prefix: string
  tuning: ResolvedTuning
  clientConfig: S3ClientConfig
} {
  const {
    client, bucket, prefix = '', partSize, queueSize, singlePutMaxBytes, copyMultipartThreshold, copyPartSize, deleteConcurrency,
    maxSockets, bodyTimeoutMs, requestTimeoutMs, connectionTimeoutMs, revisionCheck, conditionalWrites, listMetadata, ...clientConfig
  } = options
  if (!bucket) throw new VolumeError('EINVAL', { op: 'S3BlobStore', detail: 'a bucket name is required' })
  if (utf8Length(prefix) >= S3_MAX_KEY_BYTES) throw new VolumeError('ENAMETOOLONG', { op: 'S3BlobStore', path: prefix, detail: 'prefix leaves no room for keys' })
  const part = positive(partSize, 8 * MiB, 'partSize')
  if (part < S3_MIN_PART_BYTES) throw new VolumeError('EINVAL', { op: 'S3BlobStore', detail: `partSize must be at least ${S3_MIN_PART_BYTES} bytes` })
  const tuning: ResolvedTuning = {
    partSize: part,
    queueSize: positive(queueSize, 4, 'queueSize'),
    singlePutMaxBytes: positive(singlePutMaxBytes, 16 * MiB, 'singlePutMaxBytes'),
    copyMultipartThreshold: Math.min(positive(copyMultipartThreshold, S3_MAX_COPY_OBJECT_BYTES, 'copyMultipartThreshold'), S3_MAX_COPY_OBJECT_BYTES),
    copyPartSize: Math.max(positive(copyPartSize, 512 * MiB, 'copyPartSize'), S3_MIN_PART_BYTES),
    deleteConcurrency: positive(deleteConcurrency, 4, 'deleteConcurrency'),
    maxSockets: positive(maxSockets, 64, 'maxSockets'),
    bodyTimeoutMs: positive(bodyTimeoutMs, 30_000, 'bodyTimeoutMs'),
    requestTimeoutMs: positive(requestTimeoutMs, 300_000, 'requestTimeoutMs'),
    connectionTimeoutMs: positive(connectionTimeoutMs, 5_000, 'connectionTimeoutMs'),
    revisionCheck: revisionCheck ?? true,
    conditionalWrites: conditionalWrites ?? 'probe',
    listMetadata: listMetadata ?? 'probe',
  }
  return { client, bucket, prefix, tuning, clientConfig }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw new VolumeError('EINVAL', { op: 'S3BlobStore', detail: `${name} must be a positive number` })
  return Math.floor(value)
}
