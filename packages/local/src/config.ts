import { resolve } from 'node:path'
import { VolumeError } from '@volumes/core'

/** Options of {@link LocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /** The directory that holds the objects as plain files. Created on the first write when missing. */
  readonly root: string
  /**
   * Flush file data, metadata records and directory entries to the disk before a write resolves.
   * Default `true`. With `false`, writes stay atomic when the process crashes, but a machine crash
   * may lose the most recent writes.
   */
  readonly fsync?: boolean | undefined
  /**
   * A per-key lock held longer than this many milliseconds is considered abandoned and broken.
   * Locks are held only while a write commits (a few renames), never while a body streams in.
   * Locks of dead processes on this host are broken at once. Default 60 000.
   */
  readonly lockStaleMs?: number | undefined
}

/** {@link LocalBlobStoreOptions} with defaults applied and the root made absolute. */
export interface LocalConfig {
  readonly root: string
  readonly fsync: boolean
  readonly lockStaleMs: number
}

/** Validates the options and applies the defaults. */
export function resolveConfig(options: LocalBlobStoreOptions): LocalConfig {
  if (typeof options?.root !== 'string' || options.root === '' || options.root.includes('\0')) {
    throw new VolumeError('EINVAL', { op: 'LocalBlobStore', detail: 'root must be a directory path' })
  }
  const lockStaleMs = options.lockStaleMs ?? 60_000
  if (!Number.isFinite(lockStaleMs) || lockStaleMs <= 0) {
    throw new VolumeError('EINVAL', { op: 'LocalBlobStore', detail: 'lockStaleMs must be a positive number of milliseconds' })
  }
  return { root: resolve(options.root), fsync: options.fsync ?? true, lockStaleMs }
}
