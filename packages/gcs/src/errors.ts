import { isVolumeError, VolumeError, type VolumeErrorCode } from '@volumes/core'

/** Network failures worth retrying: the request may not have reached GCS, or its answer was lost. */
const temporaryNetworkCodes = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH',
  'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE',
])

/** HTTP status of an error from `@google-cloud/storage` (ApiError, GaxiosError, resumable-upload errors). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, status, response } = error as { code?: unknown; status?: unknown; response?: { status?: unknown; statusCode?: unknown } }
  for (const candidate of [code, status, response?.status, response?.statusCode]) {
    if (typeof candidate === 'number' && candidate >= 100 && candidate < 600) return candidate
    if (typeof candidate === 'string' && /^[1-5]\d\d$/.test(candidate)) return Number(candidate)
  }
  return undefined
}

/** True for a GCS "no such object" answer. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 || isVolumeError(error, 'ENOENT')
}

/** True for a GCS "precondition failed" answer. */
export function isPreconditionFailed(error: unknown): boolean {
  return statusOf(error) === 412 || isVolumeError(error, 'EPRECONDITION')
}

function statusCode(status: number): { code: VolumeErrorCode; temporary?: boolean; reason?: string } {
  if (status === 404) return { code: 'ENOENT' }
  if (status === 412) return { code: 'EPRECONDITION' }
  if (status === 416) return { code: 'EINVAL', reason: 'RangeNotSatisfiable' }
  if (status === 429) return { code: 'EAGAIN', temporary: true, reason: 'Throttled' }
  if (status === 408) return { code: 'ETIMEDOUT', temporary: true }
  if (status === 401 || status === 403) return { code: 'EACCES' }
  if (status === 400 || status === 411 || status === 413) return { code: 'EINVAL' }
  if (status === 501) return { code: 'ENOTSUP' }
  if (status >= 500) return { code: 'EIO', temporary: true }
  return { code: 'EIO' }
}

/**
 * Maps any failure of a GCS call to a {@link VolumeError} — the one place that does.
 * 404 → ENOENT, 412 → EPRECONDITION, 416 → EINVAL (`RangeNotSatisfiable`), 429 → EAGAIN,
 * 408 → ETIMEDOUT, 5xx and connection resets → temporary; an abort → ECANCELED.
 * A VolumeError passes through unchanged.
 */
export function toVolumeError(error: unknown, op: string, path?: string): VolumeError {
  if (isVolumeError(error)) return error
  const status = statusOf(error)
  const message = error instanceof Error ? error.message : String(error)
  if (status !== undefined) {
    const mapped = statusCode(status)
    return new VolumeError(mapped.code, { op, path, reason: mapped.reason, temporary: mapped.temporary, cause: error, detail: detailOf(mapped.code, status, message) })
  }
  const name = (error as { name?: unknown } | null)?.name
  if (name === 'AbortError') return new VolumeError('ECANCELED', { op, path, cause: error })
  // node-fetch's own timeout (the client's `timeout` option): a FetchError of type `request-timeout`.
  if ((error as { type?: unknown } | null)?.type === 'request-timeout') return new VolumeError('ETIMEDOUT', { op, path, temporary: true, cause: error, detail: message })
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && temporaryNetworkCodes.has(code)) {
    return new VolumeError(code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' ? 'ETIMEDOUT' : 'EIO', { op, path, temporary: true, cause: error, detail: `${code}: ${message}` })
  }
  if (/socket hang up|ECONNRESET|premature close/i.test(message)) return new VolumeError('EIO', { op, path, temporary: true, cause: error, detail: message })
  return new VolumeError('EIO', { op, path, cause: error, detail: message })
}

function detailOf(code: VolumeErrorCode, status: number, message: string): string | undefined {
  if (code === 'ENOENT' || code === 'EPRECONDITION') return undefined
  return `GCS ${status}: ${message.split('\n')[0]}`
}
