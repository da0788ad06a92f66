import { PassThrough, Readable } from 'node:stream'
import type { File } from '@google-cloud/storage'
import { isVolumeError, throwIfAborted, VolumeError, type BlobCallOptions, type BlobGetOptions, type BlobHead, type BlobReadResult } from '@volumes/core'
import { objectName, type GcsContext } from './config.js'
import { isNotFound, toVolumeError } from './errors.js'
import { pipeGuarded } from './guarded-download.js'
import { toBlobHead, type GcsObjectResource } from './object-head.js'
import { call } from './signal.js'

/** Reading a generation that was replaced between the metadata request and the download is retried this often. */
const READ_ATTEMPTS = 5

/** The raw resource of an object, or `undefined` when there is none. */
export async function fetchResource(context: GcsContext, name: string, op: string, key: string, signal?: AbortSignal): Promise<GcsObjectResource | undefined> {
  try {
    return await call(op, key, signal, async () => (await context.bucket.file(name).getMetadata())[0])
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** `head`: one metadata request. Missing key → `undefined`. */
export async function headObject(context: GcsContext, key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
  const resource = await fetchResource(context, objectName(context, key, 'head'), 'head', key, options?.signal)
  return resource && toBlobHead(context, resource)
}

/**
 * `get`: reads the object's metadata, then streams that generation (or a byte range of it),
 * so the head returned always describes the bytes. Range checks need no request; an empty
 * range needs no download. A generation replaced in between is read again from the start;
 * after {@link READ_ATTEMPTS} replaced generations, EAGAIN (`ConcurrentWrite`, temporary).
 */
export async function getObject(context: GcsContext, key: string, options: BlobGetOptions = {}): Promise<BlobReadResult> {
  const op = 'get'
  const name = objectName(context, key, op)
  for (let attempt = 1; ; attempt++) {
    const resource = await fetchResource(context, name, op, key, options.signal)
    if (!resource) throw new VolumeError('ENOENT', { op, path: key })
    const head = toBlobHead(context, resource)
    const { start, end } = clampRange(head.size, options.range, key)
    if (end === start) return { head, body: Readable.from([]) }
    const file = context.bucket.file(name, { generation: Number(resource.generation) })
    try {
      return { head, body: await openDownload(file, start, end, head.size, key, options.signal, context.bodyTimeoutMs) }
    } catch (error) {
      if (!(isNotFound(error) || isVolumeError(error, 'ENOENT'))) throw error
      if (attempt >= READ_ATTEMPTS) {
        // The object exists but each generation we saw was replaced before its download began:
        // a retry may cure that; "no such file" would be wrong.
        throw new VolumeError('EAGAIN', { op, path: key, reason: 'ConcurrentWrite', temporary: true, cause: error, detail: `the object was replaced during each of ${attempt} reads` })
      }
    }
  }
}

/** Validates a range against the size: a start past the end is EINVAL (`RangeNotSatisfiable`), an end past it is clamped. */
function clampRange(size: number, range: BlobGetOptions['range'], key: string): { start: number; end: number } {
  const start = range?.start ?? 0
  const end = Math.min(range?.end ?? size, size)
  if (!Number.isInteger(start) || start < 0 || start > size || (start === size && start > 0) || end < start) {
    throw new VolumeError('EINVAL', { op: 'get', path: key, reason: 'RangeNotSatisfiable', detail: `range ${start}-${range?.end ?? ''} not satisfiable for ${size} bytes` })
  }
  return { start, end }
}

/**
 * Starts the download and waits for its response, so that a missing generation rejects here
 * rather than in the middle of the caller's read. Stream errors become VolumeErrors.
 */
async function openDownload(file: File, start: number, end: number, size: number, key: string, signal: AbortSignal | undefined, bodyTimeoutMs: number): Promise<Readable> {
  throwIfAborted(signal, 'get', key)
  const whole = start === 0 && end === size
  const source = file.createReadStream({ decompress: false, ...(whole ? {} : { start, end: end - 1, validation: false }) })
  const body = new PassThrough()
  const onAbort = (): void => {
    source.destroy()
    body.destroy(new VolumeError('ECANCELED', { op: 'get', path: key, cause: signal?.reason }))
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  const cleanup = (): void => signal?.removeEventListener('abort', onAbort)
  body.once('close', cleanup)
  let opened = false
  await new Promise<void>((resolve, reject) => {
    // 'response' also fires for error statuses; their error follows on the stream.
    source.once('response', (response: { statusCode?: number; status?: number }) => {
      const status = response.statusCode ?? response.status ?? 200
      if (status >= 200 && status < 300) {
        opened = true
        resolve()
      }
    })
    source.on('error', (error: unknown) => {
      const mapped = toVolumeError(error, 'get', key)
      // Before the body is handed out nobody listens on it: the error goes to the caller instead.
      if (opened) body.destroy(mapped)
      else {
        body.destroy()
        reject(mapped)
      }
    })
    pipeGuarded(source, body, end - start, bodyTimeoutMs, key)
  }).catch((error: unknown) => {
    cleanup()
    source.destroy()
    throw error
  })
  body.once('close', () => {
    if (!source.destroyed) source.destroy()
  })
  return body
}
