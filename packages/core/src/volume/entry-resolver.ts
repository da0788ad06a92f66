import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { isDirectoryModeObject } from '../metadata/dialects.js'
import { ancestorsOf } from '../paths/volume-path.js'
import { legacyMarkerHead } from './foreign-entries.js'
import type { VolumeContext } from './volume-context.js'

/** What a path is in the bucket. */
export type ResolvedEntry =
  | { readonly kind: 'file'; readonly head: BlobHead }
  /** `head` is the marker; absent for an implicit directory (a prefix with objects, no marker) and an unmarked root. */
  | { readonly kind: 'directory'; readonly head: BlobHead | undefined }

/**
 * Finds what is at `path`: a file object, a directory marker, or an implicit
 * directory. Two requests in parallel (the file's head and a one-entry listing
 * under the directory prefix, which sees both a marker and any child).
 * A file takes precedence over a directory of the same name (foreign data only), except
 * s3fs's legacy directory forms (see docs/interop.md).
 */
export async function resolveEntry(context: VolumeContext, path: string, op: string): Promise<ResolvedEntry | undefined> {
  if (path === '/') {
    const markerKey = context.keys.markerKey('/', op)
    return { kind: 'directory', head: markerKey === undefined ? undefined : await context.blobs.head(markerKey) }
  }
  const fileKey = context.keys.fileKey(path, op)
  const prefix = context.keys.childPrefix(path)
  const [head, page] = await Promise.all([context.blobs.head(fileKey), context.blobs.list(prefix, { limit: 1 })])
  const first = page.objects[0]
  const marker = first?.key === prefix ? (first.metadata ? first : ((await context.blobs.head(prefix)) ?? first)) : undefined
  if (head && !isDirectoryModeObject(head.size, head.metadata)) return { kind: 'file', head }
  // s3fs's legacy forms: a zero-byte object with directory mode bits, a `_$folder$` marker; ours wins
  if (head || marker) return { kind: 'directory', head: marker ?? head }
  const legacy = context.legacyMarkers ? await legacyMarkerHead(context, path, op) : undefined
  if (legacy || first || page.prefixes.length > 0) return { kind: 'directory', head: legacy }
  return undefined
}

/** Like {@link resolveEntry}, but a missing path is ENOENT — or ENOTDIR when an ancestor is a file. */
export async function requireEntry(context: VolumeContext, path: string, op: string): Promise<ResolvedEntry> {
  const entry = await resolveEntry(context, path, op)
  if (entry) return entry
  throw await missingError(context, path, op)
}

/** Requires a directory at `path`: ENOENT when missing, ENOTDIR when it is a file. */
export async function requireDirectory(context: VolumeContext, path: string, op: string): Promise<ResolvedEntry & { kind: 'directory' }> {
  const entry = await requireEntry(context, path, op)
  if (entry.kind !== 'directory') throw new VolumeError('ENOTDIR', { op, path })
  return entry
}

/** The error for a path that does not exist: ENOTDIR when some ancestor is a file, else ENOENT. */
export async function missingError(context: VolumeContext, path: string, op: string): Promise<VolumeError> {
  const ancestors = ancestorsOf(path)
  const heads = await Promise.all(ancestors.map((ancestor) => context.blobs.head(context.keys.fileKey(ancestor, op))))
  return heads.some(Boolean) ? new VolumeError('ENOTDIR', { op, path }) : new VolumeError('ENOENT', { op, path })
}
