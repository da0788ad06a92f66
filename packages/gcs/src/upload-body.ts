import type { BlobBody } from '@volumes/core'

/** A body ready to upload: whole bytes (one request) or a stream (a resumable upload). */
export type PreparedBody =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'stream'; readonly chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> }

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * Decides how to upload a body. Bytes of at most `maxSingleBytes` go in one request. A
 * stream is read ahead up to `maxSingleBytes` (not at all when `contentLength` says it is
 * longer): if it ends by then it goes in one request too, otherwise the bytes read ahead
 * and the rest of the stream go up resumably. Nothing is sent before the decision, so a
 * stream that fails early writes nothing.
 */
export async function prepareBody(body: BlobBody, maxSingleBytes: number, contentLength?: number): Promise<PreparedBody> {
  if (body instanceof Uint8Array) {
    return body.byteLength <= maxSingleBytes ? { kind: 'bytes', bytes: asBuffer(body) } : { kind: 'stream', chunks: [body] }
  }
  if (contentLength !== undefined && contentLength > maxSingleBytes) return { kind: 'stream', chunks: body }
  const iterator = body[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let length = 0
  for (;;) {
    const next = await iterator.next()
    if (next.done) return { kind: 'bytes', bytes: head.length === 1 ? head[0]! : Buffer.concat(head, length) }
    const chunk = asBuffer(next.value)
    head.push(chunk)
    length += chunk.byteLength
    if (length > maxSingleBytes) return { kind: 'stream', chunks: resume(head, iterator) }
  }
}

async function* resume(head: readonly Buffer[], iterator: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* head
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  } finally {
    await iterator.return?.()
  }
}
