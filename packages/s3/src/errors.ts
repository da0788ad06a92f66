import { isVolumeError, utf8Length, VolumeError, type VolumeErrorCode } from '@volumes/core'

// The one place where S3 SDK, HTTP and socket errors become `VolumeError`s.
// Temporary (a retry may cure them): throttling (SlowDown, 429, 503), other 5xx,
// `ConditionalRequestConflict` (409: a concurrent conditional write), connection
// resets / refusals / timeouts and bodies cut short.

/** MinIO keeps objects as files: a key segment longer than a file name (255 bytes) is refused. */
export const MINIO_MAX_SEGMENT_BYTES = 255
/** What MinIO appends to a directory marker's name on its disk (`__XLDIR__`). */
export const MINIO_MARKER_SUFFIX_BYTES = 9

interface Mapping {
  readonly code: VolumeErrorCode
  readonly temporary?: boolean
  readonly reason?: string
}

const byS3Code: Readonly<Record<string, Mapping>> = {
  NoSuchKey: { code: 'ENOENT' },
  NotFound: { code: 'ENOENT' },
  NoSuchBucket: { code: 'ENOENT', reason: 'NoSuchBucket' },
  NoSuchUpload: { code: 'ENOENT', reason: 'NoSuchUpload' },
  PreconditionFailed: { code: 'EPRECONDITION' },
  ConditionalRequestConflict: { code: 'EAGAIN', temporary: true, reason: 'ConditionalRequestConflict' },
  OperationAborted: { code: 'EAGAIN', temporary: true, reason: 'OperationAborted' },
  InvalidRange: { code: 'EINVAL', reason: 'RangeNotSatisfiable' },
  AccessDenied: { code: 'EACCES' },
  Forbidden: { code: 'EACCES' },
  SignatureDoesNotMatch: { code: 'EACCES', reason: 'SignatureDoesNotMatch' },
  InvalidAccessKeyId: { code: 'EACCES', reason: 'InvalidAccessKeyId' },
  ExpiredToken: { code: 'EACCES', reason: 'ExpiredToken' },
  KeyTooLongError: { code: 'ENAMETOOLONG' },
  EntityTooLarge: { code: 'EINVAL', reason: 'EntityTooLarge' },
  EntityTooSmall: { code: 'EINVAL', reason: 'EntityTooSmall' },
  InvalidArgument: { code: 'EINVAL' },
  InvalidRequest: { code: 'EINVAL' },
  InvalidPart: { code: 'EINVAL' },
  InvalidPartOrder: { code: 'EINVAL' },
  MalformedXML: { code: 'EINVAL' },
  XMinioInvalidObjectName: { code: 'EINVAL', reason: 'InvalidObjectName' },
  XMinioInvalidResourceName: { code: 'EINVAL', reason: 'InvalidObjectName' },
  NotImplemented: { code: 'ENOTSUP' },
  XMinioStorageFull: { code: 'ENOSPC', reason: 'StorageFull' },
  QuotaExceeded: { code: 'ENOSPC', reason: 'QuotaExceeded' },
  XMinioAdminBucketQuotaExceeded: { code: 'ENOSPC', reason: 'QuotaExceeded' },
  BadDigest: { code: 'EIO', temporary: true },
  IncompleteBody: { code: 'EIO', temporary: true },
  RequestTimeout: { code: 'ETIMEDOUT', temporary: true },
  SlowDown: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  Throttling: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  ThrottlingException: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  RequestLimitExceeded: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  TooManyRequests: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  RequestThrottled: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  TooManyRequestsException: { code: 'EAGAIN', temporary: true, reason: 'Throttled' },
  InternalError: { code: 'EIO', temporary: true },
  ServiceUnavailable: { code: 'EAGAIN', temporary: true, reason: 'ServiceUnavailable' },
  XMinioServerNotInitialized: { code: 'EAGAIN', temporary: true, reason: 'ServiceUnavailable' },
}

/** Socket-level error codes worth a retry. */
const temporaryNetworkCodes = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT',
])

interface SdkLikeError {
  name?: string
  code?: string
  Code?: string
  message?: string
  cause?: unknown
  $metadata?: { httpStatusCode?: number }
}

/** The first socket error code in an error's `cause` chain. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const code = (current as SdkLikeError).code
    if (typeof code === 'string' && temporaryNetworkCodes.has(code)) return code
    current = (current as SdkLikeError).cause
  }
  return undefined
}

function byStatus(status: number | undefined): Mapping | undefined {
  if (status === undefined) return undefined
  if (status === 400) return { code: 'EINVAL', reason: 'BadRequest' }
  if (status === 404) return { code: 'ENOENT' }
  if (status === 412) return { code: 'EPRECONDITION' }
  if (status === 416) return { code: 'EINVAL', reason: 'RangeNotSatisfiable' }
  if (status === 403 || status === 401) return { code: 'EACCES' }
  if (status === 429 || status === 503) return { code: 'EAGAIN', temporary: true, reason: 'Throttled' }
  if (status === 501) return { code: 'ENOTSUP' }
  if (status >= 500) return { code: 'EIO', temporary: true }
  return undefined
}

/** The mapping of an S3 error code from a DeleteObjects per-key error (no exception involved). */
export function mapS3ErrorCode(s3Code: string | undefined, message: string | undefined, op: string, path?: string): VolumeError {
  const mapping = (s3Code && byS3Code[s3Code]) || { code: 'EIO' as const }
  return new VolumeError(mapping.code, {
    op, path, reason: mapping.reason ?? s3Code, temporary: mapping.temporary ?? false,
    detail: `${s3Code ?? 'error'}: ${message ?? 'no message'}`,
  })
}

/**
 * Turns anything an S3 call threw into a `VolumeError`. A `VolumeError` passes through;
 * an abort (the caller's signal) is ECANCELED.
 */
export function mapS3Error(error: unknown, op: string, path?: string, signal?: AbortSignal): VolumeError {
  if (isVolumeError(error)) return error
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkLikeError
  if (signal?.aborted || e.name === 'AbortError') return new VolumeError('ECANCELED', { op, path, cause: signal?.reason ?? error })
  const s3Code = e.Code ?? (e.name && byS3Code[e.name] ? e.name : undefined)
  const status = e.$metadata?.httpStatusCode
  const detail = `${s3Code ?? e.code ?? e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`
  const mapping = (s3Code ? byS3Code[s3Code] : undefined) ?? byStatus(status)
  if (s3Code === 'XMinioInvalidObjectName' && path?.split('/').some((segment) => utf8Length(segment) > MINIO_MAX_SEGMENT_BYTES)) {
    return new VolumeError('ENAMETOOLONG', { op, path, reason: 'SegmentTooLong', detail, cause: error })
  }
  if (mapping) {
    return new VolumeError(mapping.code, { op, path, reason: mapping.reason ?? s3Code, temporary: mapping.temporary ?? false, detail, cause: error })
  }
  const network = networkCode(error)
  if (e.name === 'TimeoutError' || network === 'ETIMEDOUT' || network === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
    return new VolumeError('ETIMEDOUT', { op, path, reason: network ?? 'TimeoutError', temporary: true, detail, cause: error })
  }
  if (network) return new VolumeError('EIO', { op, path, reason: network, temporary: true, detail, cause: error })
  return new VolumeError('EIO', { op, path, reason: s3Code ?? e.name, temporary: false, detail, cause: error })
}
