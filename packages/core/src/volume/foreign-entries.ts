import type { BlobHead } from '../blob/blob-store.js'
import { utf8Length } from '../blob/keys.js'
import { LEGACY_MARKER_SUFFIXES } from '../metadata/dialects.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import type { VolumeContext } from './volume-context.js'

/** Objects listed per request when dating an implicit directory. */
const IMPLICIT_TIME_PAGE = 1000

/**
 * The time of an implicit directory (a prefix with objects and no marker): the newest
 * last-modified among the first page (up to 1,000 objects) of its subtree. One request; the
 * newest of a larger subtree would be a walk of all of it, too dear for a `stat`.
 */
export async function implicitDirectoryTime(context: VolumeContext, path: string, signal?: AbortSignal): Promise<Date | undefined> {
  const page = await context.blobs.list(context.keys.childPrefix(path), { limit: IMPLICIT_TIME_PAGE, signal })
  let newest: Date | undefined
  for (const object of page.objects) if (!newest || object.lastModified > newest) newest = object.lastModified
  return newest
}

/** `info` with its three times set to `time` (an implicit directory has no times of its own). */
export function withTimes(info: EntryInfo, time: Date | undefined): EntryInfo {
  return time ? { ...info, atime: time, mtime: time, ctime: time } : info
}

/**
 * The legacy marker of the directory at `path` (`<key>_$folder$` or `<key>$folder$`, written
 * by S3Fox, Hadoop s3n and EMRFS, which older s3fs read), if there is one. Both are asked in parallel.
 */
export async function legacyMarkerHead(context: VolumeContext, path: string, op: string, signal?: AbortSignal): Promise<BlobHead | undefined> {
  if (path === '/') return undefined
  const fileKey = context.keys.fileKey(path, op)
  const keys = LEGACY_MARKER_SUFFIXES.map((suffix) => fileKey + suffix).filter((key) => utf8Length(key) <= context.blobs.capabilities.maxKeyBytes)
  const heads = await Promise.all(keys.map((key) => context.blobs.head(key, { signal })))
  return heads.find((head) => head !== undefined)
}
