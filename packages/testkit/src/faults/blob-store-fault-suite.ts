import { afterEach, describe, expect, it } from 'vitest'
import { collectBytes, forwardTo, isVolumeError, withRetry, type BlobStore, type VolumeError } from '@volumes/core'
import type { FaultProxy } from './toxiproxy.js'

/** What one fault test works with: a store talking through a fresh proxy, and one talking to the server directly. */
export interface BlobFaultContext {
  readonly proxy: FaultProxy
  /** The adapter under test, its endpoint the proxy, its request and body timeouts `timeoutMs` (see {@link runBlobStoreFaultSuite}). */
  readonly store: BlobStore
  /** The same keys, straight to the server: to see what really landed. */
  readonly direct: BlobStore
  /** Closes both stores' sockets. */
  close(): Promise<void> | void
}

const KiB = 1024
const pattern = (bytes: number, seed: number): Uint8Array => Uint8Array.from({ length: bytes }, (_, i) => (i * 31 + seed) % 251)
const settle = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

function expectTemporary(error: unknown, code?: VolumeError['code']): void {
  expect(isVolumeError(error), `expected a VolumeError, got ${String(error)}`).toBe(true)
  if (code) expect((error as VolumeError).code, String(error)).toBe(code)
  expect((error as VolumeError).temporary, String(error)).toBe(true)
}

/**
 * `withRetry` around `store`, where `cure` (clearing the fault) runs before the first retry
 * (no timing involved: the retry waits for it), and retries are counted.
 */
function retryAfter(store: BlobStore, cure: () => Promise<void>): { store: BlobStore; retries: () => number } {
  let cleared: Promise<void> = Promise.resolve()
  let retries = 0
  const gated = (<A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    await cleared
    return call(...args)
  })
  const gate = forwardTo(store, { head: gated(store.head.bind(store)), get: gated(store.get.bind(store)), put: gated(store.put.bind(store)) })
  const retrying = withRetry(gate, {
    attempts: 3,
    baseDelayMs: 1,
    onRetry: () => {
      retries++
      cleared = cure()
    },
  })
  return { store: retrying, retries: () => retries }
}

/**
 * The fault suite of a BlobStore adapter: the proxy (toxiproxy on loopback) delays, throttles,
 * cuts, resets and silences the connections to a real server, and every operation ends in a
 * typed, temporary VolumeError or a completed retry — never a hang, a short read taken for a
 * whole one, or a partial object.
 *
 * `setup` makes a fresh proxy and stores for each test, the proxied store with request and body
 * timeouts of `timeoutMs`: short (2 s) where the test waits for silence to end in ETIMEDOUT,
 * generous (15 s) elsewhere, so a loaded machine does not turn a slow answer into a failure.
 */
export function runBlobStoreFaultSuite(name: string, setup: (options: { timeoutMs: number }) => Promise<BlobFaultContext>): void {
  describe(`BlobStore faults: ${name}`, () => {
    let context: BlobFaultContext | undefined
    const fresh = async (timeoutMs = 15_000): Promise<BlobFaultContext> => (context = await setup({ timeoutMs }))
    afterEach(async () => {
      await context?.close()
      context = undefined
    })

    it('latency both ways: writes and reads complete intact', async () => {
      const { proxy, store, direct } = await fresh()
      await proxy.add({ kind: 'latency', ms: 50, direction: 'downstream' })
      await proxy.add({ kind: 'latency', ms: 50, direction: 'upstream' })
      const data = pattern(300 * KiB, 1)
      expect((await store.put('slow/a', data)).size).toBe(data.byteLength)
      expect(same(await collectBytes((await store.get('slow/a')).body), data)).toBe(true)
      expect((await direct.head('slow/a'))?.size).toBe(data.byteLength)
    })

    it('a bandwidth limit both ways: a 1 MiB write and read complete intact', async () => {
      const { proxy, store, direct } = await fresh()
      await proxy.add({ kind: 'bandwidth', kbPerSecond: 2048, direction: 'upstream' })
      await proxy.add({ kind: 'bandwidth', kbPerSecond: 2048, direction: 'downstream' })
      const data = pattern(1024 * KiB, 2)
      await store.put('thin/a', data)
      expect(same(await collectBytes((await direct.get('thin/a')).body), data)).toBe(true)
      expect(same(await collectBytes((await store.get('thin/a')).body), data)).toBe(true)
    })

    it('a read cut mid-body fails with a temporary error, never a short body; read again, it is whole', async () => {
      const { proxy, store, direct } = await fresh()
      const data = pattern(1024 * KiB, 3)
      await direct.put('cut/a', data)
      await proxy.add({ kind: 'cut', bytes: 200 * KiB })
      const error = await settle(store.get('cut/a').then(({ body }) => collectBytes(body)))
      expectTemporary(error)
      await proxy.clear()
      expect(same(await collectBytes((await store.get('cut/a')).body), data)).toBe(true)
    })

    it('a write cut mid-body fails with a temporary error and leaves no object; one retry completes it', async () => {
      const { proxy, store, direct } = await fresh()
      const data = pattern(1024 * KiB, 4)
      await proxy.add({ kind: 'cut', bytes: 300 * KiB, direction: 'upstream' })
      expectTemporary(await settle(store.put('cutw/a', data)))
      expect(await direct.head('cutw/a')).toBeUndefined()

      const retrying = retryAfter(store, () => proxy.clear())
      await proxy.add({ kind: 'cut', bytes: 300 * KiB, direction: 'upstream' })
      expect((await retrying.store.put('cutw/a', data)).size).toBe(data.byteLength)
      expect(retrying.retries()).toBe(1)
      expect(same(await collectBytes((await direct.get('cutw/a')).body), data)).toBe(true)
    })

    it('connections reset: a temporary error; one retry completes', async () => {
      const { proxy, store, direct } = await fresh()
      await direct.put('reset/a', pattern(10 * KiB, 5))
      await proxy.add({ kind: 'reset', afterMs: 0 })
      expectTemporary(await settle(store.head('reset/a')))
      const retrying = retryAfter(store, () => proxy.clear())
      await proxy.add({ kind: 'reset', afterMs: 0 })
      expect((await retrying.store.head('reset/a'))?.size).toBe(10 * KiB)
      expect(retrying.retries()).toBe(1)
    })

    it('a server that stops answering: requests end in ETIMEDOUT, and a write leaves no object', async () => {
      const { proxy, store, direct } = await fresh(2_000)
      await direct.put('silent/a', pattern(10 * KiB, 6))
      await proxy.add({ kind: 'silence' })
      expectTemporary(await settle(store.head('silent/a')), 'ETIMEDOUT')
      // Silent both ways for the write: with only the answers lost, the object could land unseen.
      await proxy.add({ kind: 'silence', direction: 'upstream' })
      expectTemporary(await settle(store.put('silent/b', pattern(64 * KiB, 7))), 'ETIMEDOUT')
      await proxy.clear()
      expect(await direct.head('silent/b')).toBeUndefined()
    })

    it('a body that stops mid-way: the read ends in ETIMEDOUT', async () => {
      const { proxy, store, direct } = await fresh(2_000)
      const data = pattern(4096 * KiB, 8)
      await direct.put('stall/a', data)
      await proxy.add({ kind: 'bandwidth', kbPerSecond: 512 })
      const { body } = await store.get('stall/a')
      const reading = settle(collectBytes(body))
      await proxy.add({ kind: 'silence' })
      expectTemporary(await reading, 'ETIMEDOUT')
    })

    it('the server gone (connections refused): a temporary error and no object; one retry completes once it is back', async () => {
      const { proxy, store, direct } = await fresh()
      const data = pattern(64 * KiB, 9)
      await proxy.disable()
      expectTemporary(await settle(store.put('gone/a', data)))
      expect(await direct.head('gone/a')).toBeUndefined()
      const retrying = retryAfter(store, () => proxy.enable())
      expect((await retrying.store.put('gone/a', data)).size).toBe(data.byteLength)
      expect(retrying.retries()).toBe(1)
      expect(same(await collectBytes((await direct.get('gone/a')).body), data)).toBe(true)
    })
  })
}
