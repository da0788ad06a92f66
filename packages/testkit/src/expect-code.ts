import { expect } from 'vitest'
import { isVolumeError } from '@volumes/core'

/** Asserts that a promise rejects with a VolumeError of `code` (and returns the error). */
export async function expectVolumeError(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), `expected VolumeError ${code}, got ${error === undefined ? 'success' : String(error)}`).toBe(true)
  expect((error as { code: string }).code, (error as Error).message).toBe(code)
  return error as Error
}
