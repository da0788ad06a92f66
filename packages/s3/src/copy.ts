import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { isVolumeError, mapConcurrent, throwIfAborted, VolumeError, type BlobCopyOptions, type BlobHead, type BlobMetadata } from '@volumes/core'
import { copySource, objectKey, sendOptions, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'
import { formatVersion, newRevision, withRevision, type RawHead } from './object-head.js'
import { headObject } from './read.js'

/** Most parts of a multipart upload. */
const MAX_PARTS = 10_000
/** UploadPartCopy requests in flight for one multipart copy. */
const PART_COPY_CONCURRENCY = 4
/** Attempts of a copy whose source changed under it (the adapter re-reads the source each time). */
export const SOURCE_CHANGED_ATTEMPTS = 3

/** Reason of the EPRECONDITION raised when the source no longer has the ETag the copy was planned with. */
export const SOURCE_CHANGED = 'SourceChanged'

/** What to write at the destination of a server-side copy. */
export interface CopyTarget {
  readonly bucketKey: string
  /** The store key, for errors and the returned head. */
  readonly key: string
  readonly metadata: BlobMetadata
  readonly contentType: string | undefined
  /** Create only: `If-None-Match: *` on CompleteMultipartUpload. */
  readonly ifNoneMatch: boolean
}

/**
 * Copies `source` (as a HEAD saw it) to `target` on the server, replacing metadata with
 * `target.metadata` plus a fresh revision. Every request carries `x-amz-copy-source-if-match`
 * with the source's ETag: a source that changed meanwhile fails with EPRECONDITION, reason
 * {@link SOURCE_CHANGED}, and nothing is written. A plain copy of at most `copyMultipartThreshold`
 * bytes is one CopyObject; larger sources, and create-only copies (CopyObject's own
 * `If-None-Match` is ignored by MinIO), go part by part with UploadPartCopy and a
 * CompleteMultipartUpload that carries the condition.
 */
export async function serverSideCopy(context: S3Context, source: RawHead & { bucketKey: string }, target: CopyTarget, op: string, signal?: AbortSignal): Promise<BlobHead> {
  const revision = newRevision()
  const common = {
    Bucket: context.bucket,
    Key: target.bucketKey,
    Metadata: withRevision(target.metadata, revision),
    ContentType: target.contentType,
  }
  const sourceParams = { CopySource: copySource(context, source.bucketKey), CopySourceIfMatch: source.etag }
  let etag: string | undefined
  let lastModified: Date | undefined
  if (!target.ifNoneMatch && source.size <= context.tuning.copyMultipartThreshold) {
    try {
      const output = await context.client.send(new CopyObjectCommand({ ...common, ...sourceParams, MetadataDirective: 'REPLACE' }), sendOptions(signal))
      etag = output.CopyObjectResult?.ETag
      lastModified = output.CopyObjectResult?.LastModified
    } catch (error) {
      throw sourceError(error, op, target.key, signal)
    }
  } else {
    etag = await multipartCopy(context, common, sourceParams, source.size, target, op, signal)
  }
  return {
    key: target.key,
    size: source.size,
    version: formatVersion(etag ?? '', revision),
    lastModified: lastModified ?? new Date(),
    contentType: target.contentType,
    metadata: { ...target.metadata },
  }
}

/** A copy given up because its source changed under every attempt: temporary, a later retry may find it still. */
export function sourceKeptChanging(op: string, key: string, cause: unknown): VolumeError {
  return new VolumeError('EAGAIN', { op, path: key, reason: SOURCE_CHANGED, temporary: true, detail: 'the source kept changing during the copy', cause })
}

function sourceError(error: unknown, op: string, key: string, signal: AbortSignal | undefined): VolumeError {
  const mapped = mapS3Error(error, op, key, signal)
  // Part ranges come from the source's HEAD, so a range MinIO finds unsatisfiable means the
  // source was replaced by a shorter object: MinIO checks the range before `If-Match` (seen in the soak).
  if (mapped.code === 'EINVAL' && mapped.reason === 'RangeNotSatisfiable') {
    return new VolumeError('EPRECONDITION', { op, path: key, reason: SOURCE_CHANGED, detail: 'the copy source changed (now shorter)', cause: error })
  }
  if (mapped.code !== 'EPRECONDITION') return mapped
  return new VolumeError('EPRECONDITION', { op, path: key, reason: SOURCE_CHANGED, detail: 'the copy source changed', cause: error })
}

async function multipartCopy(
  context: S3Context,
  common: { Bucket: string; Key: string; Metadata: Record<string, string>; ContentType: string | undefined },
  sourceParams: { CopySource: string; CopySourceIfMatch: string },
  size: number,
  target: CopyTarget,
  op: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  let uploadId: string | undefined
  try {
    uploadId = (await context.client.send(new CreateMultipartUploadCommand(common), sendOptions(signal))).UploadId
  } catch (error) {
    throw mapS3Error(error, op, target.key, signal)
  }
  const partSize = Math.max(context.tuning.copyPartSize, Math.ceil(size / MAX_PARTS))
  const ranges: { partNumber: number; range: string | undefined }[] = []
  for (let start = 0; start < size; start += partSize) {
    ranges.push({ partNumber: ranges.length + 1, range: `bytes=${start}-${Math.min(size, start + partSize) - 1}` })
  }
  if (ranges.length === 0) ranges.push({ partNumber: 1, range: undefined })
  try {
    const parts = await mapConcurrent(ranges, PART_COPY_CONCURRENCY, async ({ partNumber, range }) => {
      try {
        const output = await context.client.send(new UploadPartCopyCommand({
          Bucket: common.Bucket, Key: common.Key, UploadId: uploadId, PartNumber: partNumber, CopySourceRange: range, ...sourceParams,
        }), sendOptions(signal))
        return { PartNumber: partNumber, ETag: output.CopyPartResult?.ETag }
      } catch (error) {
        throw sourceError(error, op, target.key, signal)
      }
    }, signal)
    try {
      const output = await context.client.send(new CompleteMultipartUploadCommand({
        Bucket: common.Bucket, Key: common.Key, UploadId: uploadId, MultipartUpload: { Parts: parts },
        IfNoneMatch: target.ifNoneMatch ? '*' : undefined,
      }), sendOptions(signal))
      return output.ETag
    } catch (error) {
      throw mapS3Error(error, op, target.key, signal)
    }
  } catch (error) {
    await context.client.send(new AbortMultipartUploadCommand({ Bucket: common.Bucket, Key: common.Key, UploadId: uploadId })).catch(() => undefined)
    throw error
  }
}

/**
 * {@link BlobStore.copy}: HEADs the source (its size picks CopyObject or a multipart copy; its
 * metadata and content type are kept unless replaced), then copies on the server. A source
 * that changes between the HEAD and the copy is read again (up to {@link SOURCE_CHANGED_ATTEMPTS} times).
 * The caller has checked that the server honours `ifNoneMatch` when given.
 */
export async function copy(context: S3Context, sourceKey: string, destinationKey: string, options: BlobCopyOptions = {}): Promise<BlobHead> {
  const { signal } = options
  throwIfAborted(signal, 'copy', sourceKey)
  const sourceBucketKey = objectKey(context, sourceKey, 'copy')
  const target = { bucketKey: objectKey(context, destinationKey, 'copy'), key: destinationKey, ifNoneMatch: options.ifNoneMatch === '*' }
  for (let attempt = 1; ; attempt++) {
    const source = await headObject(context, sourceBucketKey, sourceKey, 'copy', signal)
    if (!source) throw new VolumeError('ENOENT', { op: 'copy', path: sourceKey })
    try {
      return await serverSideCopy(context, { ...source, bucketKey: sourceBucketKey }, {
        ...target,
        metadata: options.metadata ?? source.metadata,
        contentType: options.contentType ?? source.contentType,
      }, 'copy', signal)
    } catch (error) {
      if (!isVolumeError(error) || error.reason !== SOURCE_CHANGED) throw error
      if (attempt >= SOURCE_CHANGED_ATTEMPTS) throw sourceKeptChanging('copy', sourceKey, error)
    }
  }
}
