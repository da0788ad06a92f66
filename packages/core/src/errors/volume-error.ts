/**
 * Error codes, shaped like node:fs codes so that callers already know them.
 *
 * `EPRECONDITION` is the one code node has no name for: a conditional write
 * (`ifMatch` / `ifNoneMatch`) whose condition did not hold. `ECANCELED` is an
 * operation stopped by its `AbortSignal`.
 */
export type VolumeErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'EINVAL'
  | 'ENAMETOOLONG'
  | 'ENOSPC'
  | 'EBUSY'
  | 'EROFS'
  | 'EACCES'
  | 'ENOTSUP'
  | 'EAGAIN'
  | 'ETIMEDOUT'
  | 'EIO'
  | 'EPRECONDITION'
  | 'ECANCELED'

/** One-line descriptions used in messages, worded like node's. */
export const errorDescriptions: Readonly<Record<VolumeErrorCode, string>> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
  EINVAL: 'invalid argument',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on volume',
  EBUSY: 'resource busy or locked',
  EROFS: 'read-only volume',
  EACCES: 'permission denied',
  ENOTSUP: 'operation not supported',
  EAGAIN: 'resource temporarily unavailable',
  ETIMEDOUT: 'operation timed out',
  EIO: 'i/o error',
  EPRECONDITION: 'precondition failed',
  ECANCELED: 'operation canceled',
}

/** Codes that are worth retrying unless the caller says otherwise. */
const temporaryByDefault: ReadonlySet<VolumeErrorCode> = new Set(['EAGAIN', 'ETIMEDOUT'])

/** Options accepted by the {@link VolumeError} constructor. */
export interface VolumeErrorOptions {
  /** The operation that failed, like node's `syscall`: `stat`, `writeFile`, `put`... */
  readonly op: string
  /** The volume path or object key the operation was about. */
  readonly path?: string | undefined
  /** A finer tag than the code, e.g. `VolumeNotFound`, `QuotaExceeded`, `PathEscapesVolume`. */
  readonly reason?: string | undefined
  /** Replaces the default description after the code. */
  readonly detail?: string | undefined
  /** Whether retrying the same operation may succeed. Defaults by code. */
  readonly temporary?: boolean | undefined
  /** The underlying error (an SDK error, a node:fs error...). */
  readonly cause?: unknown
}

const brand = Symbol.for('@volumes/core/VolumeError')

/**
 * The one error class of the library. Messages read like node's:
 * `ENOENT: no such file or directory, stat '/a/b'`.
 *
 * Use {@link isVolumeError} rather than `instanceof` to recognise it: the guard
 * works across duplicate copies of the package.
 */
export class VolumeError extends Error {
  override readonly name = 'VolumeError'
  readonly code: VolumeErrorCode
  readonly op: string
  readonly path: string | undefined
  readonly reason: string | undefined
  readonly temporary: boolean
  /** Alias of `op`, for code written against node:fs errors. */
  get syscall(): string {
    return this.op
  }

  constructor(code: VolumeErrorCode, options: VolumeErrorOptions) {
    const description = options.detail ?? errorDescriptions[code]
    const where = options.path === undefined ? options.op : `${options.op} '${options.path}'`
    super(`${code}: ${description}, ${where}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.op = options.op
    this.path = options.path
    this.reason = options.reason
    this.temporary = options.temporary ?? temporaryByDefault.has(code)
    Object.defineProperty(this, brand, { value: true })
  }

  /** A plain object for logs and JSON responses. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, op: this.op, path: this.path, reason: this.reason, temporary: this.temporary }
  }
}

/**
 * True when `error` is a {@link VolumeError}, optionally with one of the given codes.
 *
 * @example
 * if (isVolumeError(e, 'ENOENT')) return undefined
 */
export function isVolumeError(error: unknown, ...codes: VolumeErrorCode[]): error is VolumeError {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[brand] !== true) return false
  return codes.length === 0 || codes.includes((error as VolumeError).code)
}

/** True for errors that a retry may cure (marked temporary by the adapter that raised them). */
export function isTemporaryError(error: unknown): boolean {
  return isVolumeError(error) && error.temporary
}
