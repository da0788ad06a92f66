import { createHash } from 'node:crypto'

/**
 * The strong `ETag` of a stored version: a digest of the store's opaque version string (an
 * S3 ETag, a GCS generation, a file identity), so that it is always a valid quoted tag and
 * says nothing about the backend. It changes on every write of data or attributes.
 */
export function etagOf(version: string): string {
  return `"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`
}

/** The entity tags of an `If-Match` / `If-None-Match` list (`*` stays `*`). */
function tagsOf(header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '')
}

/** RFC 9110 `If-Match` with strong comparison: `*` or a listed tag equal to `etag` (weak tags never match). */
export function ifMatchHolds(header: string, etag: string): boolean {
  return tagsOf(header).some((tag) => tag === '*' || tag === etag)
}

/**
 * RFC 9110 `If-Range`: an entity tag holds when it equals `etag` (strong comparison); an
 * HTTP date holds when it is exactly the `Last-Modified` sent for this version. Anything
 * else does not hold, and the whole file is sent instead of the range.
 */
export function ifRangeHolds(header: string, etag: string, lastModified: Date): boolean {
  const value = header.trim()
  if (value.startsWith('"')) return value === etag
  if (value.startsWith('W/')) return false
  const date = Date.parse(value)
  return !Number.isNaN(date) && date === Date.parse(lastModified.toUTCString())
}
