import { isWithin, parentPath } from '../paths/volume-path.js'
import { VolumeError } from '../errors/volume-error.js'
import type { VolumeEvent } from './change-feed.js'

/**
 * Whether a watcher of `path` sees `event`: the event's path (or a rename's old path) is
 * `path` itself or, recursive, anywhere under it, or, not recursive, a direct child.
 */
export function eventMatches(event: Pick<VolumeEvent, 'path' | 'oldPath'>, path: string, recursive: boolean): boolean {
  const seen = (candidate: string | undefined): boolean => candidate !== undefined
    && (recursive ? isWithin(candidate, path) : candidate === path || (candidate !== '/' && parentPath(candidate) === path))
  return seen(event.path) || seen(event.oldPath)
}

/** The error for a cursor a feed never gave. */
export function invalidCursor(cursor: string): VolumeError {
  return new VolumeError('EINVAL', { op: 'watch', path: cursor.slice(0, 80), reason: 'InvalidCursor', detail: 'not a cursor of this change feed' })
}
