import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { collectBytes, isVolumeError, type BlobStore } from '@volumes/core'

/** A fresh, empty directory for one store. */
export const freshRoot = (): string => mkdtempSync(join(tmpdir(), 'volumes-local-'))

export const text = (value: string): Uint8Array => new TextEncoder().encode(value)

export const read = async (store: BlobStore, key: string): Promise<string> =>
  new TextDecoder().decode(await collectBytes((await store.get(key)).body))

/** Asserts that `promise` rejects with a VolumeError of `code`, and returns it. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<{ code: string; reason?: string | undefined }> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), `expected a VolumeError ${code}, got ${String(error)}`).toBe(true)
  expect((error as { code: string }).code).toBe(code)
  return error as { code: string; reason?: string }
}

/** Every key under `prefix`, following cursors. */
export async function listAll(store: BlobStore, prefix: string, options: { delimiter?: '/'; limit?: number } = {}): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | undefined
  do {
    const page = await store.list(prefix, { ...options, cursor })
    seen.push(...page.objects.map((o) => o.key), ...page.prefixes)
    cursor = page.cursor
  } while (cursor !== undefined)
  return seen
}
