import { constants } from 'node:os'
import { isVolumeError } from '@volumes/core'

const errno = constants.errno as Record<string, number>

/** A negative errno, as FUSE wants it, for a node:fs code name (EIO for unknown names). */
export function errnoOf(code: string): number {
  return -(errno[code] ?? errno.EIO!)
}

/**
 * The errno a failed operation returns to the kernel.
 *
 * - A VolumeError's code when it is a POSIX one (ENOENT, EEXIST, ENOTDIR, EISDIR,
 *   ENOTEMPTY, ENAMETOOLONG, ENOSPC, EROFS, EACCES, EINVAL, ENOTSUP...).
 * - A lost lease (reason `LeaseLost`) is EIO: the write did not happen and will not.
 * - A concurrent change that outlasted the retries (EPRECONDITION) is EIO too.
 * - Anything else (network trouble after the retry layer gave up, a timeout, a bug) is EIO.
 */
export function errnoOfError(error: unknown): number {
  if (isVolumeError(error)) {
    if (error.reason === 'LeaseLost') return errnoOf('EIO')
    return errnoOf(error.code)
  }
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code in errno) return errnoOf(code)
  return errnoOf('EIO')
}

/** An errno outside VolumeError's codes (EBADF, EPERM, ENOSYS...), for the kernel only. */
export class PosixError extends Error {
  readonly code: string

  constructor(code: string, op: string, path: string) {
    super(`${code}: ${op} '${path}'`)
    this.code = code
  }
}
