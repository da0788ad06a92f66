import pLimit, { type LimitFunction } from 'p-limit'
import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'
import { forwardTo } from './layer.js'

/** A limit on requests in flight; share one between stores to share the limit. */
export type ConcurrencyLimiter = LimitFunction

/** A limiter allowing `concurrency` requests at once. */
export function createLimiter(concurrency: number): ConcurrencyLimiter {
  return pLimit(concurrency)
}

/**
 * Caps the requests in flight to the inner store. Pass a number for a limit of
 * this store's own, or one limiter to several stores to cap them together.
 * A `get` holds its slot until the response starts, not while its body streams,
 * so a slow reader cannot starve the others.
 */
export function withConcurrencyLimit(inner: BlobStore, limit: number | ConcurrencyLimiter): BlobStore {
  const limiter = typeof limit === 'number' ? createLimiter(limit) : limit
  return forwardTo(inner, {
    head: (key, o) => limiter(() => inner.head(key, o)),
    get: (key, o) => limiter(() => inner.get(key, o)),
    put: (key, body, o) => limiter(() => inner.put(key, body, o)),
    list: (prefix, o) => limiter(() => inner.list(prefix, o)),
    delete: (keys, o) => limiter(() => inner.delete(keys, o)),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => limiter(() => inner.deleteIfMatch!(key, version, o)) } : {}),
    copy: (from, to, o) => limiter(() => inner.copy(from, to, o)),
    setMetadata: (key, metadata, o) => limiter(() => inner.setMetadata(key, metadata, o)),
  })
}
