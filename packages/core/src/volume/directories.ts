import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { parentPath } from '../paths/volume-path.js'
import { chargeWrite } from '../quota/quota-charges.js'
import { resolveEntry, requireDirectory } from './entry-resolver.js'
import { entryInfoOf, markerMetadata, type OwnershipOptions } from './entry-info-of.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `makeDir`. */
export interface MakeDirOptions extends OwnershipOptions {
  /** Create missing parents and accept an existing directory (`mkdir -p`). */
  readonly force?: boolean | undefined
}

/**
 * Writes a directory marker at `path`, only if none exists. A marker someone else
 * wrote first is fine; the result is the marker's head either way.
 */
async function writeMarker(context: VolumeContext, path: string, options: OwnershipOptions, op: string) {
  const key = context.keys.markerKey(path, op)!
  const conditional = context.blobs.capabilities.conditionalCreate
  try {
    return await chargeWrite(context, op, path, 0, 1, () => context.blobs.put(key, new Uint8Array(), {
      metadata: markerMetadata(context, options, nanosecondsOf()),
      contentType: 'application/x-directory',
      ...(conditional ? { ifNoneMatch: '*' as const } : {}),
    }))
  } catch (error) {
    if (isVolumeError(error, 'EPRECONDITION')) return (await context.blobs.head(key))!
    throw error
  }
}

/**
 * Makes sure `path` and its ancestors are directories, creating markers for the
 * missing ones (top-down). A file anywhere on the way is ENOTDIR.
 * Walks up only as far as the first existing directory.
 */
export async function ensureDirectory(context: VolumeContext, path: string, options: OwnershipOptions, op: string): Promise<void> {
  const missing: string[] = []
  for (let current = path; current !== '/'; current = parentPath(current)) {
    const entry = await resolveEntry(context, current, op)
    if (entry?.kind === 'directory') break
    if (entry?.kind === 'file') throw new VolumeError('ENOTDIR', { op, path: current })
    missing.unshift(current)
  }
  for (const directory of missing) await writeMarker(context, directory, options, op)
}

/** `makeDir`: see {@link MakeDirOptions}. */
export async function makeDir(context: VolumeContext, path: string, options: MakeDirOptions): Promise<EntryInfo> {
  const op = 'mkdir'
  await guardMutation(context, op, path)
  const existing = await resolveEntry(context, path, op)
  if (existing?.kind === 'file') throw new VolumeError('EEXIST', { op, path })
  if (existing) {
    if (!options.force) throw new VolumeError('EEXIST', { op, path })
    return entryInfoOf(context, path, 'directory', existing.head)
  }
  if (options.force) await ensureDirectory(context, parentPath(path), options, op)
  else {
    await requireDirectory(context, parentPath(path), op).catch((error: unknown) => {
      throw isVolumeError(error) ? new VolumeError(error.code, { op, path, reason: error.reason, cause: error }) : error
    })
  }
  const key = context.keys.markerKey(path, op)!
  try {
    const head = await chargeWrite(context, op, path, 0, 1, () => context.blobs.put(key, new Uint8Array(), {
      metadata: markerMetadata(context, options),
      contentType: 'application/x-directory',
      ...(context.blobs.capabilities.conditionalCreate ? { ifNoneMatch: '*' as const } : {}),
    }))
    return entryInfoOf(context, path, 'directory', head)
  } catch (error) {
    if (!isVolumeError(error, 'EPRECONDITION')) throw error
    if (options.force) return entryInfoOf(context, path, 'directory', await context.blobs.head(key))
    throw new VolumeError('EEXIST', { op, path })
  }
}

/**
 * Keeps an implicit parent directory alive after its last child goes away: on
 * object storage a prefix with no objects under it vanishes, on POSIX it does not.
 */
export async function keepDirectory(context: VolumeContext, path: string, op: string): Promise<void> {
  const key = context.keys.markerKey(path, op)
  if (path === '/' || key === undefined || (await context.blobs.head(key))) return
  await writeMarker(context, path, {}, op)
}
