import { readdir } from 'node:fs/promises'
import { throwIfAborted, type BlobHead, type BlobListOptions, type BlobListPage } from '@volumes/core'
import type { StoreContext } from './context.js'
import { errnoOf, invalidArgument, toVolumeError } from './errors.js'
import { resolveObject, statObject } from './head.js'
import { MAX_KEY_BYTES, RESERVED_NAME, splitPrefix } from './key-rules.js'

type ListEntry = { readonly key: string; readonly head: BlobHead } | { readonly prefix: string }

/** A directory entry as a key: `name` for a file, `name/` for a directory, with its UTF-8 bytes. */
interface Child {
  readonly key: string
  readonly bytes: Buffer
  readonly dir: boolean
}

interface Walk {
  readonly ctx: StoreContext
  readonly cursor: Buffer | undefined
  readonly grouping: boolean
  readonly signal: AbortSignal | undefined
}

/** Object heads resolved ahead of the one being emitted, within one directory. */
const LOOKAHEAD = 16

/**
 * `list`: a depth-first walk of the directory tree that emits keys in ascending byte order
 * without sorting more than one directory at a time. Within a directory, entries sort by `name/`
 * for directories and `name` for files: all keys under `d/` then sort together, exactly where `d/`
 * sorts among its siblings (`d-e` < `d/x` < `d0`). A directory's marker `d/` comes before its
 * children. The cursor (start-after) skips whole subtrees that sort before it.
 */
export async function listObjects(ctx: StoreContext, prefix: string, options: BlobListOptions = {}): Promise<BlobListPage> {
  const op = 'list'
  const { signal, delimiter, cursor, limit = 1000 } = options
  throwIfAborted(signal, op, prefix)
  if (typeof prefix !== 'string') throw invalidArgument(op, undefined, 'the prefix must be a string')
  if (delimiter !== undefined && delimiter !== '/') throw invalidArgument(op, prefix, `only '/' is supported as a delimiter`)
  if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(op, prefix, 'limit must be a positive integer')
  const start = splitPrefix(prefix)
  if (start === undefined) return { objects: [], prefixes: [] }
  const walk: Walk = { ctx, cursor: cursor === undefined ? undefined : Buffer.from(cursor), grouping: delimiter === '/', signal }
  const objects: BlobHead[] = []
  const prefixes: string[] = []
  let last: string | undefined
  try {
    for await (const entry of walkDirectory(walk, start.dirKey, start.partial)) {
      if (objects.length + prefixes.length >= limit) return { objects, prefixes, cursor: last! }
      if ('prefix' in entry) {
        prefixes.push(entry.prefix)
        last = entry.prefix
      } else {
        objects.push(entry.head)
        last = entry.key
      }
    }
  } catch (error) {
    throw toVolumeError(error, op, prefix)
  }
  return { objects, prefixes }
}

async function* walkDirectory(walk: Walk, dirKey: string, partial: string): AsyncGenerator<ListEntry> {
  throwIfAborted(walk.signal, 'list', dirKey)
  const layout = walk.ctx.layout
  if (dirKey !== '' && partial === '' && isAfterCursor(walk, Buffer.from(dirKey))) {
    const marker = await resolveObject(layout.locateTrusted(dirKey), true)
    if (marker !== undefined) yield { key: dirKey, head: marker.head }
  }
  const children = await readChildren(walk, dirKey, partial)
  const heads = new Map<number, Promise<BlobHead | undefined>>()
  let ahead = 0
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!
    if (child.dir) {
      if (walk.grouping) {
        if (isAfterCursor(walk, child.bytes) && (await holdsObjects(walk, child.key))) yield { prefix: child.key }
      } else if (isAfterCursor(walk, child.bytes) || walk.cursor!.subarray(0, child.bytes.length).equals(child.bytes)) {
        yield* walkDirectory(walk, child.key, '')
      }
      continue
    }
    if (!isAfterCursor(walk, child.bytes)) continue
    for (ahead = Math.max(ahead, i); ahead < children.length && heads.size < LOOKAHEAD; ahead++) {
      const next = children[ahead]!
      if (next.dir || !isAfterCursor(walk, next.bytes)) continue
      const pending = resolveObject(layout.locateTrusted(next.key)).then((found) => found?.head)
      pending.catch(() => undefined)
      heads.set(ahead, pending)
    }
    const head = await heads.get(i)
    heads.delete(i)
    if (head !== undefined) yield { key: child.key, head }
  }
}

/** The regular files and directories in a directory whose names start with `partial`, in key order. */
async function readChildren(walk: Walk, dirKey: string, partial: string): Promise<Child[]> {
  let names
  try {
    names = await readdir(walk.ctx.layout.userPath(dirKey), { withFileTypes: true })
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return []
    throw error
  }
  const children: Child[] = []
  for (const entry of names) {
    if (!entry.name.startsWith(partial) || (dirKey === '' && entry.name === RESERVED_NAME)) continue
    const dir = entry.isDirectory()
    if (!dir && !entry.isFile()) continue
    const key = `${dirKey}${entry.name}${dir ? '/' : ''}`
    const bytes = Buffer.from(key)
    if (bytes.length <= MAX_KEY_BYTES) children.push({ key, bytes, dir })
  }
  return children.sort((a, b) => Buffer.compare(a.bytes, b.bytes))
}

/** Whether a directory holds a marker or a file anywhere under it (else it is no common prefix). */
async function holdsObjects(walk: Walk, dirKey: string): Promise<boolean> {
  throwIfAborted(walk.signal, 'list', dirKey)
  if ((await statObject(walk.ctx.layout.locateTrusted(dirKey), true)) !== undefined) return true
  const children = await readChildren(walk, dirKey, '')
  if (children.some((child) => !child.dir)) return true
  for (const child of children) if (await holdsObjects(walk, child.key)) return true
  return false
}

function isAfterCursor(walk: Walk, key: Buffer): boolean {
  return walk.cursor === undefined || Buffer.compare(key, walk.cursor) > 0
}
