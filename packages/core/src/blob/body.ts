import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { BlobBody } from './blob-store.js'

/** Every kind of data `writeFile` accepts. */
export type WriteData =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | WebReadableStream<Uint8Array>
  | ReadableStream<Uint8Array>
  | Readable
  | AsyncIterable<Uint8Array>

/** Write data normalised to a {@link BlobBody}, with its length when it is known up front. */
export interface NormalisedBody {
  readonly body: BlobBody
  readonly contentLength: number | undefined
}

const encoder = new TextEncoder()

/** Turns any accepted write data into bytes or a byte stream, without reading a stream into memory. */
export function normaliseBody(data: WriteData): NormalisedBody {
  if (typeof data === 'string') {
    const bytes = encoder.encode(data)
    return { body: bytes, contentLength: bytes.byteLength }
  }
  if (data instanceof Uint8Array) return { body: data, contentLength: data.byteLength }
  if (data instanceof ArrayBuffer) return { body: new Uint8Array(data), contentLength: data.byteLength }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    return { body: toByteIterable(data.stream() as unknown as AsyncIterable<unknown>), contentLength: data.size }
  }
  if (isAsyncIterable(data)) return { body: toByteIterable(data), contentLength: undefined }
  if (isWebStream(data)) return { body: toByteIterable(Readable.fromWeb(data as WebReadableStream<Uint8Array>)), contentLength: undefined }
  throw new TypeError('writeFile data must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, Readable or AsyncIterable<Uint8Array>')
}

/** Reads a whole body into one buffer. Only for data the caller asked to have in memory. */
export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of source) {
    chunks.push(chunk)
    length += chunk.byteLength
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** Yields chunks as `Uint8Array`, converting strings and Buffers' views where a stream produces them. */
async function* toByteIterable(source: AsyncIterable<unknown>): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    if (chunk instanceof Uint8Array) yield chunk
    else if (typeof chunk === 'string') yield encoder.encode(chunk)
    else if (chunk instanceof ArrayBuffer) yield new Uint8Array(chunk)
    else throw new TypeError(`stream produced a ${typeof chunk}, expected bytes`)
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

function isWebStream(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { getReader?: unknown }).getReader === 'function'
}
