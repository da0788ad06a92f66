import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { isWithin, parentPath } from '../paths/volume-path.js'
import { existingHeads } from '../quota/quota-charges.js'
import { copyKeepingAttributes, copyOnto } from './copy-onto.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import { ensureDirectory, keepDirectory } from './directories.js'
import { missingError, requireDirectory, requireEntry, resolveEntry, type ResolvedEntry } from './entry-resolver.js'
import { deleteExactly } from './exact-delete.js'
import { renameIntent, type RenameIntent } from './rename-intent.js'
import { entryInfoWithTarget } from './entry-info-of.js'
import { walkObjects } from './tree-walk.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `copy`. */
export interface CopyOptions {
  /** Copy a directory with everything in it (merging into an existing directory). */
  readonly recursive?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/**
 * Renames a file or directory. Object storage has no rename: this copies on the
 * server, then deletes each source object only at the version it copied, so a crash in
 * between leaves both copies (never neither), and a write that lands in the source
 * meanwhile survives there. Moving needs no free space: only a replaced destination
 * changes the usage. An interrupted directory rename is completed by calling it again
 * (see `rename-intent.ts`). Guarantees under concurrency: docs/architecture.md.
 */
export async function rename(context: VolumeContext, from: string, to: string, signal?: AbortSignal): Promise<EntryInfo> {
  const op = 'rename'
  checkMove(from, to, op)
  await guardMutation(context, op, from)
  const source = await resolveEntry(context, from, op)
  const intent = source?.kind === 'file' ? undefined : renameIntent(context, from, to)
  if (!source) {
    // An interrupted rename whose sources were all moved: only its record is left.
    if (intent && (await intent.exists())) return finishRename(context, from, to, intent, op)
    throw await missingError(context, from, op)
  }
  if (from === to) return entryInfoWithTarget(context, from, source.kind, source.head)
  await requireDirectory(context, parentPath(to), op)
  const resuming = intent !== undefined && (await intent.exists())
  const target = await checkDestination(context, source, to, op, !resuming)
  const ctime = nanosecondsOf()
  if (source.kind === 'file') {
    await moveFile(context, from, source.head, to, target?.kind === 'file' ? target.head : undefined, ctime, signal)
  } else {
    await intent?.begin()
    const fromPrefix = context.keys.childPrefix(from)
    const toPrefix = context.keys.childPrefix(to)
    const targetMarker = !resuming && target?.kind === 'directory' ? target.head : undefined
    for await (const page of walkObjects(context, fromPrefix, signal)) {
      const copies = new Map<string, BlobHead>()
      await forEachConcurrent(page, context.concurrency, async (object) => {
        const destination = `${toPrefix}${object.key.slice(fromPrefix.length)}`
        // Resuming: what stands there is this rename's own earlier copy, never charged.
        const copied = resuming
          ? await copyKeepingAttributes(context, object, destination, ctime, false, signal, true)
          : await copyOnto(context, object, destination, object.key === fromPrefix ? targetMarker : undefined, 'move', ctime, signal)
        copies.set(object.key, copied)
      }, signal)
      const { changed } = await deleteExactly(context, page, signal)
      // A source written after it was listed stays where it is, with its new content; its stale copy goes.
      await deleteExactly(context, changed.map((head) => copies.get(head.key)!), signal)
    }
    return finishRename(context, from, to, intent, op)
  }
  await keepDirectory(context, parentPath(from), op)
  const moved = await requireEntry(context, to, op)
  return entryInfoWithTarget(context, to, moved.kind, moved.head)
}

/** Attempts of a file rename whose source other processes keep rewriting. */
const MOVE_ATTEMPTS = 6

/**
 * Moves one file: copies it onto `to` (replacing `replaced` exactly), then deletes the source at
 * the version copied. When the source was rewritten meanwhile, the stale copy is deleted and the
 * move starts again with the new version; nothing is charged, as the data only moves.
 */
async function moveFile(context: VolumeContext, from: string, first: BlobHead, to: string, firstReplaced: BlobHead | undefined, ctime: bigint, signal?: AbortSignal): Promise<void> {
  const op = 'rename'
  let source = first
  let replaced = firstReplaced
  for (let attempt = 1; ; attempt++) {
    const copied = await copyOnto(context, source, context.keys.fileKey(to, op), replaced, 'move', ctime, signal)
    const { deleted } = await deleteExactly(context, [source], signal)
    if (deleted.length > 0) return
    await deleteExactly(context, [copied], signal)
    const now = await resolveEntry(context, from, op)
    if (now?.kind !== 'file') throw new VolumeError('ENOENT', { op, path: from, detail: 'removed by another process during the rename' })
    if (attempt >= MOVE_ATTEMPTS) throw new VolumeError('EAGAIN', { op, path: from, reason: 'ConcurrentWrite', detail: 'the file kept changing during the rename; nothing was moved', temporary: true })
    source = now.head
    replaced = undefined
  }
}

async function finishRename(context: VolumeContext, from: string, to: string, intent: RenameIntent | undefined, op: string): Promise<EntryInfo> {
  await keepDirectory(context, parentPath(from), op)
  await intent?.end()
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
    await copyOnto(context, source.head, context.keys.fileKey(to, op), target?.kind === 'file' ? target.head : undefined, 'copy', now, options.signal)
  } else {
    const toPrefix = context.keys.childPrefix(to)
    await copyTree(context, context.keys.childPrefix(from), toPrefix, target && (await existingHeads(context, toPrefix, options.signal)), now, options.signal)
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

/**
 * Copies every object under one prefix to the same relative key under another, in parallel,
 * each replacing exactly what stood there (`existing`, listed with a quota).
 */
async function copyTree(context: VolumeContext, fromPrefix: string, toPrefix: string, existing: Map<string, BlobHead> | undefined, now: bigint, signal?: AbortSignal): Promise<void> {
  for await (const page of walkObjects(context, fromPrefix, signal)) {
    await forEachConcurrent(page, context.concurrency, async (object) => {
      const destination = `${toPrefix}${object.key.slice(fromPrefix.length)}`
      await copyOnto(context, object, destination, existing?.get(destination), 'copy', now, signal)
    }, signal)
  }
}
