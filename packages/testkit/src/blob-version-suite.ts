import { describe, expect, it } from 'vitest'
import { collectBytes, isTemporaryError, type BlobHead, type BlobStore, type ByteRange } from '@volumes/core'

const SMALL = new Uint8Array(10).fill(0x61)
const BIG = new Uint8Array(400_000).fill(0x62)

/**
 * `get` (whole and ranged) returns one version: its bytes with that version's head, while a
 * writer alternates the object between 10 B and 400 kB (issue 9, defect 8). Run it with a
 * factory giving a BlobStore (a fresh one, or a fresh prefix of one).
 */
export function runBlobVersionTests(factory: () => Promise<BlobStore> | BlobStore, rounds = 40): void {
  describe('get returns one version (bytes and head)', () => {
    it(`${rounds} ranged and whole reads beside a writer alternating 10 B and 400 kB`, async () => {
      const store = await factory()
      const key = `versions-${Date.now().toString(36)}/alt`
      await store.put(key, SMALL)
      let stop = false
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          await store.put(key, i % 2 === 0 ? BIG : SMALL)
          await new Promise((resolve) => setImmediate(resolve))
        }
      })()
      const ranges = [undefined, { start: 0, end: 10 }, { start: 5 }, { start: 3, end: 200_000 }, { start: 9, end: 10 }]
      try {
        for (let i = 0; i < rounds; i++) {
          const range = ranges[i % ranges.length]
          // A store may refuse a read while the object keeps changing (temporary, e.g. GCS's EAGAIN
          // ConcurrentWrite after five replaced generations); what it must never do is mix versions.
          const { head, bytes } = await readRetryingTemporary(store, key, range)
          const letter = head.size === SMALL.byteLength ? 0x61 : 0x62
          expect([SMALL.byteLength, BIG.byteLength]).toContain(head.size)
          const start = range?.start ?? 0
          const end = Math.min(range?.end ?? head.size, head.size)
          expect(bytes.byteLength, `get ${JSON.stringify(range)} of a ${head.size}-byte version`).toBe(end - start)
          expect(bytes.every((byte) => byte === letter), 'the bytes are of the version the head describes').toBe(true)
        }
      } finally {
        stop = true
        await writer
      }
    })
  })
}

async function readRetryingTemporary(store: BlobStore, key: string, range: ByteRange | undefined): Promise<{ head: BlobHead; bytes: Uint8Array }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { head, body } = await store.get(key, range ? { range } : {})
      return { head, bytes: await collectBytes(body) }
    } catch (error) {
      if (!isTemporaryError(error) || attempt >= 20) throw error
    }
  }
}
