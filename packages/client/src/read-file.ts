import { VolumeError, type ByteRange, type ReadFileOptions, type ReadFormat, type ReadResultByFormat } from '@volumes/core'
import type { HttpClient } from './http.js'
import { collectStream, contentRangeStart, responseStream, type BodySlice } from './response-body.js'
import { pinnedStream } from './pinned-read.js'
import { pathRoute } from './routes.js'

/**
 * Opens a file of a volume as a web stream read straight from the response (never
 * buffered). A `range` becomes an HTTP `Range` header; a server that answers 200
 * anyway is sliced here, so the caller always gets exactly the bytes it asked for.
 * The read is pinned to the version the first response names (`ETag`): a connection that
 * breaks mid-body is resumed with `If-Match`, and a file changed meanwhile fails the
 * stream with EAGAIN `FileChanged`, never with bytes of two versions (see `pinnedStream`).
 */
export async function openFileStream(http: HttpClient, volumeId: string, path: string, options: Omit<ReadFileOptions, 'format'>, op = 'readFile'): Promise<ReadableStream<Uint8Array>> {
  const { range, signal } = options
  const first = await openPart(http, volumeId, path, range, undefined, signal, op)
  if (first.etag === null) return first.stream
  const etag = first.etag
  return pinnedStream(first.stream, {
    etag, start: range?.start ?? 0, end: range?.end, op, path, signal,
    reopen: async (from) => (await openPart(http, volumeId, path, { start: from, end: range?.end }, etag, signal, op)).stream,
  })
}

/** One GET of a file (or of a range of it, `If-Match` a version when given): exactly the bytes asked for, and the version's ETag. */
async function openPart(http: HttpClient, volumeId: string, path: string, range: ByteRange | undefined, ifMatch: string | undefined, signal: AbortSignal | undefined, op: string): Promise<{ stream: ReadableStream<Uint8Array>; etag: string | null }> {
  const header = range === undefined ? undefined : rangeHeader(range, op, path)
  const headers: Record<string, string> = { ...(header === undefined ? {} : { range: header }), ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }
  const response = await http.send({
    method: 'GET',
    route: pathRoute(volumeId, 'files', path, op),
    headers: Object.keys(headers).length === 0 ? undefined : headers,
    signal,
    op,
    path,
  })
  const failed = { method: 'GET', url: response.url, apiUrl: http.connection.apiUrl, op, path }
  let slice: BodySlice | undefined
  if (range !== undefined && header !== undefined) {
    const take = range.end === undefined ? undefined : range.end - range.start
    if (response.status === 206) {
      const start = contentRangeStart(response, op, path)
      if (start !== undefined && start !== range.start) {
        await response.body?.cancel().catch(() => undefined)
        throw new VolumeError('EIO', { op, path, reason: 'BadResponse', detail: `asked for bytes from ${range.start}, got from ${start}` })
      }
      slice = { skip: 0, take }
    } else {
      slice = { skip: range.start, take }
    }
  }
  return { stream: responseStream(response, failed, signal, slice), etag: response.headers.get('etag') }
}

/** Reads a file in the requested format: the library's `readFile`, over HTTP. */
export async function readFileAs<F extends ReadFormat>(http: HttpClient, volumeId: string, path: string, options: ReadFileOptions<F>): Promise<ReadResultByFormat[F]> {
  const stream = await openFileStream(http, volumeId, path, options)
  const format = options.format ?? 'text'
  if (format === 'stream') return stream as ReadResultByFormat[F]
  const bytes = await collectStream(stream)
  if (format === 'bytes') return bytes as ReadResultByFormat[F]
  if (format === 'blob') return new Blob([bytes as Uint8Array<ArrayBuffer>]) as ReadResultByFormat[F]
  return new TextDecoder().decode(bytes) as ReadResultByFormat[F]
}

/**
 * `bytes=a-b` for a range (end exclusive, as in the library), or undefined for the
 * whole file. An empty range asks for its first byte (so the server still checks the
 * start against the size) and keeps none of it. A range no header can carry is EINVAL.
 */
function rangeHeader(range: ByteRange, op: string, path: string): string | undefined {
  const { start, end } = range
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new VolumeError('EINVAL', { op, path, reason: 'RangeNotSatisfiable', detail: `range ${start}-${String(end)} is not a valid byte range` })
  }
  if (end === undefined) return start === 0 ? undefined : `bytes=${start}-`
  return `bytes=${start}-${Math.max(start, end - 1)}`
}
