import type { WriteData } from '@volumes/core'

const encoder = new TextEncoder()

/**
 * Turns any data `writeFile` accepts into a `fetch` body without reading a stream
 * into memory: strings, bytes and Blobs go as they are (with a Content-Length);
 * web streams, Node streams and async iterables become a pull-based web stream that
 * reads the source one chunk at a time as the socket takes it.
 */
export function requestBodyOf(data: WriteData): BodyInit {
  if (typeof data === 'string') return encoder.encode(data)
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data as BodyInit
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data
  if (isAsyncIterable(data)) return streamOf(data)
  if (isWebStream(data)) return streamOf(iterateWebStream(data))
  throw new TypeError('writeFile data must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, Readable or AsyncIterable<Uint8Array>')
}

/** A byte stream pulling from `source` on demand; cancelling it ends the source (a Node stream is destroyed). */
function streamOf(source: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const next = await iterator.next()
          if (next.done) return controller.close()
          const bytes = toBytes(next.value)
          if (bytes.byteLength > 0) return controller.enqueue(bytes)
        }
      },
      async cancel(reason) {
        await iterator.return?.(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

async function* iterateWebStream(stream: { getReader(): ReadableStreamDefaultReader<unknown> }): AsyncIterable<unknown> {
  const reader = stream.getReader()
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        finished = true
        return
      }
      yield value
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return encoder.encode(chunk)
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  throw new TypeError(`stream produced a ${typeof chunk}, expected bytes`)
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

function isWebStream(value: unknown): value is { getReader(): ReadableStreamDefaultReader<unknown> } {
  return typeof value === 'object' && value !== null && typeof (value as { getReader?: unknown }).getReader === 'function'
}
