import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type MultipartUpload } from '@aws-sdk/client-s3'
import { throwIfAborted, type BlobCallOptions } from '@volumes/core'
import { sendOptions, storeKey, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'

/** One multipart upload found by {@link abortStaleUploads}. */
export interface StaleUpload {
  /** The store key the upload was writing (prefix removed). */
  readonly key: string
  readonly uploadId: string
  readonly initiated: Date
}

/** The outcome of {@link abortStaleUploads}. */
export interface AbortStaleUploadsResult {
  readonly aborted: readonly StaleUpload[]
  readonly failed: readonly { readonly upload: StaleUpload; readonly error: Error }[]
}

/** Every multipart upload under the bucket key prefix `prefix` (empty: the whole bucket). */
async function listUploads(context: S3Context, prefix: string, signal: AbortSignal | undefined): Promise<MultipartUpload[]> {
  const uploads: MultipartUpload[] = []
  let keyMarker: string | undefined
  let uploadIdMarker: string | undefined
  for (;;) {
    const output = await context.client.send(new ListMultipartUploadsCommand({
      Bucket: context.bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker,
    }), sendOptions(signal))
    uploads.push(...(output.Uploads ?? []))
    const advanced = output.NextKeyMarker !== keyMarker || output.NextUploadIdMarker !== uploadIdMarker
    if (!output.IsTruncated || !advanced || (!output.NextKeyMarker && !output.NextUploadIdMarker)) return uploads
    keyMarker = output.NextKeyMarker
    uploadIdMarker = output.NextUploadIdMarker
  }
}

/**
 * Aborts the multipart uploads under the store's prefix that were started more than
 * `olderThanMs` ago: the leftovers of writers that crashed mid-upload (their parts cost
 * storage but are never visible as objects). Uploads still in progress elsewhere are younger
 * than any sensible `olderThanMs` (an hour, say); `0` aborts every upload under the prefix.
 *
 * MinIO lists uploads by exact key only when given a prefix, so when a prefixed listing finds
 * nothing the whole bucket is listed and filtered here.
 */
export async function abortStaleUploads(context: S3Context, olderThanMs: number, options: BlobCallOptions = {}): Promise<AbortStaleUploadsResult> {
  const { signal } = options
  throwIfAborted(signal, 'abortStaleUploads')
  const cutoff = Date.now() - olderThanMs
  let uploads: MultipartUpload[]
  try {
    uploads = await listUploads(context, context.prefix, signal)
    if (uploads.length === 0 && context.prefix) uploads = await listUploads(context, '', signal)
  } catch (error) {
    throw mapS3Error(error, 'abortStaleUploads', context.prefix, signal)
  }
  const stale = uploads
    .filter((u) => u.Key !== undefined && u.UploadId !== undefined && u.Key.startsWith(context.prefix))
    .filter((u) => (u.Initiated?.getTime() ?? 0) <= cutoff)
    .map((u): StaleUpload => ({ key: storeKey(context, u.Key!), uploadId: u.UploadId!, initiated: u.Initiated ?? new Date(0) }))
  const aborted: StaleUpload[] = []
  const failed: { upload: StaleUpload; error: Error }[] = []
  for (const upload of stale) {
    try {
      await context.client.send(new AbortMultipartUploadCommand({ Bucket: context.bucket, Key: context.prefix + upload.key, UploadId: upload.uploadId }), sendOptions(signal))
      aborted.push(upload)
    } catch (error) {
      const mapped = mapS3Error(error, 'abortStaleUploads', upload.key, signal)
      if (mapped.code === 'ENOENT') aborted.push(upload)
      else if (mapped.code === 'ECANCELED') throw mapped
      else failed.push({ upload, error: mapped })
    }
  }
  return { aborted, failed }
}
