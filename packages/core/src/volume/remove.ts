import { VolumeError } from '../errors/volume-error.js'
import { parentPath } from '../paths/volume-path.js'
import { releaseObjects } from '../quota/quota-charges.js'
import { keepDirectory } from './directories.js'
import { requireEntry, resolveEntry } from './entry-resolver.js'
import { deleteExactly } from './exact-delete.js'
import { deleteTree } from './tree-walk.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `remove`. */
export interface RemoveOptions {
  /** Remove a directory with everything in it. */
  readonly recursive?: boolean | undefined
  /** A missing path is not an error. */
  readonly force?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/** Attempts at removing a file that other writers keep replacing. */
const ATTEMPTS = 8

/**
 * Removes a file, an empty directory, or (recursive) a whole tree. The root cannot be removed.
 * A file is deleted only at the version this call saw (re-read when another writer replaced it),
 * so concurrent removes of one file free its bytes once: one succeeds, the others are ENOENT.
 */
export async function remove(context: VolumeContext, path: string, options: RemoveOptions = {}): Promise<void> {
  const op = 'rm'
  if (path === '/') throw new VolumeError('EINVAL', { op, path, reason: 'RootRemoval', detail: 'the volume root cannot be removed' })
  await guardMutation(context, op, path)
  // Whether the parent keeps existing once its child is gone (a marker), read beside the entry: one round trip less.
  const parent = parentPath(path)
  const parentKey = context.keys.markerKey(parent, op)
  const parentMarked = parent === '/' || parentKey === undefined ? Promise.resolve(true) : context.blobs.head(parentKey).then(Boolean, () => false)
  let entry
  try {
    entry = await requireEntry(context, path, op)
  } catch (error) {
    if (options.force) return
    throw error
  }
  for (let attempt = 1; entry.kind === 'file'; attempt++) {
    const { deleted } = await deleteExactly(context, [entry.head], options.signal)
    if (deleted.length > 0) {
      await releaseObjects(context, deleted)
      break
    }
    const now = await resolveEntry(context, path, op)
    if (!now) {
      if (options.force) return
      throw new VolumeError('ENOENT', { op, path, detail: 'removed by another process meanwhile' })
    }
    if (attempt >= ATTEMPTS) throw new VolumeError('EAGAIN', { op, path, reason: 'ConcurrentWrite', detail: 'the file kept changing under this remove', temporary: true })
    entry = now
  }
  if (entry.kind === 'directory') {
    const prefix = context.keys.childPrefix(path)
    if (!options.recursive) {
      const page = await context.blobs.list(prefix, { limit: 2, signal: options.signal })
      const children = page.objects.filter((object) => object.key !== prefix).length + page.prefixes.length
      if (children > 0) throw new VolumeError('ENOTEMPTY', { op, path })
    }
    await deleteTree(context, prefix, op, options.signal)
  }
  if (!(await parentMarked)) await keepDirectory(context, parent, op)
}
