import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import {
  BLOB_METRICS_CHANNEL, createLimiter, forwardTo, MemoryBlobStore, VolumeError, withConcurrencyLimit, withLayers, withMetrics, withRetry,
  type BlobCallEvent, type BlobStore,
} from '@volumes/core'
import { expectVolumeError, runBlobStoreConformance } from '@volumes/testkit'

/** Fails the first `failures` calls of `head` with the given error, then forwards. */
function failingHead(inner: BlobStore, failures: number, error: () => Error): BlobStore & { calls: number } {
  const state = { calls: 0 }
  const store = forwardTo(inner, {
    head: async (key, options) => {
      state.calls++
      if (state.calls <= failures) throw error()
      return inner.head(key, options)
    },
  })
  return Object.defineProperty(store, 'calls', { get: () => state.calls }) as BlobStore & { calls: number }
}

runBlobStoreConformance('memory behind retry + limit + metrics', () =>
  withLayers(new MemoryBlobStore(), (s) => withMetrics(s, { label: 'conformance' }), (s) => withRetry(s), (s) => withConcurrencyLimit(s, 4)))

describe('retry layer', () => {
  const temporary = (): Error => new VolumeError('EAGAIN', { op: 'head', path: 'k', temporary: true })
  it('retries temporary errors and then succeeds', async () => {
    const flaky = failingHead(new MemoryBlobStore(), 2, temporary)
    const retries: number[] = []
    const store = withRetry(flaky, { baseDelayMs: 1, onRetry: ({ attempt }) => retries.push(attempt) })
    expect(await store.head('k')).toBeUndefined()
    expect(flaky.calls).toBe(3)
    expect(retries).toEqual([1, 2])
  })
  it('gives up after the attempts with the last error', async () => {
    const flaky = failingHead(new MemoryBlobStore(), 10, temporary)
    await expectVolumeError(withRetry(flaky, { attempts: 3, baseDelayMs: 1 }).head('k'), 'EAGAIN')
    expect(flaky.calls).toBe(3)
  })
  it('does not retry permanent errors', async () => {
    const flaky = failingHead(new MemoryBlobStore(), 10, () => new VolumeError('EACCES', { op: 'head' }))
    await expectVolumeError(withRetry(flaky, { baseDelayMs: 1 }).head('k'), 'EACCES')
    expect(flaky.calls).toBe(1)
  })
})

describe('concurrency limit layer', () => {
  it('one shared limiter caps several stores together', async () => {
    let inFlight = 0
    let peak = 0
    const slow = (inner: BlobStore): BlobStore => forwardTo(inner, {
      head: async (key) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 5))
        inFlight--
        return inner.head(key)
      },
    })
    const limiter = createLimiter(3)
    const a = withConcurrencyLimit(slow(new MemoryBlobStore()), limiter)
    const b = withConcurrencyLimit(slow(new MemoryBlobStore()), limiter)
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).head(`k${i}`)))
    expect(peak).toBe(3)
  })
})

describe('metrics layer', () => {
  it('publishes one event per call with duration, bytes and error code', async () => {
    const events: BlobCallEvent[] = []
    const listener = (message: unknown): void => void events.push(message as BlobCallEvent)
    subscribe(BLOB_METRICS_CHANNEL, listener)
    try {
      const store = withMetrics(new MemoryBlobStore(), { label: 'm' })
      await store.put('a', new Uint8Array(5))
      await store.get('a').then((r) => r.body.resume())
      await expectVolumeError(store.get('missing'), 'ENOENT')
    } finally {
      unsubscribe(BLOB_METRICS_CHANNEL, listener)
    }
    const mine = events.filter((e) => e.store === 'm')
    expect(mine.map((e) => [e.op, e.bytes, e.errorCode])).toEqual([['put', 5, undefined], ['get', 5, undefined], ['get', undefined, 'ENOENT']])
    expect(mine.every((e) => e.durationMs >= 0)).toBe(true)
  })
})
