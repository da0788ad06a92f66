import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { isDirectoryModeObject, legacyMarkerDirectory } from '../metadata/dialects.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { joinPath } from '../paths/volume-path.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import { requireDirectory } from './entry-resolver.js'
import { entryInfoOf } from './entry-info-of.js'
import { implicitDirectoryTime, withTimes } from './foreign-entries.js'
import type { VolumeContext } from './volume-context.js'

/** Deepest listing `list` accepts. */
export const MAX_LIST_DEPTH = 10

/** Options of `list`. */
export interface ListOptions {
  /** Levels to descend: 1 (the default) lists direct children only; at most 10. */
  readonly depth?: number | undefined
  readonly signal?: AbortSignal | undefined
}

/** One listed child before its metadata is complete. */
interface Child {
  readonly path: string
  readonly kind: 'file' | 'directory'
  readonly head: BlobHead | undefined
  /** The key to `head` when the listing did not carry metadata. */
  readonly headKey: string | undefined
  /** A directory's legacy `<name>_$folder$` marker, listed beside it. */
  readonly legacy?: BlobHead | undefined
}

/** Lists a directory, depth-first, each directory followed by its own entries when `depth` > 1. */
export async function listDirectory(context: VolumeContext, path: string, options: ListOptions = {}): Promise<EntryInfo[]> {
  const depth = options.depth ?? 1
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_LIST_DEPTH) {
    throw new VolumeError('EINVAL', { op: 'list', path, reason: 'InvalidDepth', detail: `depth must be an integer from 1 to ${MAX_LIST_DEPTH}` })
  }
  await requireDirectory(context, path, 'list')
  return listLevel(context, path, depth, options.signal)
}

async function listLevel(context: VolumeContext, path: string, depth: number, signal: AbortSignal | undefined): Promise<EntryInfo[]> {
  const children = await readChildren(context, path, signal)
  const entries = await mapConcurrent(children, context.concurrency, (child) => childInfo(context, child, signal), signal)
  if (depth === 1) return entries
  const nested = await mapConcurrent(entries, Math.max(1, Math.floor(context.concurrency / 4)), (entry) =>
    entry.type === 'directory' ? listLevel(context, entry.path, depth - 1, signal) : Promise.resolve([]),
  signal)
  return entries.flatMap((entry, index) => [entry, ...nested[index]!])
}

/** A child's info: a zero-byte file with directory bits is s3fs's legacy directory; a directory without a marker falls back to its legacy `_$folder$` marker, then is implicit. */
async function childInfo(context: VolumeContext, child: Child, signal: AbortSignal | undefined): Promise<EntryInfo> {
  const head = child.headKey ? ((await context.blobs.head(child.headKey, { signal })) ?? child.head) : child.head
  if (child.kind === 'file') return entryInfoOf(context, child.path, head && isDirectoryModeObject(head.size, head.metadata) ? 'directory' : 'file', head)
  if (head) return entryInfoOf(context, child.path, 'directory', head)
  const legacy = child.legacy && (child.legacy.metadata ? child.legacy : ((await context.blobs.head(child.legacy.key, { signal })) ?? child.legacy))
  if (legacy) return entryInfoOf(context, child.path, 'directory', legacy)
  return withTimes(entryInfoOf(context, child.path, 'directory', undefined), await implicitDirectoryTime(context, child.path, signal))
}

/** Pages through one level of the directory with the delimiter, noting which entries still need a `head`. */
async function readChildren(context: VolumeContext, path: string, signal: AbortSignal | undefined): Promise<Child[]> {
  const prefix = context.keys.childPrefix(path)
  const files = new Map<string, Child>()
  const directories = new Map<string, Child>()
  const legacy = new Map<string, BlobHead>()
  let cursor: string | undefined
  do {
    const page = await context.blobs.list(prefix, { delimiter: '/', cursor, signal })
    for (const object of page.objects) {
      const name = object.key.slice(prefix.length)
      const legacyName = object.size === 0 ? legacyMarkerDirectory(name) : undefined
      if (legacyName !== undefined && isListableName(legacyName)) legacy.set(legacyName, object)
      if (legacyName !== undefined || !isListableName(name)) continue
      const needsHead = object.metadata === undefined
      files.set(name, { path: joinPath(path, name), kind: 'file', head: object, headKey: needsHead ? object.key : undefined })
    }
    for (const childPrefix of page.prefixes) {
      const name = childPrefix.slice(prefix.length, -1)
      if (!isListableName(name)) continue
      directories.set(name, { path: joinPath(path, name), kind: 'directory', head: undefined, headKey: childPrefix })
    }
    cursor = page.cursor
  } while (cursor)
  for (const [name, marker] of legacy) {
    if (files.has(name)) continue
    const directory = directories.get(name)
    directories.set(name, directory ? { ...directory, legacy: marker } : { path: joinPath(path, name), kind: 'directory', head: undefined, headKey: undefined, legacy: marker })
  }
  for (const name of files.keys()) directories.delete(name)
  return [...files.values(), ...directories.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Names that cannot be volume paths (foreign keys like `a//b` or `a/./b`) are not listed. */
function isListableName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/')
}
