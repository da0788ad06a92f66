import { errorDescriptions, isVolumeError, VolumeError, type VolumeErrorCode } from '@volumes/core'

/** The JSON error body of the server: `{ error: { code, message, reason?, path? } }`. */
interface ErrorBody {
  readonly code?: unknown
  readonly message?: unknown
  readonly reason?: unknown
  readonly path?: unknown
  readonly op?: unknown
  readonly temporary?: unknown
}

/** What the client knows about a failed request. */
export interface FailedRequest {
  readonly method: string
  readonly url: string
  readonly apiUrl: string
  readonly op: string
  readonly path?: string | undefined
}

/** Codes for statuses whose body carries no code the client knows (`EAUTH`, `EFBIG`, a proxy's HTML...). */
const codeByStatus: Readonly<Record<number, VolumeErrorCode>> = {
  400: 'EINVAL',
  401: 'EACCES',
  403: 'EACCES',
  404: 'ENOENT',
  405: 'ENOTSUP',
  409: 'EEXIST',
  412: 'EPRECONDITION',
  413: 'EINVAL',
  416: 'EINVAL',
  423: 'EBUSY',
  429: 'EAGAIN',
  501: 'ENOTSUP',
  502: 'EIO',
  503: 'EAGAIN',
  504: 'ETIMEDOUT',
  507: 'ENOSPC',
}

const temporaryStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** Most bytes of an error body read; the rest is cancelled. */
const ERROR_BODY_LIMIT = 64 * 1024

const isKnownCode = (code: unknown): code is VolumeErrorCode => typeof code === 'string' && Object.hasOwn(errorDescriptions, code)
const stringOr = (value: unknown, fallback: string | undefined): string | undefined => (typeof value === 'string' && value !== '' ? value : fallback)

/**
 * Turns an error response into the library's {@link VolumeError}: the code, reason,
 * path and message of the server's JSON when it sent one (so `isVolumeError(e, 'ENOENT')`
 * works as with the library), otherwise a code chosen by the HTTP status.
 * Reads at most 64 KiB of the body and cancels the rest.
 */
export async function errorFromResponse(response: Response, request: FailedRequest): Promise<VolumeError> {
  const text = await readLimited(response, ERROR_BODY_LIMIT)
  let body: ErrorBody | undefined
  try {
    const parsed = JSON.parse(text) as { error?: unknown }
    if (typeof parsed.error === 'object' && parsed.error !== null) body = parsed.error as ErrorBody
  } catch {
    body = undefined
  }
  const status = response.status
  const known = isKnownCode(body?.code)
  const code: VolumeErrorCode = isKnownCode(body?.code) ? body.code : (codeByStatus[status] ?? (status >= 500 ? 'EIO' : 'EINVAL'))
  const serverMessage = stringOr(body?.message, undefined)
  const serverCode = stringOr(body?.code, undefined)
  const error = new VolumeError(code, {
    op: stringOr(body?.op, request.op)!,
    path: stringOr(body?.path, request.path),
    reason: stringOr(body?.reason, known ? undefined : serverCode),
    temporary: typeof body?.temporary === 'boolean' ? body.temporary : temporaryStatuses.has(status) || undefined,
    detail: known ? undefined : describeStatus(response, request, serverMessage ?? text.slice(0, 200)),
    cause: new Error(`HTTP ${status} ${response.statusText} from ${request.method} ${request.url}`),
  })
  // The server's message is already worded like node's, with its own op: keep it verbatim.
  if (known && serverMessage !== undefined) error.message = serverMessage
  return error
}

function describeStatus(response: Response, request: FailedRequest, serverText: string): string {
  const said = serverText.trim() === '' ? '' : `: ${serverText.trim()}`
  if (response.status === 401) {
    return `the server at ${request.apiUrl} refused the credentials (HTTP 401${said}); check the apiKey option or VOLUMES_API_KEY`
  }
  if (response.status === 403) return `forbidden (HTTP 403${said})`
  return `HTTP ${response.status} ${response.statusText}${said}`
}

/** Reads up to `limit` bytes of a body as text and cancels the rest. */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    while (length < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      length += value.byteLength
    }
  } catch {
    // A body cut off while reading an error is still an error; report what arrived.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return new TextDecoder().decode(Buffer.concat(chunks)).slice(0, limit)
}

/**
 * Turns a failure of `fetch` itself (no response) into a VolumeError: ECANCELED when
 * the caller's signal fired, the error itself when it already is one (a failing
 * request body source), otherwise EIO marked temporary, naming the server.
 */
export function errorFromFailure(failure: unknown, request: FailedRequest, signal: AbortSignal | undefined): VolumeError {
  if (isVolumeError(failure)) return failure
  const cause = (failure as { cause?: unknown } | undefined)?.cause
  if (isVolumeError(cause)) return cause
  if (signal?.aborted) return new VolumeError('ECANCELED', { op: request.op, path: request.path, cause: signal.reason })
  const code = (cause as { code?: unknown } | undefined)?.code
  const why = typeof code === 'string' ? code : ((cause as Error | undefined)?.message ?? (failure as Error | undefined)?.message ?? String(failure))
  return new VolumeError('EIO', {
    op: request.op,
    path: request.path,
    reason: 'NetworkError',
    temporary: true,
    detail: `cannot reach the server at ${request.apiUrl} (${why})`,
    cause: failure,
  })
}
