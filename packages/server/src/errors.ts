import { isVolumeError, type VolumeErrorCode } from '@volumes/core'

/** Codes the server adds to the core ones: auth, size limit, range, method, internal. */
export type ServerErrorCode = 'EAUTH' | 'EFBIG' | 'ERANGE' | 'EMETHOD' | 'EINTERNAL'

/** Every code an error response can carry. */
export type ErrorCode = VolumeErrorCode | ServerErrorCode

/** HTTP status of each error code (see docs/http-api.md). */
export const statusOfCode: Readonly<Record<ErrorCode, number>> = {
  ENOENT: 404,
  EEXIST: 409,
  ENOTDIR: 409,
  EISDIR: 409,
  ENOTEMPTY: 409,
  EINVAL: 400,
  ENAMETOOLONG: 400,
  EPRECONDITION: 412,
  ERANGE: 416,
  EFBIG: 413,
  EBUSY: 423,
  ENOSPC: 507,
  EROFS: 403,
  EACCES: 403,
  EAUTH: 401,
  ENOTSUP: 501,
  EAGAIN: 503,
  ETIMEDOUT: 503,
  EIO: 503,
  // The client went away mid-request; nobody reads this status (nginx's convention).
  ECANCELED: 499,
  EMETHOD: 405,
  EINTERNAL: 500,
}

/** Options of {@link HttpError}. */
export interface HttpErrorOptions {
  readonly op: string
  readonly path?: string | undefined
  readonly reason?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The HTTP status, when not the one of the code (e.g. 408 for a stalled request body). */
  readonly status?: number | undefined
}

/** An error raised by the server itself (auth, limits, bad requests) with its own code. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly code: ErrorCode
  readonly status: number
  readonly op: string
  readonly path: string | undefined
  readonly reason: string | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(code: ErrorCode, message: string, options: HttpErrorOptions) {
    super(`${code}: ${message}`)
    this.code = code
    this.status = options.status ?? statusOfCode[code]
    this.op = options.op
    this.path = options.path
    this.reason = options.reason
    this.headers = options.headers ?? {}
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: {
    readonly code: string
    readonly message: string
    readonly op?: string | undefined
    readonly path?: string | undefined
    readonly reason?: string | undefined
    readonly temporary?: boolean | undefined
  }
}

/** What an error response says: status, JSON body and extra headers. */
export interface ErrorDescription {
  readonly status: number
  readonly body: ErrorBody
  readonly headers: Readonly<Record<string, string>>
  /** True for errors the server did not expect (logged with their stack). */
  readonly unexpected: boolean
}

/**
 * Describes any thrown value as an error response: a VolumeError keeps its code, message,
 * reason, path and temporary flag with the status of its code; an {@link HttpError} its own;
 * anything else is 500 `EINTERNAL` with a generic message (details go to the log only).
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, op: error.op, path: error.path, reason: error.reason } },
      headers: error.headers,
      unexpected: false,
    }
  }
  if (isVolumeError(error)) {
    const json = error.toJSON() as ErrorBody['error']
    return { status: statusOfCode[error.code] ?? 500, body: { error: json }, headers: {}, unexpected: false }
  }
  return { status: 500, body: { error: { code: 'EINTERNAL', message: 'EINTERNAL: internal server error' } }, headers: {}, unexpected: true }
}

/** Builds the JSON error response of any thrown value (see {@link describeError}). */
export function errorResponse(error: unknown): Response {
  const { status, body, headers } = describeError(error)
  return Response.json(body, { status, headers: { ...headers, 'cache-control': 'no-store' } })
}

/** 400 `EINVAL` with a reason: the request itself is malformed. */
export function badRequest(op: string, reason: string, message: string, path?: string): HttpError {
  return new HttpError('EINVAL', message, { op, reason, path })
}
