import { collectBytes, VolumeError } from '@volumes/core'
import { errorFromFailure, type FailedRequest } from './response-error.js'

/** Which bytes of a response body the caller wants (used when a server ignored a Range header). */
export interface BodySlice {
  /** Bytes to drop from the front. */
  readonly skip: number
  /** Bytes to keep after that; undefined: all. */
  readonly take: number | undefined
}

/**
 * The response body as a web stream read on demand, never buffered: a failure
 * mid-body (connection reset, abort) surfaces as a `VolumeError` (EIO, ECANCELED),
 * and cancelling the stream cancels the response. With `slice`, only those bytes.
 */
export function responseStream(response: Response, request: FailedRequest, signal: AbortSignal | undefined, slice?: BodySlice): ReadableStream<Uint8Array> {
  if (!response.body) return new ReadableStream({ start: (controller) => controller.close() })
  const reader = response.body.getReader()
  let skip = slice?.skip ?? 0
  let left = slice?.take ?? Number.POSITIVE_INFINITY
  const finish = async (): Promise<void> => {
    await reader.cancel().catch(() => undefined)
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (left <= 0) {
            await finish()
            return controller.close()
          }
          let next: ReadableStreamReadResult<Uint8Array>
          try {
            next = await reader.read()
          } catch (error) {
            return controller.error(errorFromFailure(error, request, signal))
          }
          if (next.done) return controller.close()
          let chunk = next.value
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.byteLength)
            skip -= dropped
            chunk = chunk.subarray(dropped)
          }
          if (chunk.byteLength > left) chunk = chunk.subarray(0, left)
          left -= chunk.byteLength
          if (chunk.byteLength > 0) return controller.enqueue(chunk)
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => undefined)
      },
    },
    { highWaterMark: 0 },
  )
}

/** Reads a whole stream into one buffer: only for formats the caller asked to have in memory. */
export async function collectStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return collectBytes(stream as unknown as AsyncIterable<Uint8Array>)
}

/** Parses `Content-Range: bytes a-b/n` into its start, or undefined. */
export function contentRangeStart(response: Response, op: string, path: string): number | undefined {
  const header = response.headers.get('content-range')
  if (header === null) return undefined
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim())
  if (!match) throw new VolumeError('EIO', { op, path, reason: 'BadResponse', detail: `unreadable Content-Range '${header}'` })
  return Number(match[1])
}
