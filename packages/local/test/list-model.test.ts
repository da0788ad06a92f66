import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryBlobStore, type BlobListPage, type BlobStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { freshRoot, text } from './helpers.js'

// Names chosen to sort awkwardly against '/' (0x2f): '-' and '.' sort before it, '0' and letters after.
const segment = fc.constantFrom('a', 'b', 'a-b', 'a.b', 'a0', 'ab', 'A', 'é', 'z', '漢')
const keyArb = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([parts, marker]) => `${parts.join('/')}${marker ? '/' : ''}`)

/** Drops keys that a file system cannot hold together: a file `x` beside any key under `x/`. */
function consistent(keys: string[]): string[] {
  const chosen: string[] = []
  for (const key of new Set(keys)) {
    const clashes = (a: string, b: string): boolean => !a.endsWith('/') && b.startsWith(`${a}/`)
    if (!chosen.some((other) => clashes(key, other) || clashes(other, key))) chosen.push(key)
  }
  return chosen
}

const summary = (page: BlobListPage): unknown => ({ objects: page.objects.map((o) => [o.key, o.size]), prefixes: page.prefixes, cursor: page.cursor })

async function pages(store: BlobStore, prefix: string, delimiter: '/' | undefined, limit: number): Promise<unknown[]> {
  const out: unknown[] = []
  let cursor: string | undefined
  do {
    const page = await store.list(prefix, { delimiter, limit, cursor })
    out.push(summary(page))
    cursor = page.cursor
  } while (cursor !== undefined && out.length < 200)
  return out
}

describe('LocalBlobStore list matches the in-memory reference', () => {
  it('for random trees, prefixes, delimiters, limits and cursors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(keyArb, { minLength: 1, maxLength: 25 }).map(consistent),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.option(keyArb.chain((k) => fc.constantFrom(k, `${k}~`, k.slice(0, -1))), { nil: undefined })), { minLength: 1, maxLength: 6 }),
        async (keys, queries) => {
          const local = new LocalBlobStore({ root: freshRoot(), fsync: false })
          const memory = new MemoryBlobStore()
          for (const key of keys) {
            await local.put(key, text(key))
            await memory.put(key, text(key))
          }
          for (const [which, cut, grouped, limit, cursor] of queries) {
            const source = keys[which % keys.length]!
            const prefix = source.slice(0, cut % (source.length + 1))
            const delimiter = grouped ? '/' as const : undefined
            expect(await pages(local, prefix, delimiter, limit)).toEqual(await pages(memory, prefix, delimiter, limit))
            if (cursor !== undefined) {
              expect(summary(await local.list(prefix, { delimiter, limit, cursor }))).toEqual(summary(await memory.list(prefix, { delimiter, limit, cursor })))
            }
          }
        },
      ),
      { numRuns: 60 },
    )
  }, 120_000)
})
