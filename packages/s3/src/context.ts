import type { S3Client } from '@aws-sdk/client-s3'
import { utf8Length, VolumeError } from '@volumes/core'
import { S3_MAX_KEY_BYTES, type ResolvedTuning } from './config.js'

/** What every operation of one store needs: the client, where its objects live, and tuning. */
export interface S3Context {
  readonly client: S3Client
  readonly bucket: string
  readonly prefix: string
  readonly tuning: ResolvedTuning
  /** Longest key after the prefix, in UTF-8 bytes. */
  readonly maxKeyBytes: number
}

/** Builds a context. */
export function createContext(client: S3Client, bucket: string, prefix: string, tuning: ResolvedTuning): S3Context {
  return { client, bucket, prefix, tuning, maxKeyBytes: S3_MAX_KEY_BYTES - utf8Length(prefix) }
}

/** The bucket key of a store key, after checking it is one S3 can store. */
export function objectKey(context: S3Context, key: string, op: string): string {
  if (key.length === 0 && context.prefix.length === 0) throw new VolumeError('EINVAL', { op, path: key, detail: 'empty key' })
  if (utf8Length(key) > context.maxKeyBytes) throw new VolumeError('ENAMETOOLONG', { op, path: key })
  return context.prefix + key
}

/** The store key of a bucket key (the prefix removed). */
export function storeKey(context: S3Context, bucketKey: string): string {
  return bucketKey.startsWith(context.prefix) ? bucketKey.slice(context.prefix.length) : bucketKey
}

/** The `x-amz-copy-source` value of a bucket key: `bucket/key`, percent-encoded except for `/`. */
export function copySource(context: S3Context, bucketKey: string): string {
  const encode = (segment: string): string =>
    encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${encode(context.bucket)}/${bucketKey.split('/').map(encode).join('/')}`
}

/** The SDK's per-call options for an optional signal (`exactOptionalPropertyTypes` forbids `abortSignal: undefined`). */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {}
}
