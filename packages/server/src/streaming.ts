import { Readable } from 'node:stream'
import type { EntryInfo, WriteData } from '@volumes/core'
import { badRequest, HttpError } from './errors.js'
import { bodyStalled, DEFAULT_BODY_IDLE_TIMEOUT_MS, readWithin } from './idle-read.js'
import type { InclusiveRange } from './ranges.js'

/** Size limits of request bodies. */
export interface BodyLimits {
  /** Largest file body accepted by a write: past it, 413 `EFBIG` and nothing is written. */
  readonly maxFileBytes: number
  /** Largest JSON body. */
  readonly maxJsonBytes: number
  /**
   * File bodies that declare a `Content-Length` up to this many bytes are read into memory
   * first, so that the store sees their length (one PUT instead of a multipart upload on S3);
   * longer or chunked ones are streamed.
   */
  readonly bufferBelowBytes: number
  /**
   * Longest wait for the next chunk of a request body, in ms (0: none). A body that stalls
   * longer fails with 408 `ETIMEDOUT` (reason `BodyIdleTimeout`): nothing is written and the
   * quota its stream had reserved is given back. Default 60 s ({@link DEFAULT_BODY_IDLE_TIMEOUT_MS}).
   */
  readonly bodyIdleTimeoutMs?: number | undefined
}

/** A file body on its way to `writeFile`. */
export interface LimitedBody {
  readonly data: WriteData
  /** Bytes received so far. */
  received(): number
  /** True once the body went past the limit (the write must then be reported as 413). */
  exceeded(): boolean
  /** True once the body stalled past the idle timeout (the write must then be reported as 408). */
  stalled(): boolean
}

/** 413 `EFBIG` for a body over `limit` bytes. */
export function tooLarge(limit: number, op: string, path?: string): HttpError {
  return new HttpError('EFBIG', `request body larger than the limit of ${limit} bytes; nothing was written`, { op, path, reason: 'BodyTooLarge' })
}

function declaredLength(request: Request, op: string): number | undefined {
  const header = request.headers.get('content-length')
  if (header === null) return undefined
  if (!/^\d{1,16}$/.test(header.trim())) throw badRequest(op, 'InvalidContentLength', 'invalid Content-Length')
  return Number(header.trim())
}

/**
 * The body of a file write, never past `limits.maxFileBytes`: a declared length over the
 * limit is refused before anything is read; a small declared body is read whole; anything
 * else streams through a counter that fails the stream the moment the limit is passed, so the
 * store's atomic write never commits. Bytes past the limit are never read. A body that sends
 * nothing for `limits.bodyIdleTimeoutMs` fails the same way (408).
 */
export async function fileBody(request: Request, limits: BodyLimits, op: string, path: string): Promise<LimitedBody> {
  const length = declaredLength(request, op)
  if (length !== undefined && length > limits.maxFileBytes) throw tooLarge(limits.maxFileBytes, op, path)
  if (request.body === null || length === 0) return { data: new Uint8Array(), received: () => 0, exceeded: () => false, stalled: () => false }
  let received = 0
  let exceeded = false
  let stalled = false
  const reader = request.body.getReader()
  const idleMs = limits.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS
  const next = (): Promise<ReadableStreamReadResult<Uint8Array>> => readWithin(reader, idleMs, () => {
    stalled = true
    return bodyStalled(idleMs, op, path)
  })
  const release = async (): Promise<void> => {
    if (!exceeded && !stalled) reader.releaseLock()
    else await reader.cancel().catch(() => undefined)
  }
  if (length !== undefined && length <= limits.bufferBelowBytes) {
    const chunks: Uint8Array[] = []
    try {
      for (let chunk = await next(); !chunk.done; chunk = await next()) {
        chunks.push(chunk.value)
        received += chunk.value.byteLength
      }
    } finally {
      await release()
    }
    const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks))
    return { data: bytes, received: () => received, exceeded: () => false, stalled: () => false }
  }
  async function* counted(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const { done, value } = await next()
        if (done) return
        received += value.byteLength
        if (received > limits.maxFileBytes) {
          exceeded = true
          throw tooLarge(limits.maxFileBytes, op, path)
        }
        yield value
      }
    } finally {
      await release()
    }
  }
  return { data: counted(), received: () => received, exceeded: () => exceeded, stalled: () => stalled }
}

/**
 * Reads a JSON object body of at most `limit` bytes. An empty body is `{}`; invalid
 * JSON, or JSON that is not an object, is 400; a longer body is 413; one that sends nothing
 * for `idleTimeoutMs` is 408.
 */
export async function jsonBody(request: Request, limit: number, op: string, idleTimeoutMs = DEFAULT_BODY_IDLE_TIMEOUT_MS): Promise<Record<string, unknown>> {
  const length = declaredLength(request, op)
  if (length !== undefined && length > limit) throw tooLarge(limit, op)
  if (request.body === null) return {}
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>
    try {
      read = await readWithin(reader, idleTimeoutMs, () => bodyStalled(idleTimeoutMs, op))
    } catch (error) {
      await reader.cancel().catch(() => undefined)
      throw error
    }
    const { done, value } = read
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(limit, op)
    }
    chunks.push(value)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest(op, 'InvalidJson', 'the request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(op, 'InvalidJson', 'the request body must be a JSON object')
  return value as Record<string, unknown>
}

/** What a file response needs to know about the file. */
export type FileFacts = Pick<EntryInfo, 'path' | 'size' | 'mode' | 'uid' | 'gid' | 'mtime'>

/**
 * A file as a response: 200 with the whole file, or 206 with `range`, with `Content-Length`,
 * `Last-Modified`, `ETag` (when given) and the POSIX attributes in `X-Volume-*` headers. `body` is streamed as is
 * (already cut to the range), or sent as bytes (a small file read whole); without one (HEAD, an
 * empty file) the response has no body.
 */
export function fileResponse(facts: FileFacts, range: InclusiveRange | undefined, body: Readable | Uint8Array | undefined, etag?: string): Response {
  const length = range ? range.end - range.start + 1 : facts.size
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'accept-ranges': 'bytes',
    'last-modified': facts.mtime.toUTCString(),
    'x-volume-mode': facts.mode.toString(8).padStart(4, '0'),
    'x-volume-uid': String(facts.uid),
    'x-volume-gid': String(facts.gid),
  }
  if (etag !== undefined) headers.etag = etag
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${facts.size}`
  const status = range ? 206 : 200
  if (body instanceof Uint8Array) return new Response(body as Uint8Array<ArrayBuffer>, { status, headers })
  if (!body || length === 0) {
    body?.destroy()
    return new Response(null, { status, headers })
  }
  return new Response(Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>, { status, headers })
}
