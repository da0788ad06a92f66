import { createHash } from 'node:crypto'
import type { BlobMetadata } from '@volumes/core'

/** The parts of a GCS object's identity that {@link BlobHead.version} carries. */
export interface GcsVersion {
  /** Changes on every write of data (a new object). */
  readonly generation: string
  /** Changes on every metadata update of one generation. */
  readonly metageneration: string
  /** Digest of the user metadata and content type. */
  readonly digest: string
}

/**
 * Digest of what a metadata update changes. Real GCS bumps `metageneration` on every
 * update, which alone would do; the digest makes the version move on servers that do not
 * (fake-gcs-server keeps generation and metageneration through a PATCH), so a stale
 * version is still refused by `setMetadata`.
 */
export function metadataDigest(metadata: BlobMetadata, contentType: string | undefined): string {
  const entries = Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256').update(JSON.stringify([contentType ?? null, entries])).digest('base64url').slice(0, 11)
}

/** `<generation>.<metageneration>.<digest>`: opaque to callers, parsed back for preconditions. */
export function formatVersion(version: GcsVersion): string {
  return `${version.generation}.${version.metageneration}.${version.digest}`
}

/** The parts of a version this adapter issued; `undefined` for anything else (which no object can match). */
export function parseVersion(value: string): GcsVersion | undefined {
  const match = /^(\d{1,20})\.(\d{1,20})\.([A-Za-z0-9_-]{1,64})$/.exec(value)
  return match ? { generation: match[1]!, metageneration: match[2]!, digest: match[3]! } : undefined
}
