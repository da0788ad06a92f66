import { Readable } from 'node:stream'
import { GetObjectCommand, HeadObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { throwIfAborted, VolumeError, type BlobCallOptions, type BlobGetOptions, type BlobHead, type BlobReadResult } from '@volumes/core'
import { objectKey, sendOptions, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'
import { splitMetadata, toBlobHead, type RawHead } from './object-head.js'
import { guardBody } from './stalled-body.js'

/**
 * HEADs an object by its bucket key. Missing → `undefined`.
 * `key` is the store key to report; `op` names the public operation in errors.
 */
export async function headObject(context: S3Context, bucketKey: string, key: string, op: string, signal?: AbortSignal): Promise<RawHead | undefined> {
  try {
    const output = await context.client.send(new HeadObjectCommand({ Bucket: context.bucket, Key: bucketKey }), sendOptions(signal))
    const { metadata, revision } = splitMetadata(output.Metadata)
    return {
      key, etag: output.ETag ?? '', revision, size: output.ContentLength ?? 0,
      lastModified: output.LastModified ?? new Date(0), contentType: output.ContentType, metadata,
    }
  } catch (error) {
    const mapped = mapS3Error(error, op, key, signal)
    if (mapped.code === 'ENOENT' && mapped.reason !== 'NoSuchBucket') return undefined
    throw mapped
  }
}

/** {@link BlobStore.head}: missing key → `undefined`. */
export async function head(context: S3Context, key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
  throwIfAborted(options?.signal, 'head', key)
  const raw = await headObject(context, objectKey(context, key, 'head'), key, 'head', options?.signal)
  return raw && toBlobHead(raw)
}

/** The `Range` header of a validated range, or `undefined` for the whole object. */
function rangeHeader(key: string, range: BlobGetOptions['range']): string | undefined {
  if (!range) return undefined
  const { start, end } = range
  if (!Number.isInteger(start) || start < 0 || (end !== undefined && (!Number.isInteger(end) || end < start))) {
    throw new VolumeError('EINVAL', { op: 'get', path: key, reason: 'RangeNotSatisfiable', detail: `invalid range ${start}-${end ?? ''}` })
  }
  if (start === 0 && end === undefined) return undefined
  return `bytes=${start}-${end === undefined ? '' : end - 1}`
}

/** Total size from a `Content-Range: bytes a-b/total` header. */
function totalSize(output: GetObjectCommandOutput): number {
  const total = output.ContentRange?.split('/')[1]
  return total && total !== '*' ? Number(total) : output.ContentLength ?? 0
}

function notSatisfiable(key: string, start: number, size: number): VolumeError {
  return new VolumeError('EINVAL', { op: 'get', path: key, reason: 'RangeNotSatisfiable', detail: `range starting at ${start} not satisfiable for ${size} bytes` })
}

/**
 * {@link BlobStore.get}: a ranged, streaming GET. The body is guarded against stalls.
 * Ranges S3 cannot express (empty ranges, any range of an empty object) are answered from a HEAD.
 */
export async function get(context: S3Context, key: string, options: BlobGetOptions = {}): Promise<BlobReadResult> {
  const { signal, range } = options
  throwIfAborted(signal, 'get', key)
  const bucketKey = objectKey(context, key, 'get')
  const header = rangeHeader(key, range)
  if (range && range.end === range.start) return emptyRange(context, bucketKey, key, range.start, signal)
  let output: GetObjectCommandOutput
  try {
    output = await context.client.send(new GetObjectCommand({ Bucket: context.bucket, Key: bucketKey, Range: header }), sendOptions(signal))
  } catch (error) {
    const mapped = mapS3Error(error, 'get', key, signal)
    // S3 answers 416 for every range of an empty object; the contract allows a range starting at 0 there.
    if (mapped.reason === 'RangeNotSatisfiable' && range?.start === 0) return emptyRange(context, bucketKey, key, 0, signal)
    throw mapped
  }
  const { metadata, revision } = splitMetadata(output.Metadata)
  const head = toBlobHead({
    key, etag: output.ETag ?? '', revision, size: totalSize(output),
    lastModified: output.LastModified ?? new Date(0), contentType: output.ContentType, metadata,
  })
  const body = guardBody(output.Body as Readable, context.tuning.bodyTimeoutMs, (error) => mapS3Error(error, 'get', key, signal), 'get', key)
  return { head, body }
}

/** An empty body for a zero-length range, after checking the object exists and the range starts inside it. */
async function emptyRange(context: S3Context, bucketKey: string, key: string, start: number, signal: AbortSignal | undefined): Promise<BlobReadResult> {
  const raw = await headObject(context, bucketKey, key, 'get', signal)
  if (!raw) throw new VolumeError('ENOENT', { op: 'get', path: key })
  if (start > raw.size || (start === raw.size && start > 0)) throw notSatisfiable(key, start, raw.size)
  return { head: toBlobHead(raw), body: Readable.from([]) }
}
