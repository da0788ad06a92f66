import { forwardTo, type BlobStore, type Volume } from '@volumes/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerBackend } from '../backends.js'
import { makeFixture, type Fixture } from '../helpers.js'

const SMALL = new Uint8Array(10).fill(0x61) // 'a'
const BIG = new Uint8Array(400_000).fill(0x62) // 'b'

/** A BlobStore that runs `hook` (once) right before the next `get` of a key ending in `suffix`. */
function beforeNextGet(inner: BlobStore): { store: BlobStore; arm(suffix: string, hook: () => Promise<unknown>): void } {
  let armed: { suffix: string; hook: () => Promise<unknown> } | undefined
  const store = forwardTo(inner, {
    async get(key, options) {
      const now = armed
      if (now && key.endsWith(now.suffix)) {
        armed = undefined
        await now.hook()
      }
      return inner.get(key, options)
    },
  })
  return { store, arm: (suffix, hook) => (armed = { suffix, hook }) }
}

/** What a file response says and carries, checked to describe one version. */
async function readConsistent(response: Response): Promise<{ status: number; letter: string; etag: string | null; body: Uint8Array }> {
  const body = new Uint8Array(await response.arrayBuffer())
  expect([200, 206], `status ${response.status}: ${response.status >= 400 ? new TextDecoder().decode(body) : ''}`).toContain(response.status)
  expect(Number(response.headers.get('content-length')), 'Content-Length is the body length').toBe(body.byteLength)
  expect(body.byteLength).toBeGreaterThan(0)
  const letter = String.fromCharCode(body[0]!)
  expect(body.every((byte) => byte === body[0]), 'bytes of one version').toBe(true)
  const size = letter === 'a' ? SMALL.byteLength : BIG.byteLength
  const range = response.headers.get('content-range')
  if (response.status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range ?? '')
    expect(match, `Content-Range '${range}'`).not.toBeNull()
    expect(Number(match![3]), 'Content-Range total is the size of the version whose bytes were sent').toBe(size)
    expect(Number(match![2]) - Number(match![1]) + 1).toBe(body.byteLength)
  } else {
    expect(body.byteLength, 'a 200 carries the whole version').toBe(size)
  }
  return { status: response.status, letter, etag: response.headers.get('etag'), body }
}

/** Defect 8: ranged GETs serve headers and bytes of one pinned version; ETag, If-Match, If-Range. */
export function rangedReadCases(backend: ServerBackend): void {
  describe('ranged reads pin one version (issue 9, defect 8)', () => {
    let f: Fixture
    let gets: ReturnType<typeof beforeNextGet>
    let volume: Volume
    beforeAll(async () => {
      const inner = await backend.make()
      f = await makeFixture({ blobs: inner, wrap: (blobs) => (gets = beforeNextGet(blobs)).store })
      expect((await f.json('POST', '/volumes', { name: 'ranges' })).status).toBe(201)
      volume = await f.store.connect('ranges')
    })
    afterAll(() => f.cleanup())

    it('a file replaced between the server\'s lookups is served as the one version it read', async () => {
      const cases: [string | undefined, Uint8Array, Uint8Array][] = [
        ['bytes=0-9', SMALL, BIG], ['bytes=5-', SMALL, BIG], ['bytes=-4', SMALL, BIG], ['bytes=2-3', BIG, SMALL],
        ['bytes=-20', BIG, SMALL], ['bytes=0-', BIG, SMALL], [undefined, SMALL, BIG], [undefined, BIG, SMALL],
      ]
      for (const [range, before, after] of cases) {
        await volume.writeFile('/f', before)
        gets.arm('/f', () => volume.writeFile('/f', after))
        const response = await f.call('GET', '/volumes/ranges/files/f', { headers: range === undefined ? {} : { range } })
        const served = await readConsistent(response)
        expect(served.letter, `${range}: the version current when the bytes were read`).toBe(after === SMALL ? 'a' : 'b')
        const head = await f.call('HEAD', '/volumes/ranges/files/f')
        expect(served.etag, 'the ETag of the version served').toBe(head.headers.get('etag'))
      }
    })

    it('ranged reads beside a writer alternating 10 B and 400 kB never mix versions or end short', async () => {
      await volume.writeFile('/alt', SMALL)
      let stop = false
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          await volume.writeFile('/alt', i % 2 === 0 ? BIG : SMALL)
          // On the memory store a write never leaves the microtask queue: let the readers in.
          await new Promise((resolve) => setImmediate(resolve))
        }
      })()
      const ranges = ['bytes=0-9', 'bytes=5-', 'bytes=-3', 'bytes=3-200000', 'bytes=0-']
      const letters = new Set<string>()
      try {
        for (let i = 0; i < 40; i++) {
          const response = await f.call('GET', '/volumes/ranges/files/alt', { headers: { range: ranges[i % ranges.length]! } })
          if (response.status === 416) {
            await response.body?.cancel()
            continue
          }
          if (response.status === 503) {
            // A suffix range needs the size first; a file that changes size on every look is refused, retryably (documented).
            expect(((await response.json()) as { error: { temporary: boolean } }).error.temporary).toBe(true)
            continue
          }
          letters.add((await readConsistent(response)).letter)
        }
      } finally {
        stop = true
        await writer
      }
      expect(letters.size).toBeGreaterThan(0)
    })

    it('sends an ETag that changes with the file; If-Match is 412 for another version, If-Range sends the whole current file', async () => {
      await volume.writeFile('/e', 'first version')
      const first = await f.call('GET', '/volumes/ranges/files/e')
      const etag = first.headers.get('etag')!
      expect(await first.text()).toBe('first version')
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
      expect((await f.call('HEAD', '/volumes/ranges/files/e')).headers.get('etag')).toBe(etag)
      const matched = await f.call('GET', '/volumes/ranges/files/e', { headers: { range: 'bytes=6-', 'if-match': etag } })
      expect([matched.status, await matched.text()]).toEqual([206, 'version'])
      const ranged = await f.call('GET', '/volumes/ranges/files/e', { headers: { range: 'bytes=0-4', 'if-range': etag } })
      expect([ranged.status, await ranged.text()]).toEqual([206, 'first'])

      await volume.writeFile('/e', 'second version')
      const stale = await f.call('GET', '/volumes/ranges/files/e', { headers: { range: 'bytes=6-', 'if-match': etag } })
      expect(stale.status).toBe(412)
      const fresh = stale.headers.get('etag')!
      expect(fresh).not.toBe(etag)
      expect(await stale.json()).toMatchObject({ error: { code: 'EPRECONDITION', reason: 'VersionMismatch', path: '/e' } })
      const whole = await f.call('GET', '/volumes/ranges/files/e', { headers: { range: 'bytes=0-4', 'if-range': etag } })
      expect([whole.status, whole.headers.get('etag'), await whole.text()]).toEqual([200, fresh, 'second version'])
      const listed = await f.call('GET', '/volumes/ranges/files/e', { headers: { 'if-match': `"nope", ${fresh}` } })
      expect([listed.status, await listed.text()]).toEqual([200, 'second version'])
      const any = await f.call('GET', '/volumes/ranges/files/e', { headers: { 'if-match': '*' } })
      expect(any.status).toBe(200)
      await any.body?.cancel()
      const weak = await f.call('GET', '/volumes/ranges/files/e', { headers: { 'if-match': `W/${fresh}` } })
      expect(weak.status).toBe(412)
      await weak.body?.cancel()
    })

    it('keeps 416 with the size for a range past the end, and HEAD answers with the headers only', async () => {
      await volume.writeFile('/s', 'tiny')
      const past = await f.call('GET', '/volumes/ranges/files/s', { headers: { range: 'bytes=10-' } })
      expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */4'])
      await past.body?.cancel()
      const head = await f.call('HEAD', '/volumes/ranges/files/s', { headers: { range: 'bytes=1-2' } })
      expect([head.status, head.headers.get('content-range'), head.headers.get('content-length'), await head.text()]).toEqual([206, 'bytes 1-2/4', '2', ''])
    })
  })
}
