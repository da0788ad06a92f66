import { HttpError } from './errors.js'

/** Default longest wait for the next chunk of a request body (see `BodyLimits.bodyIdleTimeoutMs`). */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 60_000

/**
 * 408 `ETIMEDOUT` (reason `BodyIdleTimeout`): the client sent no byte of its body for `ms`.
 * Nothing of the body was written and what it had reserved of the quota is given back.
 */
export function bodyStalled(ms: number, op: string, path?: string): HttpError {
  return new HttpError('ETIMEDOUT', `no byte of the request body arrived for ${ms} ms; nothing was written`, {
    op, path, reason: 'BodyIdleTimeout', status: 408, headers: { connection: 'close' },
  })
}

/**
 * Reads the next chunk of a body, or rejects with `onIdle()` when none arrives within
 * `idleMs` (0 or less: waits as long as it takes). Only the wait for the client counts: the
 * clock runs while a read is pending, never while the caller works on a chunk. After a
 * rejection the caller must cancel the reader.
 */
export async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs: number, onIdle: () => Error): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (!(idleMs > 0)) return reader.read()
  let timer: ReturnType<typeof setTimeout> | undefined
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onIdle()), idleMs)
  })
  try {
    return await Promise.race([reader.read(), idle])
  } finally {
    clearTimeout(timer)
  }
}
