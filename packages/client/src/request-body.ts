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

/** What this module knows of each streamed body it made: how to stop it, and whether its source failed. */
interface StreamedBody {
  stop(reason: unknown): void
  failure: { error: unknown } | undefined
}
const streamed = new WeakMap<object, StreamedBody>()

/**
 * Stops a streamed request body that `fetch` is still sending: the stream errors (so
 * fetch drops the request) and its source is ended (a Node stream is destroyed).
 * Needed when the server answers before reading the body: fetch would send it all anyway.
 * Does nothing for other bodies.
 */
export function stopRequestBody(body: unknown, reason: unknown): void {
  if (typeof body === 'object' && body !== null) streamed.get(body)?.stop(reason)
}

/** The error of a streamed body's own source (a failing file read...), when that is why the request failed. */
export function requestBodyFailure(body: unknown): { error: unknown } | undefined {
  return typeof body === 'object' && body !== null ? streamed.get(body)?.failure : undefined
}

/** A byte stream pulling from `source` on demand; cancelling or stopping it ends the source. */
function streamOf(source: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  let ended = false
  const end = async (reason: unknown): Promise<void> => {
    if (ended) return
    ended = true
    await iterator.return?.(reason)
  }
  let control: ReadableStreamDefaultController<Uint8Array> | undefined
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        control = controller
      },
      async pull(controller) {
        for (;;) {
          let next: IteratorResult<unknown>
          let bytes: Uint8Array
          try {
            next = await iterator.next()
            if (ended) return
            if (next.done) {
              ended = true
              return controller.close()
            }
            bytes = toBytes(next.value)
          } catch (error) {
            state.failure = { error }
            ended = true
            throw error
          }
          if (bytes.byteLength > 0) return controller.enqueue(bytes)
        }
      },
      cancel: end,
    },
    { highWaterMark: 0 },
  )
  const state: StreamedBody = {
    failure: undefined,
    stop(reason) {
      if (!ended) control?.error(reason)
      end(reason).catch(() => undefined)
    },
  }
  streamed.set(stream, state)
  return stream
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
