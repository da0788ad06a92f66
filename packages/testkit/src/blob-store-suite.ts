import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBytes, isVolumeError, type BlobStore } from '@volumes/core'

/** Creates a fresh, empty store (a new prefix or directory) for one suite run. */
export type BlobStoreFactory = () => Promise<BlobStore> | BlobStore

const text = (value: string): Uint8Array => new TextEncoder().encode(value)
const read = async (store: BlobStore, key: string, range?: { start: number; end?: number }): Promise<string> =>
  new TextDecoder().decode(await collectBytes((await store.get(key, range ? { range } : {})).body))
async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield text(part)
}
async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield text(part)
  throw new Error('source failed')
}
const expectCode = async (promise: Promise<unknown>, code: string): Promise<void> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), `expected a VolumeError ${code}, got ${String(error)}`).toBe(true)
  expect((error as { code: string }).code).toBe(code)
}

/**
 * The BlobStore conformance suite: the behaviour every adapter must show, written once.
 * Gated by `capabilities` only where backends legitimately differ.
 *
 * @example
 * runBlobStoreConformance('my adapter', async () => new MyBlobStore({ prefix: `t-${Date.now()}/` }))
 */
export function runBlobStoreConformance(name: string, factory: BlobStoreFactory): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let store: BlobStore
    beforeAll(async () => {
      store = await factory()
    })

    describe('head / put / get', () => {
      it('head of a missing key is undefined', async () => {
        expect(await store.head('missing/key')).toBeUndefined()
      })
      it('get of a missing key is ENOENT', async () => {
        await expectCode(store.get('missing/key'), 'ENOENT')
      })
      it('puts bytes and reads them back with metadata and content type', async () => {
        const put = await store.put('a/hello.txt', text('hello world'), { metadata: { mode: '33188', uid: '1000' }, contentType: 'text/plain' })
        expect(put.size).toBe(11)
        expect(put.version).toBeTruthy()
        const head = await store.head('a/hello.txt')
        expect(head?.size).toBe(11)
        expect(head?.metadata).toMatchObject({ mode: '33188', uid: '1000' })
        expect(head?.contentType).toBe('text/plain')
        expect(head?.lastModified).toBeInstanceOf(Date)
        expect(await read(store, 'a/hello.txt')).toBe('hello world')
      })
      it('puts a stream of unknown length', async () => {
        await store.put('a/stream.txt', chunks('one ', 'two ', 'three'))
        expect(await read(store, 'a/stream.txt')).toBe('one two three')
        expect((await store.head('a/stream.txt'))?.size).toBe(13)
      })
      it('puts a Node Readable', async () => {
        await store.put('a/readable.bin', Readable.from([Buffer.from('abc'), Buffer.from('def')]))
        expect(await read(store, 'a/readable.bin')).toBe('abcdef')
      })
      it('puts and reads an empty object', async () => {
        await store.put('a/empty', new Uint8Array())
        expect((await store.head('a/empty'))?.size).toBe(0)
        expect(await read(store, 'a/empty')).toBe('')
      })
      it('overwrites an existing key, data and metadata, with a new version', async () => {
        const first = await store.put('a/over', text('first'), { metadata: { uid: '1' } })
        const second = await store.put('a/over', text('second!'), { metadata: { gid: '2' } })
        expect(second.version).not.toBe(first.version)
        const head = await store.head('a/over')
        expect(head?.metadata?.uid).toBeUndefined()
        expect(head?.metadata?.gid).toBe('2')
        expect(await read(store, 'a/over')).toBe('second!')
      })
      it('a failing stream writes nothing and keeps the old object', async () => {
        await store.put('a/keep', text('old'))
        await expect(store.put('a/keep', failingAfter('new partial'))).rejects.toThrow()
        expect(await read(store, 'a/keep')).toBe('old')
        await expect(store.put('a/never', failingAfter('partial'))).rejects.toThrow()
        expect(await store.head('a/never')).toBeUndefined()
      })
      it('reads byte ranges, clamping an end past the size', async () => {
        await store.put('a/range', text('0123456789'))
        expect(await read(store, 'a/range', { start: 2, end: 5 })).toBe('234')
        expect(await read(store, 'a/range', { start: 7 })).toBe('789')
        expect(await read(store, 'a/range', { start: 8, end: 100 })).toBe('89')
      })
      it('a range starting past the end is EINVAL', async () => {
        await store.put('a/short', text('abc'))
        await expectCode(store.get('a/short', { range: { start: 10 } }), 'EINVAL')
      })
      it('stores unicode and awkward keys verbatim', async () => {
        const keys = ['u/é ü 漢字.txt', 'u/space name', 'u/a+b=c&d', 'u/percent%20x', 'u/back\\slash', 'u/#hash?q']
        for (const key of keys) await store.put(key, text(key))
        for (const key of keys) expect(await read(store, key)).toBe(key)
        const listed = (await store.list('u/')).objects.map((o) => o.key)
        expect([...listed].sort()).toEqual([...keys].sort())
      })
      it('a cancelled signal stops the call with ECANCELED', async () => {
        const controller = new AbortController()
        controller.abort()
        await expectCode(store.put('a/cancelled', text('x'), { signal: controller.signal }), 'ECANCELED')
        expect(await store.head('a/cancelled')).toBeUndefined()
      })
    })

    describe('conditional writes', () => {
      it('ifNoneMatch * creates once, then fails with EPRECONDITION and keeps the first', async (ctx) => {
        if (!store.capabilities.conditionalCreate) return ctx.skip('the backend lacks conditionalCreate')
        await store.put('c/once', text('first'), { ifNoneMatch: '*' })
        await expectCode(store.put('c/once', text('second'), { ifNoneMatch: '*' }), 'EPRECONDITION')
        expect(await read(store, 'c/once')).toBe('first')
      })
      it('only one of many concurrent ifNoneMatch creates wins', async (ctx) => {
        if (!store.capabilities.conditionalCreate) return ctx.skip('the backend lacks conditionalCreate')
        const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.put('c/race', text(`writer ${i}`), { ifNoneMatch: '*' })))
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EPRECONDITION')).toBe(true)
      })
      it('ifMatch replaces only the matching version', async (ctx) => {
        if (!store.capabilities.compareAndSwap) return ctx.skip('the backend lacks compareAndSwap')
        const v1 = await store.put('c/cas', text('v1'))
        const v2 = await store.put('c/cas', text('v2'), { ifMatch: v1.version })
        await expectCode(store.put('c/cas', text('stale'), { ifMatch: v1.version }), 'EPRECONDITION')
        expect(await read(store, 'c/cas')).toBe('v2')
        await store.put('c/cas', text('v3'), { ifMatch: v2.version })
        expect(await read(store, 'c/cas')).toBe('v3')
      })
      it('ifMatch on a missing key is EPRECONDITION, not a create', async (ctx) => {
        if (!store.capabilities.compareAndSwap) return ctx.skip('the backend lacks compareAndSwap')
        await expectCode(store.put('c/absent', text('x'), { ifMatch: '"0000"' }), 'EPRECONDITION')
        expect(await store.head('c/absent')).toBeUndefined()
      })
    })

    describe('list', () => {
      beforeAll(async () => {
        for (const key of ['l/a.txt', 'l/b/', 'l/b/one', 'l/b/two', 'l/c/deep/x', 'l/d-e', 'l/z']) await store.put(key, text(key), { metadata: { tag: 'x' } })
      })
      it('lists everything under a prefix in byte order', async () => {
        const page = await store.list('l/')
        expect(page.objects.map((o) => o.key)).toEqual(['l/a.txt', 'l/b/', 'l/b/one', 'l/b/two', 'l/c/deep/x', 'l/d-e', 'l/z'])
        expect(page.prefixes).toEqual([])
        expect(page.cursor).toBeUndefined()
      })
      it('groups by delimiter into objects and common prefixes', async () => {
        const page = await store.list('l/', { delimiter: '/' })
        expect(page.objects.map((o) => o.key)).toEqual(['l/a.txt', 'l/d-e', 'l/z'])
        expect(page.prefixes).toEqual(['l/b/', 'l/c/'])
      })
      it('lists a marker object itself when the prefix names it', async () => {
        const page = await store.list('l/b/', { delimiter: '/' })
        expect(page.objects.map((o) => o.key)).toEqual(['l/b/', 'l/b/one', 'l/b/two'])
      })
      it('returns sizes, versions and (where capable) metadata', async () => {
        const page = await store.list('l/b/')
        expect(page.objects[1]?.size).toBe('l/b/one'.length)
        expect(page.objects[1]?.version).toBeTruthy()
        if (store.capabilities.listMetadata) expect(page.objects[1]?.metadata?.tag).toBe('x')
      })
      it('paginates with a cursor without losing or repeating entries', async () => {
        const seen: string[] = []
        let cursor: string | undefined
        do {
          const page = await store.list('l/', { delimiter: '/', limit: 2, cursor })
          expect(page.objects.length + page.prefixes.length).toBeLessThanOrEqual(2)
          seen.push(...page.objects.map((o) => o.key), ...page.prefixes)
          cursor = page.cursor
        } while (cursor)
        expect(seen.sort()).toEqual(['l/a.txt', 'l/b/', 'l/c/', 'l/d-e', 'l/z'])
      })
      it('an empty prefix match is an empty page', async () => {
        expect(await store.list('nothing-here/')).toEqual({ objects: [], prefixes: [] })
      })
      it('a partial-name prefix matches names that start with it', async () => {
        const page = await store.list('l/d')
        expect(page.objects.map((o) => o.key)).toEqual(['l/d-e'])
      })
    })

    describe('delete', () => {
      it('deleteIfMatch deletes only the version given (conditionalDelete)', async (ctx) => {
        if (!store.capabilities.conditionalDelete || !store.deleteIfMatch) return ctx.skip('the backend lacks conditionalDelete')
        const v1 = await store.put('d/cas', text('v1'))
        const v2 = await store.put('d/cas', text('v2'))
        await expectCode(store.deleteIfMatch('d/cas', v1.version), 'EPRECONDITION')
        expect(await read(store, 'd/cas')).toBe('v2')
        await store.deleteIfMatch('d/cas', v2.version)
        expect(await store.head('d/cas')).toBeUndefined()
        await expectCode(store.deleteIfMatch('d/cas', v2.version), 'EPRECONDITION')
      })
      it('of concurrent deleteIfMatch of one version exactly one succeeds (conditionalDelete)', async (ctx) => {
        if (!store.capabilities.conditionalDelete || !store.deleteIfMatch) return ctx.skip('the backend lacks conditionalDelete')
        const head = await store.put('d/race', text('x'))
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.deleteIfMatch!('d/race', head.version)))
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EPRECONDITION')).toBe(true)
      })
      it('deletes many keys; missing keys count as deleted', async () => {
        await store.put('d/1', text('1'))
        await store.put('d/2', text('2'))
        const result = await store.delete(['d/1', 'd/2', 'd/never'])
        expect([...result.deleted].sort()).toEqual(['d/1', 'd/2', 'd/never'])
        expect(result.failed).toEqual([])
        expect(await store.head('d/1')).toBeUndefined()
        expect((await store.list('d/')).objects).toEqual([])
      })
      it('deletes more keys than one batch', async () => {
        const keys = Array.from({ length: 1105 }, (_, i) => `d/many/${String(i).padStart(5, '0')}`)
        for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.put(k, new Uint8Array())))
        const result = await store.delete(keys)
        expect(result.deleted).toHaveLength(keys.length)
        expect((await store.list('d/many/')).objects).toEqual([])
      })
      it('deleting a marker leaves the keys under it', async () => {
        await store.put('d/dir/', new Uint8Array())
        await store.put('d/dir/child', text('c'))
        await store.delete(['d/dir/'])
        expect(await store.head('d/dir/')).toBeUndefined()
        expect(await read(store, 'd/dir/child')).toBe('c')
      })
    })

    describe('copy and setMetadata', () => {
      it('copies data and metadata; the source stays', async () => {
        await store.put('k/src', text('payload'), { metadata: { mode: '33261' }, contentType: 'text/plain' })
        const copied = await store.copy('k/src', 'k/dst')
        expect(copied.size).toBe(7)
        expect(await read(store, 'k/dst')).toBe('payload')
        expect((await store.head('k/dst'))?.metadata?.mode).toBe('33261')
        expect(await read(store, 'k/src')).toBe('payload')
      })
      it('copies with replaced metadata', async () => {
        await store.copy('k/src', 'k/dst2', { metadata: { uid: '7' } })
        const head = await store.head('k/dst2')
        expect(head?.metadata?.uid).toBe('7')
        expect(head?.metadata?.mode).toBeUndefined()
      })
      it('copy of a missing source is ENOENT', async () => {
        await expectCode(store.copy('k/none', 'k/x'), 'ENOENT')
      })
      it('copy with ifNoneMatch onto an existing key is EPRECONDITION', async (ctx) => {
        if (!store.capabilities.conditionalCreate) return ctx.skip('the backend lacks conditionalCreate')
        await expectCode(store.copy('k/src', 'k/dst', { ifNoneMatch: '*' }), 'EPRECONDITION')
      })
      it('setMetadata replaces metadata and keeps data', async () => {
        const before = await store.put('k/meta', text('data'), { metadata: { uid: '1', gid: '1' } })
        const after = await store.setMetadata('k/meta', { uid: '2' })
        expect(after.metadata?.uid ?? (await store.head('k/meta'))?.metadata?.uid).toBe('2')
        const head = await store.head('k/meta')
        expect(head?.metadata?.gid).toBeUndefined()
        expect(await read(store, 'k/meta')).toBe('data')
        if (store.capabilities.compareAndSwap) {
          await expectCode(store.setMetadata('k/meta', { uid: '3' }, { ifMatch: before.version }), 'EPRECONDITION')
          expect((await store.head('k/meta'))?.metadata?.uid).toBe('2')
        }
      })
      it('setMetadata on a missing key is ENOENT', async () => {
        await expectCode(store.setMetadata('k/missing', { uid: '1' }), 'ENOENT')
      })
    })

    describe('large bodies', () => {
      it('streams a multi-megabyte body in and out intact', async () => {
        const size = 12 * 1024 * 1024 + 13
        async function* generate(): AsyncIterable<Uint8Array> {
          for (let sent = 0; sent < size; ) {
            const n = Math.min(256 * 1024, size - sent)
            yield Uint8Array.from({ length: n }, (_, i) => (sent + i) % 251)
            sent += n
          }
        }
        await store.put('big/file', generate())
        const { head, body } = await store.get('big/file')
        expect(head.size).toBe(size)
        let offset = 0
        let ok = true
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          for (let i = 0; i < chunk.length; i += 4099) if (chunk[i] !== (offset + i) % 251) ok = false
          offset += chunk.length
        }
        expect(offset).toBe(size)
        expect(ok).toBe(true)
      }, 120_000)
    })

    afterAll(async () => {
      if (!store) return
      for (;;) {
        const page = await store.list('')
        if (page.objects.length === 0) break
        await store.delete(page.objects.map((o) => o.key))
      }
    })
  })
}
