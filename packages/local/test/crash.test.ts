import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LocalBlobStore } from '@volumes/local'
import { Layout } from '../src/layout.js'
import { newEntry, readRecord, writeRecord } from '../src/record.js'
import { expectCode, freshRoot, listAll, read, text } from './helpers.js'

/** Writes a complete temporary data file, as a writer does before it commits. */
async function tempFile(layout: Layout, content: string): Promise<{ path: string; stats: import('node:fs').BigIntStats }> {
  const path = layout.tempPath()
  const handle = await open(path, 'wx')
  await handle.write(content)
  const stats = await handle.stat({ bigint: true })
  await handle.close()
  return { path, stats }
}

describe('LocalBlobStore: crash consistency', () => {
  it('a crash between the record rename and the data rename keeps the old data with its old metadata', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('c/file', text('old'), { metadata: { mode: '33188' }, contentType: 'text/plain' })
    const before = await store.head('c/file')
    const layout = new Layout(root)
    const loc = layout.locateTrusted('c/file')
    const temp = await tempFile(layout, 'new data that never landed')
    const old = (await readRecord(loc))!.entries[0]!
    await writeRecord(layout, loc, { v: 1, key: 'c/file', entries: [newEntry(temp.stats, 'x/new', { mode: '33261' }), old] }, false)
    const restarted = new LocalBlobStore({ root })
    expect(await restarted.head('c/file')).toEqual(before)
    expect(await read(restarted, 'c/file')).toBe('old')
    expect(await listAll(restarted, '')).toEqual(['c/file'])
    // Had the data rename landed, the new entry would match instead.
    renameSync(temp.path, join(root, 'c/file'))
    expect(await restarted.head('c/file')).toMatchObject({ contentType: 'x/new', metadata: { mode: '33261' }, size: 26 })
  })

  it('a record that matches no data file degrades to default metadata, never to another version', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('c/replaced', text('ours'), { metadata: { uid: '5' }, contentType: 'text/plain' })
    const ours = await store.head('c/replaced')
    writeFileSync(join(root, 'c/.swap'), 'replaced by another tool')
    renameSync(join(root, 'c/.swap'), join(root, 'c/replaced'))
    const head = await store.head('c/replaced')
    expect(head).toMatchObject({ size: 24, metadata: {} })
    expect(head?.contentType).toBeUndefined()
    expect(head?.version).not.toBe(ours?.version)
    expect(await read(store, 'c/replaced')).toBe('replaced by another tool')
    expect((await store.list('c/')).objects.map((o) => o.metadata)).toEqual([{}])
  })

  it('an unreadable record degrades to default metadata', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('c/torn', text('data'), { metadata: { uid: '5' } })
    writeFileSync(new Layout(root).locateTrusted('c/torn').recordPath, '{"v":1,"key":"c/to')
    expect(await store.head('c/torn')).toMatchObject({ size: 4, metadata: {} })
    await store.setMetadata('c/torn', { uid: '6' })
    expect((await store.head('c/torn'))?.metadata).toEqual({ uid: '6' })
  })

  it('a leftover temporary file is invisible; one of a live process is not swept', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('t/file', text('old'))
    const layout = new Layout(root)
    const leftover = await tempFile(layout, 'half a new vers')
    expect(await listAll(store, '')).toEqual(['t/file'])
    expect(await read(store, 't/file')).toBe('old')
    await new LocalBlobStore({ root }).put('t/other', text('x'))
    expect(readdirSync(layout.tmpDir)).toEqual([leftover.path.split('/').pop()])
  })
})

describe('LocalBlobStore: aborts and streams', () => {
  it('an abort during a stalled body stops the put with ECANCELED and writes nothing', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    const controller = new AbortController()
    async function* stalled(): AsyncIterable<Uint8Array> {
      yield text('some bytes')
      await new Promise(() => undefined)
    }
    setTimeout(() => controller.abort(), 50)
    await expectCode(store.put('a/stalled', stalled(), { signal: controller.signal }), 'ECANCELED')
    expect(await store.head('a/stalled')).toBeUndefined()
    expect(readdirSync(new Layout(root).tmpDir)).toEqual([])
  })

  it('an abort during a read destroys the body with ECANCELED', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    await store.put('a/big', new Uint8Array(4 * 1024 * 1024))
    const controller = new AbortController()
    const { body } = await store.get('a/big', { signal: controller.signal })
    const error = await new Promise((resolve) => {
      body.once('data', () => controller.abort())
      body.on('error', resolve)
      body.resume()
    })
    expect(error).toMatchObject({ code: 'ECANCELED' })
  })

  it('a reader keeps the version it opened while a writer replaces it', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('a/swap', text('first version'), { metadata: { n: '1' } })
    const { head, body } = await store.get('a/swap')
    await store.put('a/swap', text('second'), { metadata: { n: '2' } })
    let out = ''
    for await (const chunk of body) out += Buffer.from(chunk as Uint8Array).toString()
    expect(out).toBe('first version')
    expect(head.metadata).toEqual({ n: '1' })
    expect(readFileSync(join(root, 'a/swap'), 'utf8')).toBe('second')
  })

  it('rejects a body whose length differs from contentLength, keeping the old object', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    await store.put('a/sized', text('old'))
    const error = await expectCode(store.put('a/sized', text('four'), { contentLength: 5 }), 'EINVAL')
    expect(error.reason).toBe('ContentLengthMismatch')
    expect(await read(store, 'a/sized')).toBe('old')
    await store.put('a/sized', text('four'), { contentLength: 4 })
    expect(await read(store, 'a/sized')).toBe('four')
  })

  it('rejects a body that yields something other than bytes with EINVAL', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    async function* numbers(): AsyncIterable<Uint8Array> {
      yield 42 as unknown as Uint8Array
    }
    await expectCode(store.put('a/bad', numbers()), 'EINVAL')
    expect(await store.head('a/bad')).toBeUndefined()
  })
})
