import { link, lstat, readdir, rename } from 'node:fs/promises'
import type { BigIntStats } from 'node:fs'
import { throwIfAborted, type BlobHead, type BlobMetadata, type BlobWriteConditions } from '@volumes/core'
import type { StoreContext } from './context.js'
import { errnoOf, keyIsPrefix, preconditionFailed, prefixIsObject, toVolumeError } from './errors.js'
import { makeDirs, removeDirIfEmpty, removeQuietly } from './fs-util.js'
import { buildHead, statObject } from './head.js'
import type { KeyLocation } from './layout.js'
import { derivedVersion, findEntry, newEntry, readRecord, writeRecord, type RecordEntry } from './record.js'
import type { TempFile } from './temp.js'

/** A complete temporary data file and what to record about it, to be made the object at `loc`. */
export interface CommitRequest {
  readonly op: string
  readonly loc: KeyLocation
  readonly temp: TempFile
  readonly contentType: string | undefined
  readonly metadata: BlobMetadata
  readonly conditions: BlobWriteConditions
  readonly signal: AbortSignal | undefined
}

/**
 * Makes a temporary data file the object at `loc`, under the key's lock: checks the conditions,
 * renames the new record into place (listing the replaced data's entry second), then renames the
 * data (or hard-links it for `ifNoneMatch`, which fails atomically if anything appeared there,
 * even from a process that takes no lock). On failure the temporary file is left to the caller.
 */
export async function commitObject(ctx: StoreContext, request: CommitRequest): Promise<BlobHead> {
  const { op, loc, temp, conditions, signal } = request
  try {
    const { head, changedDirs } = await ctx.locks.run(loc.lockPath, op, loc.key, signal, async () => {
      throwIfAborted(signal, op, loc.key)
      const current = await inspectTarget(ctx, loc, op, signal)
      let replaced: RecordEntry | undefined
      if (current !== undefined) {
        if (conditions.ifNoneMatch === '*') throw preconditionFailed(op, loc.key, 'the object exists')
        replaced = findEntry(await readRecord(loc), current)
        if (conditions.ifMatch !== undefined && conditions.ifMatch !== (replaced?.version ?? derivedVersion(current))) {
          throw preconditionFailed(op, loc.key, 'the version does not match')
        }
      } else if (conditions.ifMatch !== undefined) {
        throw preconditionFailed(op, loc.key, 'the object does not exist')
      }
      const changed = loc.marker ? await makeMarkerDir(loc, op) : []
      const entry = newEntry(temp.stats, request.contentType, request.metadata)
      const entries = replaced === undefined ? [entry] : [entry, replaced]
      await writeRecord(ctx.layout, loc, { v: 1, key: loc.key, entries }, ctx.config.fsync)
      if (conditions.ifNoneMatch === '*') changed.push(...await linkInto(temp.path, loc, op))
      else changed.push(...await renameInto(temp.path, loc, op))
      return { head: buildHead(loc.key, temp.stats, entry), changedDirs: changed }
    })
    // The commit is visible; flushing the directory entries needs no lock.
    if (ctx.config.fsync) await ctx.dirs.sync([...changedDirs, loc.dataParent, loc.recordParent])
    return head
  } catch (error) {
    throw toVolumeError(error, op, loc.key)
  }
}

/**
 * The stats of the object being replaced, `undefined` when there is none. Throws ENOTDIR when a
 * prefix of the key is an object, EISDIR when keys live under a file key. An empty directory
 * without a marker at a file key is no object (object stores have no empty directories): removed.
 */
async function inspectTarget(ctx: StoreContext, loc: KeyLocation, op: string, signal: AbortSignal | undefined): Promise<BigIntStats | undefined> {
  const probe = loc.marker ? loc.dirPath! : loc.dataPath
  let stats: BigIntStats
  try {
    stats = await lstat(probe, { bigint: true })
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT') return undefined
    if (code === 'ENOTDIR') throw prefixIsObject(op, loc.key, error)
    throw error
  }
  if (loc.marker) {
    if (!stats.isDirectory()) throw prefixIsObject(op, loc.key)
    return statObject(loc, true)
  }
  if (stats.isDirectory()) {
    if (await removeUnmarkedEmptyDir(ctx, `${loc.key}/`, signal)) return undefined
    throw keyIsPrefix(op, loc.key)
  }
  return stats.isFile() ? stats : undefined
}

/**
 * Removes the directory of `dirKey` if it is empty and not a marker, under the marker's lock.
 * Lock order: a file key's lock, then its marker's; nothing takes them the other way round.
 */
async function removeUnmarkedEmptyDir(ctx: StoreContext, dirKey: string, signal: AbortSignal | undefined): Promise<boolean> {
  const marker = ctx.layout.locateTrusted(dirKey)
  return ctx.locks.run(marker.lockPath, 'put', dirKey, signal, async () => {
    if ((await statObject(marker, true)) !== undefined) return false
    if ((await readdir(marker.dirPath!).catch(() => ['?'])).length > 0) return false
    return removeDirIfEmpty(marker.dirPath!)
  })
}

/** `mkdir -p` of a marker's directory; a file in the way is ENOTDIR. Returns the directories to flush. */
async function makeMarkerDir(loc: KeyLocation, op: string): Promise<string[]> {
  try {
    return await makeDirs(loc.dirPath!)
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'EEXIST' || code === 'ENOTDIR') throw prefixIsObject(op, loc.key, error)
    throw error
  }
}

/** Renames the data into place, creating missing parents (again, if a concurrent delete pruned them). */
async function renameInto(temp: string, loc: KeyLocation, op: string): Promise<string[]> {
  const changed: string[] = []
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(temp, loc.dataPath)
      return changed
    } catch (error) {
      changed.push(...await handlePlacementError(error, loc, op, attempt))
    }
  }
}

/** Hard-links the data into place (EEXIST if anything is there), then drops the temporary name. */
async function linkInto(temp: string, loc: KeyLocation, op: string): Promise<string[]> {
  const changed: string[] = []
  for (let attempt = 0; ; attempt++) {
    try {
      await link(temp, loc.dataPath)
      await removeQuietly(temp)
      return changed
    } catch (error) {
      const code = errnoOf(error)
      if (code === 'EEXIST') {
        const there = await lstat(loc.dataPath).catch(() => undefined)
        if (there?.isDirectory()) throw keyIsPrefix(op, loc.key, error)
        throw preconditionFailed(op, loc.key, 'the object exists')
      }
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK') {
        // No hard links on this file system: under the lock we checked that nothing is there.
        return [...changed, ...await renameInto(temp, loc, op)]
      }
      changed.push(...await handlePlacementError(error, loc, op, attempt))
    }
  }
}

async function handlePlacementError(error: unknown, loc: KeyLocation, op: string, attempt: number): Promise<string[]> {
  const code = errnoOf(error)
  if (code === 'ENOTDIR') throw prefixIsObject(op, loc.key, error)
  if (code === 'EISDIR' || code === 'ENOTEMPTY') throw keyIsPrefix(op, loc.key, error)
  if (code !== 'ENOENT' || attempt >= 5) throw error
  try {
    return await makeDirs(loc.dataParent)
  } catch (mkdirError) {
    const mkdirCode = errnoOf(mkdirError)
    if (mkdirCode === 'EEXIST' || mkdirCode === 'ENOTDIR') throw prefixIsObject(op, loc.key, mkdirError)
    throw mkdirError
  }
}
