import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBlobStoreConformance } from '@volumes/testkit'
import { LocalBlobStore, RESERVED_NAME } from '@volumes/local'
import { expectCode, freshRoot, listAll, read, text } from './helpers.js'

runBlobStoreConformance('local disk', () => new LocalBlobStore({ root: freshRoot() }))

describe('LocalBlobStore: plain files under the root', () => {
  it('stores a key as the file <root>/<key> and a marker as a real directory', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('docs/readme.txt', text('hello'), { metadata: { mode: '33188' }, contentType: 'text/plain' })
    await store.put('docs/empty/', new Uint8Array())
    expect(readFileSync(join(root, 'docs/readme.txt'), 'utf8')).toBe('hello')
    expect(statSync(join(root, 'docs/empty')).isDirectory()).toBe(true)
    expect(readdirSync(root).sort()).toEqual([RESERVED_NAME, 'docs'])
    expect(readdirSync(join(root, 'docs')).sort()).toEqual(['empty', 'readme.txt'])
  })

  it('reads files that other tools put under the root, with default metadata', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    mkdirSync(join(root, 'foreign/sub'), { recursive: true })
    writeFileSync(join(root, 'foreign/sub/data.bin'), 'from elsewhere')
    const head = await store.head('foreign/sub/data.bin')
    expect(head).toMatchObject({ key: 'foreign/sub/data.bin', size: 14, metadata: {} })
    expect(head?.contentType).toBeUndefined()
    expect(await read(store, 'foreign/sub/data.bin')).toBe('from elsewhere')
    expect(await listAll(store, 'foreign/')).toEqual(['foreign/sub/data.bin'])
    expect((await store.list('', { delimiter: '/' })).prefixes).toEqual(['foreign/'])
    const edited = await store.head('foreign/sub/data.bin')
    writeFileSync(join(root, 'foreign/sub/data.bin'), 'edited in place, longer')
    expect((await store.head('foreign/sub/data.bin'))?.version).not.toBe(edited?.version)
  })

  it('keeps metadata, content type and version across a restart', async () => {
    const root = freshRoot()
    const first = new LocalBlobStore({ root })
    const put = await first.put('r/file', text('data'), { metadata: { mode: '33261', uid: '7' }, contentType: 'application/x-thing' })
    const marker = await first.put('r/dir/', new Uint8Array(), { metadata: { mode: '16877' } })
    const second = new LocalBlobStore({ root })
    expect(await second.head('r/file')).toEqual(put)
    expect(await second.head('r/dir/')).toEqual(marker)
    expect(await read(second, 'r/file')).toBe('data')
  })

  it('changes the version on every write of data or metadata, and keeps it otherwise', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    const versions = new Set<string>()
    const a = await store.put('v/x', text('same'))
    versions.add(a.version)
    expect((await store.head('v/x'))?.version).toBe(a.version)
    versions.add((await store.put('v/x', text('same'))).version)
    versions.add((await store.setMetadata('v/x', { uid: '1' })).version)
    versions.add((await store.setMetadata('v/x', { uid: '1' })).version)
    versions.add((await store.copy('v/x', 'v/x')).version)
    expect(versions.size).toBe(5)
    const last = await store.head('v/x')
    expect((await store.list('v/')).objects[0]).toEqual(last)
  })

  it('works with fsync turned off', async () => {
    const store = new LocalBlobStore({ root: freshRoot(), fsync: false })
    await store.put('n/a', text('quick'))
    await store.copy('n/a', 'n/b')
    expect(await read(store, 'n/b')).toBe('quick')
  })
})

describe('LocalBlobStore: hierarchical keys', () => {
  it('refuses a key under a file (ENOTDIR) and a file over keys (EISDIR)', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('h/file', text('f'))
    await expectCode(store.put('h/file/child', text('c')), 'ENOTDIR')
    await expectCode(store.put('h/file/deep/child', text('c')), 'ENOTDIR')
    await expectCode(store.put('h/file/', new Uint8Array()), 'ENOTDIR')
    await store.put('h/dir/child', text('c'))
    await expectCode(store.put('h/dir', text('d')), 'EISDIR')
    await expectCode(store.put('h/dir', text('d'), { ifNoneMatch: '*' }), 'EISDIR')
    await expectCode(store.copy('h/file', 'h/dir'), 'EISDIR')
    await store.put('h/marked/', new Uint8Array())
    await expectCode(store.put('h/marked', text('d')), 'EISDIR')
    expect(await store.head('h/file/child')).toBeUndefined()
    expect(await store.head('h/dir')).toBeUndefined()
    await expectCode(store.get('h/dir'), 'ENOENT')
    expect(await read(store, 'h/file')).toBe('f')
  })

  it('writes a file over an empty directory that carries no marker', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    mkdirSync(join(root, 'e/leftover'), { recursive: true })
    await store.put('e/leftover', text('now a file'))
    expect(await read(store, 'e/leftover')).toBe('now a file')
  })

  it('prunes directories left empty by a delete, but not marked ones', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('p/q/r/s', text('deep'))
    await store.put('p/kept/', new Uint8Array())
    await store.put('p/kept/x', text('x'))
    await store.delete(['p/q/r/s', 'p/kept/x'])
    expect(existsSync(join(root, 'p/q'))).toBe(false)
    expect(statSync(join(root, 'p/kept')).isDirectory()).toBe(true)
    expect(await listAll(store, 'p/')).toEqual(['p/kept/'])
    await store.delete(['p/kept/'])
    expect(existsSync(join(root, 'p'))).toBe(false)
    expect(readdirSync(root)).toEqual([RESERVED_NAME])
  })

  it('deleting a marker keeps its directory while keys live under it', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('m/', new Uint8Array())
    await store.put('m/child', text('c'))
    expect((await store.delete(['m/'])).deleted).toEqual(['m/'])
    expect(await store.head('m/')).toBeUndefined()
    expect((await store.list('', { delimiter: '/' })).prefixes).toEqual(['m/'])
    await store.delete(['m/child'])
    expect(existsSync(join(root, 'm'))).toBe(false)
  })

  it('stores the bytes of a marker that has a body', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    await store.put('b/', text('marker body'), { contentType: 'application/x-directory' })
    expect(await read(store, 'b/')).toBe('marker body')
    expect(await store.head('b/')).toMatchObject({ size: 11, contentType: 'application/x-directory' })
    await store.copy('b/', 'c/')
    expect(await read(store, 'c/')).toBe('marker body')
  })
})

describe('LocalBlobStore: hostile keys', () => {
  const invalid = ['', '/', '/abs', 'a//b', '../x', 'a/../b', 'a/..', './a', 'a/./b', 'a/.', '..', '.', 'a\0b', 'a//', '\uD800x']
  it('rejects invalid keys with EINVAL and touches nothing', async () => {
    const parent = freshRoot()
    const root = join(parent, 'root')
    const store = new LocalBlobStore({ root })
    for (const key of invalid) {
      await expectCode(store.put(key, text('x')), 'EINVAL')
      await expectCode(store.head(key), 'EINVAL')
      await expectCode(store.get(key), 'EINVAL')
      await expectCode(store.copy('whatever', key), 'EINVAL')
      await expectCode(store.setMetadata(key, {}), 'EINVAL')
      const result = await store.delete([key])
      expect(result.failed.map((f) => f.key)).toEqual([key])
    }
    expect(readdirSync(parent)).toEqual([])
  })

  it('rejects segments over 255 bytes and keys over 1024 bytes with ENAMETOOLONG', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    await expectCode(store.put(`a/${'x'.repeat(256)}`, text('x')), 'ENAMETOOLONG')
    await expectCode(store.put(`a/${'é'.repeat(128)}`, text('x')), 'ENAMETOOLONG')
    await store.put(`a/${'x'.repeat(255)}`, text('ok'))
    const long = Array.from({ length: 5 }, () => 'y'.repeat(250)).join('/')
    await expectCode(store.put(long, text('x')), 'ENAMETOOLONG')
  })

  it('refuses the reserved directory as a key and never lists it', async () => {
    const store = new LocalBlobStore({ root: freshRoot() })
    await store.put('visible', text('v'), { metadata: { a: 'b' } })
    await store.put('dir/', new Uint8Array())
    const error = await expectCode(store.put(`${RESERVED_NAME}/meta/x`, text('x')), 'EINVAL')
    expect(error.reason).toBe('ReservedKey')
    await expectCode(store.head(`${RESERVED_NAME}/README.txt`), 'EINVAL')
    await expectCode(store.put(`${RESERVED_NAME}/`, text('x')), 'EINVAL')
    expect(await listAll(store, '')).toEqual(['dir/', 'visible'])
    expect(await listAll(store, '', { delimiter: '/' })).toEqual(['visible', 'dir/'])
    expect(await listAll(store, '.volumes')).toEqual([])
    expect(await listAll(store, `${RESERVED_NAME}/`)).toEqual([])
    await store.put(`x/${RESERVED_NAME}`, text('allowed below the top'))
    expect(await listAll(store, 'x/')).toEqual([`x/${RESERVED_NAME}`])
  })

  it('lists nothing for prefixes no valid key can start with', async () => {
    const parent = freshRoot()
    writeFileSync(join(parent, 'outside'), 'secret')
    const store = new LocalBlobStore({ root: join(parent, 'root') })
    await store.put('inside', text('i'))
    for (const prefix of ['../', '../o', './', 'a//', '/', '\0']) expect(await listAll(store, prefix)).toEqual([])
  })
})
