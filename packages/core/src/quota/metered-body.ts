/**
 * Wraps a body of unknown length so that its bytes are paid for as they flow.
 *
 * The first `allowance` bytes are already paid for (the size of the file being
 * replaced). Whenever the running count passes the allowance, `grow(missing)` is
 * awaited before the chunk goes on: it reserves at least `missing` more bytes and
 * returns how many it reserved, or throws. A throw fails the stream, so the put that
 * reads it aborts and nothing is written.
 */
export async function* meteredBody(source: AsyncIterable<Uint8Array>, allowance: number, grow: (missing: number) => Promise<number>): AsyncGenerator<Uint8Array, void, undefined> {
  let count = 0
  let paid = allowance
  for await (const chunk of source) {
    count += chunk.byteLength
    if (count > paid) paid += await grow(count - paid)
    yield chunk
  }
}
