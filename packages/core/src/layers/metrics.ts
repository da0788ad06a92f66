import { channel } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'
import { isVolumeError } from '../errors/volume-error.js'
import { forwardTo } from './layer.js'

/** The diagnostics channel every metrics layer publishes to. */
export const BLOB_METRICS_CHANNEL = 'volumes:blob'

/** One finished BlobStore call, as published on {@link BLOB_METRICS_CHANNEL}. */
export interface BlobCallEvent {
  /** The store's label, to tell several stores apart. */
  readonly store: string
  readonly op: 'head' | 'get' | 'put' | 'list' | 'delete' | 'copy' | 'setMetadata'
  readonly key: string
  readonly durationMs: number
  /** Bytes in (put, known length) or out (get: the object's or range's size). */
  readonly bytes?: number | undefined
  /** The error code when the call failed. */
  readonly errorCode?: string | undefined
}

/**
 * Publishes one {@link BlobCallEvent} per call on a `node:diagnostics_channel`
 * channel: zero cost while nobody subscribes. Subscribe with
 * `diagnostics_channel.subscribe('volumes:blob', (event) => ...)`.
 */
export function withMetrics(inner: BlobStore, options: { label?: string } = {}): BlobStore {
  const events = channel(BLOB_METRICS_CHANNEL)
  const store = options.label ?? 'default'
  const measure = async <T>(op: BlobCallEvent['op'], key: string, call: () => Promise<T>, bytesOf: (result: T) => number | undefined): Promise<T> => {
    if (!events.hasSubscribers) return call()
    const started = performance.now()
    try {
      const result = await call()
      events.publish({ store, op, key, durationMs: performance.now() - started, bytes: bytesOf(result) } satisfies BlobCallEvent)
      return result
    } catch (error) {
      events.publish({ store, op, key, durationMs: performance.now() - started, errorCode: isVolumeError(error) ? error.code : 'UNKNOWN' } satisfies BlobCallEvent)
      throw error
    }
  }
  const none = (): undefined => undefined
  return forwardTo(inner, {
    head: (key, o) => measure('head', key, () => inner.head(key, o), none),
    get: (key, o) => measure('get', key, () => inner.get(key, o), (r) => (o?.range ? Math.max(0, Math.min(o.range.end ?? r.head.size, r.head.size) - o.range.start) : r.head.size)),
    put: (key, body, o) => measure('put', key, () => inner.put(key, body, o), (r) => r.size),
    list: (prefix, o) => measure('list', prefix, () => inner.list(prefix, o), none),
    delete: (keys, o) => measure('delete', keys[0] ?? '', () => inner.delete(keys, o), none),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => measure('delete', key, () => inner.deleteIfMatch!(key, version, o), none) } : {}),
    copy: (from, to, o) => measure('copy', to, () => inner.copy(from, to, o), (r) => r.size),
    setMetadata: (key, metadata, o) => measure('setMetadata', key, () => inner.setMetadata(key, metadata, o), none),
  })
}
