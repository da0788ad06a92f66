import { unlink } from 'node:fs/promises'
import { mapConcurrent, throwIfAborted, VolumeError, type BlobCallOptions, type BlobDeleteResult } from '@volumes/core'
import type { StoreContext } from './context.js'
import { errnoOf, toVolumeError } from './errors.js'
import { removeDirIfEmpty, unlinkIfPresent } from './fs-util.js'
import { resolveObject, statObject } from './head.js'
import { parentDirKey } from './key-rules.js'
import type { KeyLocation } from './layout.js'

/** Keys deleted at the same time. */
const CONCURRENCY = 8

/**
 * `delete`: removes each key under its lock (missing keys count as deleted), then prunes parent
 * directories that became empty and carry no marker, as object stores have no empty implicit
 * directories. Deleting a marker removes its record and its directory only if that is empty.
 * With `fsync`, each changed directory is flushed once at the end of the call.
 */
export async function deleteObjects(ctx: StoreContext, keys: readonly string[], options: BlobCallOptions = {}): Promise<BlobDeleteResult> {
  const { signal } = options
  throwIfAborted(signal, 'delete')
  const changedDirs = new Set<string>()
  const outcomes = await mapConcurrent(keys, CONCURRENCY, async (key) => {
    try {
      await deleteOne(ctx, key, signal, changedDirs)
      return undefined
    } catch (error) {
      return toVolumeError(error, 'delete', key)
    }
  }, signal)
  if (ctx.config.fsync && changedDirs.size > 0) await ctx.dirs.sync(changedDirs).catch((error: unknown) => {
    throw toVolumeError(error, 'delete')
  })
  const deleted: string[] = []
  const failed: { key: string; error: Error }[] = []
  keys.forEach((key, i) => {
    const error = outcomes[i]
    if (error === undefined) deleted.push(key)
    else failed.push({ key, error })
  })
  return { deleted, failed }
}

/**
 * `deleteIfMatch`: deletes the object only if its current version is `version`, under the same
 * per-key lock conditional writes take (EPRECONDITION when it is another version or missing).
 */
export async function deleteObjectIfMatch(ctx: StoreContext, key: string, version: string, options: BlobCallOptions = {}): Promise<void> {
  throwIfAborted(options.signal, 'delete', key)
  const changedDirs = new Set<string>()
  try {
    await deleteOne(ctx, key, options.signal, changedDirs, version)
    if (ctx.config.fsync && changedDirs.size > 0) await ctx.dirs.sync(changedDirs)
  } catch (error) {
    throw toVolumeError(error, 'delete', key)
  }
}

async function deleteOne(ctx: StoreContext, key: string, signal: AbortSignal | undefined, changedDirs: Set<string>, ifMatch?: string): Promise<void> {
  const loc = ctx.layout.locate(key, 'delete')
  const layout = ctx.layout
  const goneDir = await ctx.locks.run(loc.lockPath, 'delete', key, signal, async () => {
    if (ifMatch !== undefined && (await resolveObject(loc))?.head.version !== ifMatch) {
      throw new VolumeError('EPRECONDITION', { op: 'delete', path: key, detail: 'version does not match' })
    }
    if (loc.marker) {
      if (await unlinkIfPresent(loc.dataPath)) changedDirs.add(loc.dataParent)
      await unlinkIfPresent(loc.recordPath)
      return removeDirIfEmpty(loc.dirPath!)
    }
    const removed = await unlinkData(loc)
    await unlinkIfPresent(loc.recordPath)
    if (removed) changedDirs.add(loc.dataParent)
    return removed
  })
  if (!goneDir) return
  const parent = parentDirKey(key)
  if (loc.marker) changedDirs.add(layout.userPath(parent.slice(0, -1)))
  await prune(ctx, parent, signal, changedDirs)
}

/** Unlinks a file key's data (before its record, so readers never pair old data with no record). */
async function unlinkData(loc: KeyLocation): Promise<boolean> {
  try {
    await unlink(loc.dataPath)
    return true
  } catch (error) {
    const code = errnoOf(error)
    // A directory at a file key is no object; unlink says EISDIR on Linux, EPERM on macOS.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EPERM') return false
    throw error
  }
}

/** Removes empty, unmarked directories from `dirKey` upwards, each under its marker's lock. */
async function prune(ctx: StoreContext, dirKey: string, signal: AbortSignal | undefined, changedDirs: Set<string>): Promise<void> {
  for (let at = dirKey; at !== ''; at = parentDirKey(at)) {
    const loc = ctx.layout.locateTrusted(at)
    const removed = await ctx.locks.run(loc.lockPath, 'delete', at, signal, async () => {
      if ((await statObject(loc, true)) !== undefined) return false
      return removeDirIfEmpty(loc.dirPath!)
    })
    if (!removed) return
    changedDirs.add(ctx.layout.userPath(parentDirKey(at).slice(0, -1)))
  }
}
