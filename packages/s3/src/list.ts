import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { throwIfAborted, type BlobHead, type BlobListOptions, type BlobListPage } from '@volumes/core'
import { sendOptions, storeKey, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'
import { requestListMetadata } from './list-metadata.js'
import { formatVersion, splitMetadata } from './object-head.js'

/** Keys come back URL-encoded (`encoding-type=url`, so that any key survives XML); `+` is a space. */
function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, '%20'))
}

/**
 * {@link BlobStore.list} with one ListObjectsV2 request: delimiter grouping and pagination
 * by the server's continuation token (the page's `cursor`). With `withMetadata` (a MinIO
 * server, see `capabilities.listMetadata`) each object carries its user metadata; without,
 * `metadata` is `undefined` and the version is the bare ETag (a HEAD gives the full version).
 */
export async function list(context: S3Context, prefix: string, options: BlobListOptions, withMetadata: boolean): Promise<BlobListPage> {
  const { signal } = options
  throwIfAborted(signal, 'list', prefix)
  const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 1000)))
  const command = new ListObjectsV2Command({
    Bucket: context.bucket,
    Prefix: context.prefix + prefix,
    Delimiter: options.delimiter,
    MaxKeys: limit,
    ContinuationToken: options.cursor,
    EncodingType: 'url',
  })
  const listed = withMetadata ? requestListMetadata(command) : undefined
  let output
  try {
    output = await context.client.send(command, sendOptions(signal))
  } catch (error) {
    throw mapS3Error(error, 'list', prefix, signal)
  }
  const extra = new Map<string, { metadata: Record<string, string>; contentType: string | undefined }>()
  for (const entry of listed?.() ?? []) extra.set(decodeKey(entry.key), entry)
  const objects: BlobHead[] = (output.Contents ?? []).map((item) => {
    const bucketKey = decodeKey(item.Key ?? '')
    const found = extra.get(bucketKey)
    const { metadata, revision } = splitMetadata(found?.metadata)
    return {
      key: storeKey(context, bucketKey),
      size: item.Size ?? 0,
      version: formatVersion(item.ETag ?? '', revision),
      lastModified: item.LastModified ?? new Date(0),
      contentType: found?.contentType,
      metadata: withMetadata ? metadata : undefined,
    }
  })
  const prefixes = (output.CommonPrefixes ?? []).map((p) => storeKey(context, decodeKey(p.Prefix ?? '')))
  const cursor = output.IsTruncated && output.NextContinuationToken ? output.NextContinuationToken : undefined
  return cursor === undefined ? { objects, prefixes } : { objects, prefixes, cursor }
}
