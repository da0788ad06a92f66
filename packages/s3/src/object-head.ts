import { randomBytes } from 'node:crypto'
import type { BlobHead, BlobMetadata } from '@volumes/core'

/**
 * User-metadata key holding a random revision, written with every object the adapter writes.
 *
 * S3's ETag is a digest of the data only: a metadata-only update (CopyObject in place
 * with `MetadataDirective: REPLACE`) keeps it, so an ETag alone cannot be a version that
 * "changes on every write of data or metadata". The version is the ETag plus this revision.
 * The key is hidden from the metadata the adapter returns.
 */
export const REVISION_KEY = 'volumes-rev'

const SEPARATOR = '#'

/** A new random revision. */
export function newRevision(): string {
  return randomBytes(9).toString('base64url')
}

/** The version of an object: `<etag>#<revision>`, or the ETag alone for objects other tools wrote. */
export function formatVersion(etag: string, revision: string | undefined): string {
  return revision === undefined ? etag : `${etag}${SEPARATOR}${revision}`
}

/** Splits a version into the ETag the server can check and the revision only the adapter can. */
export function parseVersion(version: string): { etag: string; revision: string | undefined } {
  const at = version.lastIndexOf(SEPARATOR)
  if (at <= 0 || version.endsWith('"')) return { etag: version, revision: undefined }
  return { etag: version.slice(0, at), revision: version.slice(at + 1) }
}

/** ETags compared without quotes or a weak marker. */
export function sameEtag(a: string, b: string): boolean {
  const bare = (etag: string): string => etag.replace(/^W\//, '').replace(/^"|"$/g, '')
  return bare(a) === bare(b)
}

/** True when `version` (from an earlier head) still describes the object `current`. */
export function versionMatches(current: RawHead, version: string): boolean {
  const wanted = parseVersion(version)
  if (!sameEtag(current.etag, wanted.etag)) return false
  return wanted.revision === undefined || wanted.revision === current.revision
}

/** Separates the adapter's revision from the caller's metadata. Keys arrive lowercased from S3. */
export function splitMetadata(raw: Record<string, string> | undefined): { metadata: BlobMetadata; revision: string | undefined } {
  const metadata: Record<string, string> = {}
  let revision: string | undefined
  for (const [name, value] of Object.entries(raw ?? {})) {
    const key = name.toLowerCase()
    if (key === REVISION_KEY) revision = value
    else metadata[key] = value
  }
  return { metadata, revision }
}

/** The caller's metadata plus a revision, as sent to S3. */
export function withRevision(metadata: BlobMetadata | undefined, revision: string): Record<string, string> {
  return { ...metadata, [REVISION_KEY]: revision }
}

/** Everything a HEAD tells about an object, before it is turned into a {@link BlobHead}. */
export interface RawHead {
  /** The store key (prefix removed). */
  readonly key: string
  readonly etag: string
  readonly revision: string | undefined
  readonly size: number
  readonly lastModified: Date
  readonly contentType: string | undefined
  readonly metadata: BlobMetadata
}

/** The public head of a raw one. */
export function toBlobHead(raw: RawHead): BlobHead {
  return {
    key: raw.key,
    size: raw.size,
    version: formatVersion(raw.etag, raw.revision),
    lastModified: raw.lastModified,
    contentType: raw.contentType,
    metadata: raw.metadata,
  }
}
