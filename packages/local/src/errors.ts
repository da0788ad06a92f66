import { isVolumeError, VolumeError, type VolumeErrorCode } from '@volumes/core'

const fsCodes: Readonly<Record<string, VolumeErrorCode>> = {
  ENOENT: 'ENOENT',
  ENOTDIR: 'ENOTDIR',
  EISDIR: 'EISDIR',
  EEXIST: 'EEXIST',
  ENOTEMPTY: 'ENOTEMPTY',
  ENOSPC: 'ENOSPC',
  EDQUOT: 'ENOSPC',
  EFBIG: 'ENOSPC',
  EACCES: 'EACCES',
  EPERM: 'EACCES',
  EROFS: 'EROFS',
  ENAMETOOLONG: 'ENAMETOOLONG',
  EINVAL: 'EINVAL',
  ELOOP: 'EINVAL',
  EBUSY: 'EBUSY',
  EAGAIN: 'EAGAIN',
  EWOULDBLOCK: 'EAGAIN',
  EMFILE: 'EAGAIN',
  ENFILE: 'EAGAIN',
  EINTR: 'EAGAIN',
  ETIMEDOUT: 'ETIMEDOUT',
  ENOTSUP: 'ENOTSUP',
  EOPNOTSUPP: 'ENOTSUP',
  ECANCELED: 'ECANCELED',
}

const temporaryCodes: ReadonlySet<string> = new Set(['EAGAIN', 'EWOULDBLOCK', 'EMFILE', 'ENFILE', 'EINTR', 'EBUSY', 'ETIMEDOUT'])

/** The `code` of a node:fs error (`'ENOENT'`...), or `undefined` for anything else. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Turns any error raised while working on `key` into a {@link VolumeError}: the one place where
 * node:fs codes become volume codes. VolumeErrors pass through unchanged.
 */
export function toVolumeError(error: unknown, op: string, key?: string): VolumeError {
  if (isVolumeError(error)) return error
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return new VolumeError('ECANCELED', { op, path: key, cause: error })
  const errno = errnoOf(error)
  const code = errno === undefined ? 'EIO' : (fsCodes[errno] ?? 'EIO')
  const detail = code === 'EIO' && error instanceof Error ? `i/o error: ${error.message}` : undefined
  return new VolumeError(code, { op, path: key, detail, temporary: errno !== undefined && temporaryCodes.has(errno), cause: error })
}

/** EPRECONDITION: an `ifMatch` / `ifNoneMatch` condition did not hold. */
export function preconditionFailed(op: string, key: string, detail: string): VolumeError {
  return new VolumeError('EPRECONDITION', { op, path: key, detail: `precondition failed: ${detail}` })
}

/** ENOENT for a key that holds no object. */
export function notFound(op: string, key: string): VolumeError {
  return new VolumeError('ENOENT', { op, path: key })
}

/** ENOTDIR: a prefix of the key is an object (`a` exists while writing `a/b`). */
export function prefixIsObject(op: string, key: string, cause?: unknown): VolumeError {
  return new VolumeError('ENOTDIR', { op, path: key, reason: 'PrefixIsObject', detail: 'not a directory: a prefix of the key is an object', cause })
}

/** EISDIR: other keys live under this key (`a/b` exists while writing `a`). */
export function keyIsPrefix(op: string, key: string, cause?: unknown): VolumeError {
  return new VolumeError('EISDIR', { op, path: key, reason: 'KeyIsPrefix', detail: 'illegal operation on a directory: other keys live under this key', cause })
}

/** EINVAL for an invalid argument, with the rule it broke. */
export function invalidArgument(op: string, key: string | undefined, detail: string, reason = 'InvalidArgument'): VolumeError {
  return new VolumeError('EINVAL', { op, path: key, reason, detail: `invalid argument: ${detail}` })
}
