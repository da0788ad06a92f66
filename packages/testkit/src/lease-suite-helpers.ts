import { expect } from 'vitest'
import { isVolumeError, type Lease } from '@volumes/core'

/** Helpers of the LeaseManager conformance suite. */

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
export const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error)

/** Asserts a VolumeError with `code` (and `reason`, when given). */
export async function expectCode(promise: Promise<unknown>, code: string, reason?: string): Promise<unknown> {
  const error = await failure(promise)
  expect(isVolumeError(error), `expected a VolumeError ${code}, got ${String(error)}`).toBe(true)
  expect((error as { code: string }).code).toBe(code)
  if (reason !== undefined) expect((error as { reason?: string }).reason).toBe(reason)
  return error
}

/** Asserts the conflict error of an acquire, with its message. */
export async function expectAttached(promise: Promise<unknown>, volumeId: string): Promise<void> {
  const error = await expectCode(promise, 'EBUSY', 'VolumeAttached')
  expect((error as Error).message).toContain(`Volume "${volumeId}" is already attached`)
}

/** Waits until `check` holds, polling, for at most `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await pause(20)
  }
}

/** Resolves when the lease's signal fires. */
export const aborted = (lease: Lease): Promise<void> =>
  lease.signal.aborted ? Promise.resolve() : new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(), { once: true }))
