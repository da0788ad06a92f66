import type { GetFilesOptions } from '@google-cloud/storage'
import { compareKeys, VolumeError, type BlobHead, type BlobListOptions, type BlobListPage } from '@volumes/core'
import { keyOf, type GcsContext } from './config.js'
import { toBlobHead, type GcsObjectResource } from './object-head.js'
import { call } from './signal.js'

const DEFAULT_LIMIT = 1000
/** GCS returns at most this many entries per request. */
const GCS_MAX_RESULTS = 1000

type Entry = { readonly name: string; readonly object?: BlobHead }

/**
 * The cursor names the last entry returned, and whether it was a common prefix (then
 * everything under it is skipped too): `o:<key>` or `p:<prefix>`. It restarts the listing
 * with `startOffset`, so a page can be cut short of what GCS sent without losing entries.
 */
function encodeCursor(entry: Entry): string {
  return `${entry.object ? 'o' : 'p'}:${entry.name}`
}

interface Cursor {
  readonly name: string
  readonly isPrefix: boolean
}

function decodeCursor(cursor: string): Cursor {
  const kind = cursor.slice(0, 2)
  if (kind !== 'o:' && kind !== 'p:') throw new VolumeError('EINVAL', { op: 'list', detail: `not a cursor of this store: ${cursor}` })
  return { name: cursor.slice(2), isPrefix: kind === 'p:' }
}

/** Where to start listing after the cursor: the cursor itself, or for a prefix the first name past everything under it. */
function startOffsetOf(cursor: Cursor): string {
  if (!cursor.isPrefix || cursor.name.length === 0) return cursor.name
  return cursor.name.slice(0, -1) + String.fromCharCode(cursor.name.charCodeAt(cursor.name.length - 1) + 1)
}

/** True when `name` comes after the cursor (for a prefix cursor: after everything under it). */
function isAfter(name: string, cursor: Cursor | undefined): boolean {
  if (!cursor) return true
  if (cursor.isPrefix && name.startsWith(cursor.name)) return false
  return compareKeys(name, cursor.name) > 0
}

/**
 * `list`: one `objects.list` request per page in the common case, returning each object's
 * metadata (GCS lists carry it), so listings need no per-object request.
 */
export async function listObjects(context: GcsContext, prefix: string, options: BlobListOptions = {}): Promise<BlobListPage> {
  const op = 'list'
  const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, GCS_MAX_RESULTS))
  const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor)
  const query: GetFilesOptions = {
    prefix: context.prefix + prefix,
    autoPaginate: false,
    // One more than asked: the object named by the cursor comes back first.
    maxResults: Math.min(limit + 1, GCS_MAX_RESULTS),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(cursor === undefined ? {} : { startOffset: context.prefix + startOffsetOf(cursor) }),
  }
  let pageToken: string | undefined
  for (;;) {
    const [files, next, response] = await call(op, prefix, options.signal, () =>
      context.bucket.getFiles({ ...query, ...(pageToken === undefined ? {} : { pageToken }) }),
    )
    const objects = files.map((file) => toBlobHead(context, file.metadata as GcsObjectResource))
    const prefixes = ((response as { prefixes?: string[] } | undefined)?.prefixes ?? []).map((name) => keyOf(context, name))
    const token = (next as { pageToken?: string } | null | undefined)?.pageToken
    // With more to come, keep nothing past the last object of this page: a server may send
    // common prefixes from beyond it (fake-gcs-server sends all of them on every page).
    const lastObject = token === undefined ? undefined : objects.at(-1)?.key
    const entries = [...objects.map((object): Entry => ({ name: object.key, object })), ...prefixes.map((name): Entry => ({ name }))]
      .filter((entry) => isAfter(entry.name, cursor) && (lastObject === undefined || compareKeys(entry.name, lastObject) <= 0))
      .sort((a, b) => compareKeys(a.name, b.name))
    if (entries.length > 0 || token === undefined) return pageOf(entries, limit, token !== undefined)
    pageToken = token
  }
}

function pageOf(entries: readonly Entry[], limit: number, serverHasMore: boolean): BlobListPage {
  const taken = entries.slice(0, limit)
  const objects = taken.flatMap((entry) => (entry.object ? [entry.object] : []))
  const prefixes = taken.flatMap((entry) => (entry.object ? [] : [entry.name]))
  const last = taken.at(-1)
  return (entries.length > limit || serverHasMore) && last ? { objects, prefixes, cursor: encodeCursor(last) } : { objects, prefixes }
}
