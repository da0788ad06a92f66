import { expect } from 'vitest'

/** Asserts that `promise` rejects with an instance of `type` (an SDK error class) and returns the error. */
export async function sdkRejection<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, message?: string | RegExp): Promise<E> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error, `expected ${type.name}, got ${error === undefined ? 'success' : String(error)}`).toBeInstanceOf(type)
  if (message !== undefined) expect((error as Error).message).toMatch(message)
  return error as E
}

/** A unique suffix for volume names. */
export const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
