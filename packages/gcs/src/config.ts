import { IdempotencyStrategy, Storage, type Bucket, type StorageOptions } from '@google-cloud/storage'
import { utf8Length, VolumeError } from '@volumes/core'

/** The longest object name GCS accepts, in UTF-8 bytes. */
export const GCS_MAX_NAME_BYTES = 1024

/**
 * Options of {@link GcsBlobStore}: the bucket, an optional key prefix, and either an
 * injected `Storage` client or the options to build one (`apiEndpoint` for emulators).
 */
export interface GcsBlobStoreOptions extends StorageOptions {
  /**
   * A client to use instead of building one. Give it `retryOptions: { autoRetry: false }`:
   * the adapter never changes it, and the library's default (retry writes that carry a
   * precondition) turns a create-only write whose response was lost into EPRECONDITION.
   * Retries belong to the retry layer of `@volumes/core`, which sees `temporary` errors.
   */
  readonly storage?: Storage | undefined
  /** The bucket. It must exist. */
  readonly bucket: string
  /** Prefix of every object name (e.g. `volumes/`); keys are relative to it. Default: none. */
  readonly prefix?: string | undefined
  /**
   * Bodies of at most this many bytes (known up front, or found to be that short) go up in
   * one request; longer or unknown-length ones use a resumable, streaming upload.
   * Default 8 MiB. At most this much of a stream is held in memory.
   */
  readonly singleRequestMaxBytes?: number | undefined
  /** Deletes in flight at once in `delete` (GCS has no batch delete in this client). Default 16. */
  readonly deleteConcurrency?: number | undefined
  /** A download that gets no data for this long while its reader waits fails with ETIMEDOUT. Default 30 s. */
  readonly bodyTimeoutMs?: number | undefined
}

/** Resolved settings shared by every operation of one store. */
export interface GcsContext {
  readonly storage: Storage
  readonly bucket: Bucket
  readonly prefix: string
  readonly singleRequestMaxBytes: number
  readonly deleteConcurrency: number
  readonly bodyTimeoutMs: number
  readonly maxKeyBytes: number
}

const DEFAULT_SINGLE_REQUEST_MAX_BYTES = 8 * 1024 * 1024
const DEFAULT_DELETE_CONCURRENCY = 16

/**
 * Builds a `Storage` client with the library's own retries off (the retry layer of
 * `@volumes/core` retries errors the adapter marks temporary, and never double-retries).
 */
export function createStorage(options: StorageOptions = {}): Storage {
  return new Storage({
    ...options,
    retryOptions: { ...options.retryOptions, autoRetry: false, maxRetries: 0, idempotencyStrategy: IdempotencyStrategy.RetryNever },
  })
}

/** Validates options and resolves defaults. */
export function resolveContext(options: GcsBlobStoreOptions): GcsContext {
  const { storage: injected, bucket, prefix = '', singleRequestMaxBytes, deleteConcurrency, bodyTimeoutMs, ...storageOptions } = options
  if (!bucket) throw new VolumeError('EINVAL', { op: 'GcsBlobStore', detail: 'a bucket name is required' })
  const maxKeyBytes = GCS_MAX_NAME_BYTES - utf8Length(prefix)
  if (maxKeyBytes < 1) throw new VolumeError('ENAMETOOLONG', { op: 'GcsBlobStore', path: prefix, detail: 'prefix leaves no room for keys' })
  const storage = injected ?? createStorage(storageOptions)
  return {
    storage,
    bucket: storage.bucket(bucket),
    prefix,
    singleRequestMaxBytes: positive(singleRequestMaxBytes, DEFAULT_SINGLE_REQUEST_MAX_BYTES, 'singleRequestMaxBytes'),
    deleteConcurrency: positive(deleteConcurrency, DEFAULT_DELETE_CONCURRENCY, 'deleteConcurrency'),
    bodyTimeoutMs: positive(bodyTimeoutMs, 30_000, 'bodyTimeoutMs'),
    maxKeyBytes,
  }
}

/** The object name of a key, after checking the key is one GCS can store. */
export function objectName(context: GcsContext, key: string, op: string): string {
  if (key.length === 0 && context.prefix.length === 0) throw new VolumeError('EINVAL', { op, path: key, detail: 'empty key' })
  if (utf8Length(key) > context.maxKeyBytes) throw new VolumeError('ENAMETOOLONG', { op, path: key })
  if (/[\r\n]/.test(key)) throw new VolumeError('EINVAL', { op, path: key, detail: 'GCS object names cannot contain CR or LF' })
  return context.prefix + key
}

/** The key of an object name listed under the store's prefix. */
export function keyOf(context: GcsContext, name: string): string {
  return name.slice(context.prefix.length)
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) throw new VolumeError('EINVAL', { op: 'GcsBlobStore', detail: `${name} must be a positive integer` })
  return value
}
