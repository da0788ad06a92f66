import type { FileMetadata } from '@google-cloud/storage'
import type { BlobHead, BlobMetadata } from '@volumes/core'
import { keyOf, type GcsContext } from './config.js'
import { formatVersion, metadataDigest } from './version.js'

/** The JSON API object resource, as the client returns it. */
export type GcsObjectResource = FileMetadata

/**
 * User metadata of a resource. Keys with empty values are left out: GCS removes a key that
 * a PATCH sets to null, but some emulators keep it as an empty string.
 */
export function userMetadata(resource: GcsObjectResource): BlobMetadata {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(resource.metadata ?? {})) {
    if (value !== null && value !== undefined && String(value) !== '') out[key] = String(value)
  }
  return out
}

/** The version of a resource: generation, metageneration and a digest of its metadata. */
export function versionOf(resource: GcsObjectResource): string {
  return formatVersion({
    generation: String(resource.generation ?? '0'),
    metageneration: String(resource.metageneration ?? '1'),
    digest: metadataDigest(userMetadata(resource), resource.contentType),
  })
}

/**
 * A {@link BlobHead} for a resource, with the user metadata as stored: core's metadata
 * reader understands the gcsfuse / gsutil keys, and fsck needs to see which form is there.
 */
export function toBlobHead(context: GcsContext, resource: GcsObjectResource): BlobHead {
  const updated = resource.updated ?? resource.timeCreated
  return {
    key: keyOf(context, resource.name ?? ''),
    size: Number(resource.size ?? 0),
    version: versionOf(resource),
    lastModified: updated ? new Date(updated) : new Date(0),
    contentType: resource.contentType,
    metadata: userMetadata(resource),
  }
}
