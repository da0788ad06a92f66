import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'
import { isTemporaryError } from '../errors/volume-error.js'
import { sleep } from '../util/abort.js'
import { forwardTo } from './layer.js'

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  readonly attempts?: number
  /** First backoff; each next one doubles, with full jitter. Default 100 ms. */
  readonly baseDelayMs?: number
  /** Longest backoff. Default 5 s. */
  readonly maxDelayMs?: number
  /** Called before each retry, e.g. to log or count. */
  readonly onRetry?: (info: { op: string; attempt: number; delayMs: number; error: unknown }) => void
}

/**
 * Retries calls that failed with a temporary error (marked so by the adapter:
 * throttling, 5xx, resets), with jittered exponential backoff; gives up with the
 * last error. Permanent errors pass through at once.
 *
 * A `put` whose body is a stream is not retried (the stream is spent); buffer
 * small bodies or retry at a higher level with a fresh stream.
 */
export function withRetry(inner: BlobStore, options: RetryOptions = {}): BlobStore {
  const attempts = options.attempts ?? 4
  const base = options.baseDelayMs ?? 100
  const max = options.maxDelayMs ?? 5000
  const run = async <T>(op: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (attempt >= attempts || !isTemporaryError(error) || signal?.aborted) throw error
        const delayMs = Math.round(Math.random() * Math.min(max, base * 2 ** (attempt - 1)))
        options.onRetry?.({ op, attempt, delayMs, error })
        await sleep(delayMs, signal)
      }
    }
  }
  return forwardTo(inner, {
    head: (key, o) => run('head', o?.signal, () => inner.head(key, o)),
    get: (key, o) => run('get', o?.signal, () => inner.get(key, o)),
    put: (key, body, o) => (body instanceof Uint8Array ? run('put', o?.signal, () => inner.put(key, body, o)) : inner.put(key, body, o)),
    list: (prefix, o) => run('list', o?.signal, () => inner.list(prefix, o)),
    delete: (keys, o) => run('delete', o?.signal, () => inner.delete(keys, o)),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => run('delete', o?.signal, () => inner.deleteIfMatch!(key, version, o)) } : {}),
    copy: (from, to, o) => run('copy', o?.signal, () => inner.copy(from, to, o)),
    setMetadata: (key, metadata, o) => run('setMetadata', o?.signal, () => inner.setMetadata(key, metadata, o)),
  })
}
