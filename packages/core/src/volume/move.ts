import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { decodeAttributes, encodeAttributes, nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { isWithin, parentPath } from '../paths/volume-path.js'
import { chargeWrite, existingSizes, releaseObjects } from '../quota/quota-charges.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import { ensureDirectory, keepDirectory } from './directories.js'
import { requireDirectory, requireEntry, resolveEntry, type ResolvedEntry } from './entry-resolver.js'
import { entryInfoWithTarget } from './entry-info-of.js'
import { deleteKeys, walkObjects } from './tree-walk.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `copy`. */
export interface CopyOptions {
  /** Copy a directory with everything in it (merging into an existing directory). */
  readonly recursive?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/**
 * Renames a file or directory. Object storage has no rename: this copies on the
 * server, then deletes the source, so a crash in between leaves both copies (never neither).
 */
export async function rename(context: VolumeContext, from: string, to: string, signal?: AbortSignal): Promise<EntryInfo> {
  const op = 'rename'
  checkMove(from, to, op)
  await guardMutation(context, op, from)
  const source = await requireEntry(context, from, op)
  if (from === to) return entryInfoWithTarget(context, from, source.kind, source.head)
  await requireDirectory(context, parentPath(to), op)
  const target = await checkDestination(context, source, to, op, true)
  const ctime = nanosecondsOf()
  if (source.kind === 'file') {
    await copyFile(context, source.head, to, target, ctime, false, signal)
    await deleteKeys(context, [source.head.key], op, signal)
    await releaseObjects(context, [source.head])
  } else {
    const fromPrefix = context.keys.childPrefix(from)
    const toPrefix = context.keys.childPrefix(to)
    await copyTree(context, fromPrefix, toPrefix, target && (await existingSizes(context, toPrefix, signal)), ctime, false, signal)
    for await (const page of walkObjects(context, fromPrefix, signal)) {
      await deleteKeys(context, page.map((o) => o.key), op, signal)
      await releaseObjects(context, page)
    }
  }
  await keepDirectory(context, parentPath(from), op)
  const moved = await requireEntry(context, to, op)
  return entryInfoWithTarget(context, to, moved.kind, moved.head)
}

/** Copies a file, or (recursive) a directory tree. Missing parents of the destination are created. */
export async function copy(context: VolumeContext, from: string, to: string, options: CopyOptions = {}): Promise<EntryInfo> {
  const op = 'copy'
  checkMove(from, to, op)
  if (from === to) throw new VolumeError('EINVAL', { op, path: to, reason: 'SameSourceAndDestination', detail: `'${from}' and '${to}' are the same file` })
  await guardMutation(context, op, to)
  const source = await requireEntry(context, from, op)
  if (source.kind === 'directory' && !options.recursive) throw new VolumeError('EISDIR', { op, path: from, detail: 'is a directory (use recursive)' })
  const target = await checkDestination(context, source, to, op, false)
  await ensureDirectory(context, parentPath(to), {}, op)
  const now = nanosecondsOf()
  if (source.kind === 'file') {
    await copyFile(context, source.head, to, target, now, true, options.signal)
  } else {
    const toPrefix = context.keys.childPrefix(to)
    await copyTree(context, context.keys.childPrefix(from), toPrefix, target && (await existingSizes(context, toPrefix, options.signal)), now, true, options.signal)
  }
  const copied = await requireEntry(context, to, op)
  return entryInfoWithTarget(context, to, copied.kind, copied.head)
}

function checkMove(from: string, to: string, op: string): void {
  if (from === '/' || to === '/') throw new VolumeError('EINVAL', { op, path: from === '/' ? from : to, reason: 'RootMove', detail: 'the volume root cannot be moved or replaced' })
  if (from !== to && isWithin(to, from)) throw new VolumeError('EINVAL', { op, path: to, reason: 'MoveIntoItself', detail: `cannot move '${from}' into itself` })
}

/**
 * POSIX rules for what may stand at the destination. `replaceEmptyDirectory`: rename may replace an empty directory.
 * Returns what stands there.
 */
async function checkDestination(context: VolumeContext, source: ResolvedEntry, to: string, op: string, replaceEmptyDirectory: boolean): Promise<ResolvedEntry | undefined> {
  const target = await resolveEntry(context, to, op)
  if (!target) return undefined
  if (source.kind === 'file' && target.kind === 'directory') throw new VolumeError('EISDIR', { op, path: to })
  if (source.kind === 'directory' && target.kind === 'file') throw new VolumeError('ENOTDIR', { op, path: to })
  if (source.kind === 'directory' && replaceEmptyDirectory) {
    const prefix = context.keys.childPrefix(to)
    const page = await context.blobs.list(prefix, { limit: 2 })
    if (page.objects.some((o) => o.key !== prefix) || page.prefixes.length > 0) throw new VolumeError('ENOTEMPTY', { op, path: to })
  }
  return target
}

/** Copies one file onto `to`, charging the quota for what it adds over the file it replaces (`target`). */
async function copyFile(context: VolumeContext, source: BlobHead, to: string, target: ResolvedEntry | undefined, now: bigint, fresh: boolean, signal?: AbortSignal): Promise<void> {
  const op = fresh ? 'copy' : 'rename'
  const replaced = target?.kind === 'file' ? target.head.size : undefined
  await chargeWrite(context, op, to, source.size - (replaced ?? 0), replaced === undefined ? 1 : 0, () =>
    copyObject(context, source, context.keys.fileKey(to, op), now, fresh, signal))
}

/**
 * Copies every object under one prefix to the same relative key under another, in parallel.
 * With a quota, each copy is charged for what it adds over `existing` (sizes of the objects already at the destination).
 */
async function copyTree(context: VolumeContext, fromPrefix: string, toPrefix: string, existing: Map<string, number> | undefined, now: bigint, fresh: boolean, signal?: AbortSignal): Promise<void> {
  const op = fresh ? 'copy' : 'rename'
  for await (const page of walkObjects(context, fromPrefix, signal)) {
    await forEachConcurrent(page, context.concurrency, async (object) => {
      const destination = `${toPrefix}${object.key.slice(fromPrefix.length)}`
      const replaced = existing?.get(destination)
      await chargeWrite(context, op, context.keys.pathOf(destination), object.size - (replaced ?? 0), replaced === undefined ? 1 : 0, () =>
        copyObject(context, object, destination, now, fresh, signal))
    }, signal)
  }
}

/**
 * Server-side copy keeping mode and owner. A rename (`fresh` false) keeps the
 * times and sets ctime; a copy (`fresh` true) is a new file with new times.
 */
async function copyObject(context: VolumeContext, source: BlobHead, destinationKey: string, now: bigint, fresh: boolean, signal?: AbortSignal): Promise<BlobHead> {
  const head = source.metadata ? source : ((await context.blobs.head(source.key, { signal })) ?? source)
  const kind = head.key.endsWith('/') ? 'directory' : 'file'
  const before = decodeAttributes(head.metadata, kind, head.lastModified, context.defaults)
  const attributes = fresh ? { ...before, atimeNs: now, mtimeNs: now, ctimeNs: now } : { ...before, ctimeNs: now }
  return context.blobs.copy(head.key, destinationKey, { metadata: { ...head.metadata, ...encodeAttributes(attributes) }, contentType: head.contentType, signal })
}
