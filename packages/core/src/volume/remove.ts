import { VolumeError } from '../errors/volume-error.js'
import { parentPath } from '../paths/volume-path.js'
import { releaseObjects } from '../quota/quota-charges.js'
import { keepDirectory } from './directories.js'
import { requireEntry } from './entry-resolver.js'
import { deleteKeys, deleteTree } from './tree-walk.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `remove`. */
export interface RemoveOptions {
  /** Remove a directory with everything in it. */
  readonly recursive?: boolean | undefined
  /** A missing path is not an error. */
  readonly force?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/** Removes a file, an empty directory, or (recursive) a whole tree. The root cannot be removed. */
export async function remove(context: VolumeContext, path: string, options: RemoveOptions = {}): Promise<void> {
  const op = 'rm'
  if (path === '/') throw new VolumeError('EINVAL', { op, path, reason: 'RootRemoval', detail: 'the volume root cannot be removed' })
  await guardMutation(context, op, path)
  let entry
  try {
    entry = await requireEntry(context, path, op)
  } catch (error) {
    if (options.force) return
    throw error
  }
  if (entry.kind === 'file') {
    await deleteKeys(context, [entry.head.key], op, options.signal)
    await releaseObjects(context, [entry.head])
  } else {
    const prefix = context.keys.childPrefix(path)
    if (!options.recursive) {
      const page = await context.blobs.list(prefix, { limit: 2, signal: options.signal })
      const children = page.objects.filter((object) => object.key !== prefix).length + page.prefixes.length
      if (children > 0) throw new VolumeError('ENOTEMPTY', { op, path })
    }
    await deleteTree(context, prefix, op, options.signal)
  }
  await keepDirectory(context, parentPath(path), op)
}
