import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectBytes } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'
import type { VolumeApiFeature, VolumeLike } from './volume-like.js'

/**
 * The file-level rules of a volume; part of the VolumeStore conformance suite and of the
 * volume API suite. Tests that need a feature in `lacks` are skipped.
 */
export function runVolumeFileTests(volumeOf: () => VolumeLike, lacks: readonly VolumeApiFeature[] = []): void {
  const v = (): VolumeLike => volumeOf()
  const without = (feature: VolumeApiFeature): boolean => lacks.includes(feature)

  describe('read and write', () => {
    it('writes text and reads it in every format', async () => {
      const info = await v().writeFile('/rw/hello.txt', 'Hello, world!')
      expect(info).toMatchObject({ name: 'hello.txt', type: 'file', path: '/rw/hello.txt', size: 13, mode: 0o644, uid: 0, gid: 0 })
      expect(await v().readFile('/rw/hello.txt')).toBe('Hello, world!')
      expect(new TextDecoder().decode(await v().readFile('/rw/hello.txt', { format: 'bytes' }))).toBe('Hello, world!')
      expect(await (await v().readFile('/rw/hello.txt', { format: 'blob' })).text()).toBe('Hello, world!')
      const stream = await v().readFile('/rw/hello.txt', { format: 'stream' })
      expect(new TextDecoder().decode(await collectBytes(stream as unknown as AsyncIterable<Uint8Array>))).toBe('Hello, world!')
    })
    it.skipIf(without('ranges'))('reads a byte range', async () => {
      await v().writeFile('/rw/range.txt', 'Hello, world!')
      expect(await v().readFile('/rw/range.txt', { range: { start: 7, end: 12 } })).toBe('world')
    })
    it('creates missing parents as directories', async () => {
      await v().writeFile('/deep/er/still/file.txt', 'x')
      expect((await v().getInfo('/deep/er')).type).toBe('directory')
      expect((await v().getInfo('/deep/er/still')).mode).toBe(0o755)
    })
    it('overwrites, keeping mode and owner unless given', async () => {
      await v().writeFile('/rw/keep', 'one', { mode: 0o600, uid: 1000, gid: 1001 })
      const second = await v().writeFile('/rw/keep', 'two!')
      expect(second).toMatchObject({ size: 4, mode: 0o600, uid: 1000, gid: 1001 })
      expect(await v().readFile('/rw/keep')).toBe('two!')
      expect((await v().writeFile('/rw/keep', 'three', { mode: 0o640 })).mode).toBe(0o640)
    })
    it('exclusive writes fail with EEXIST and keep the old content', async () => {
      await v().writeFile('/rw/excl', 'first', { exclusive: true })
      await expectVolumeError(v().writeFile('/rw/excl', 'second', { exclusive: true }), 'EEXIST')
      expect(await v().readFile('/rw/excl')).toBe('first')
    })
    it('reading a directory is EISDIR; a missing file ENOENT; a file used as a directory ENOTDIR', async () => {
      await v().writeFile('/rw/f', 'x')
      await expectVolumeError(v().readFile('/rw'), 'EISDIR')
      await expectVolumeError(v().readFile('/'), 'EISDIR')
      await expectVolumeError(v().readFile('/rw/none'), 'ENOENT')
      await expectVolumeError(v().readFile('/rw/f/child'), 'ENOTDIR')
      await expectVolumeError(v().writeFile('/rw/f/child', 'x'), 'ENOTDIR')
      await expectVolumeError(v().writeFile('/rw', 'x'), 'EISDIR')
      await expectVolumeError(v().writeFile('/', 'x'), 'EISDIR')
      expect(await v().readFile('/rw/f')).toBe('x')
    })
    it('rejects invalid modes and owners with EINVAL, writing nothing', async () => {
      await expectVolumeError(v().writeFile('/rw/badmode', 'x', { mode: 0o10000 }), 'EINVAL')
      await expectVolumeError(v().writeFile('/rw/baduid', 'x', { uid: -1 }), 'EINVAL')
      expect(await v().exists('/rw/badmode')).toBe(false)
    })
  })

  describe('directories', () => {
    it('makeDir without force: ENOENT for a missing parent, EEXIST for an existing path', async () => {
      await expectVolumeError(v().makeDir('/md/a/b'), 'ENOENT')
      const made = await v().makeDir('/md')
      expect(made).toMatchObject({ type: 'directory', path: '/md', mode: 0o755 })
      await expectVolumeError(v().makeDir('/md'), 'EEXIST')
      await expectVolumeError(v().makeDir('/'), 'EEXIST')
      await v().writeFile('/md/file', 'x')
      await expectVolumeError(v().makeDir('/md/file'), 'EEXIST')
      await expectVolumeError(v().makeDir('/md/file/sub'), 'ENOTDIR')
    })
    it.skipIf(without('errorMessages'))("a missing parent's ENOENT reads like node's", async () => {
      expect((await expectVolumeError(v().makeDir('/mdm/a/b'), 'ENOENT')).message).toBe("ENOENT: no such file or directory, mkdir '/mdm/a/b'")
    })
    it('makeDir with force creates parents and accepts an existing directory', async () => {
      await v().makeDir('/mf/a/b/c', { force: true, mode: 0o700, uid: 5, gid: 6 })
      expect(await v().getInfo('/mf/a/b/c')).toMatchObject({ type: 'directory', mode: 0o700, uid: 5, gid: 6 })
      await v().makeDir('/mf/a/b/c', { force: true })
      await v().writeFile('/mf/file', 'x')
      await expectVolumeError(v().makeDir('/mf/file', { force: true }), 'EEXIST')
      await expectVolumeError(v().makeDir('/mf/file/x', { force: true }), 'ENOTDIR')
    })
    it('lists one level by default, deeper with depth, sorted by name', async () => {
      await v().writeFile('/ls/b.txt', 'bb')
      await v().writeFile('/ls/a.txt', 'a')
      await v().writeFile('/ls/sub/inner.txt', 'iii')
      const entries = await v().list('/ls')
      expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([['a.txt', 'file', 1], ['b.txt', 'file', 2], ['sub', 'directory', 0]])
      expect(entries[0]).toMatchObject({ path: '/ls/a.txt', mode: 0o644, uid: 0, gid: 0 })
      expect(entries[0]!.mtime).toBeInstanceOf(Date)
      const deep = await v().list('/ls', { depth: 2 })
      expect(deep.map((e) => e.path)).toEqual(['/ls/a.txt', '/ls/b.txt', '/ls/sub', '/ls/sub/inner.txt'])
      await expectVolumeError(v().list('/ls', { depth: 11 }), 'EINVAL')
      await expectVolumeError(v().list('/ls', { depth: 0 }), 'EINVAL')
      await expectVolumeError(v().list('/ls/a.txt'), 'ENOTDIR')
      await expectVolumeError(v().list('/ls/none'), 'ENOENT')
    })
    it('lists many entries across pages', async () => {
      await Promise.all(Array.from({ length: 1203 }, (_, i) => v().writeFile(`/many/f${String(i).padStart(4, '0')}`, '', { mtime: new Date(0) })))
      const entries = await v().list('/many')
      expect(entries).toHaveLength(1203)
      expect(entries[1202]!.name).toBe('f1202')
    }, 180_000)
  })

  describe('remove', () => {
    it.skipIf(without('nonRecursiveRemove'))('removes files and empty directories; ENOTEMPTY without recursive', async () => {
      await v().writeFile('/rm/a/file', 'x')
      await expectVolumeError(v().remove('/rm/a'), 'ENOTEMPTY')
      await v().remove('/rm/a/file')
      expect(await v().exists('/rm/a/file')).toBe(false)
      expect((await v().getInfo('/rm/a')).type).toBe('directory')
      await v().remove('/rm/a')
      expect(await v().exists('/rm/a')).toBe(false)
      expect(await v().exists('/rm')).toBe(true)
    })
    it('removes a tree recursively', async () => {
      for (const p of ['/rt/x/1', '/rt/x/y/2', '/rt/x/y/z/3']) await v().writeFile(p, p)
      await v().remove('/rt/x', { recursive: true })
      expect(await v().list('/rt')).toEqual([])
    })
    it('refuses to remove the root; a missing path is ENOENT', async () => {
      await expectVolumeError(v().remove('/'), 'EINVAL')
      await expectVolumeError(v().remove('/nothing/here'), 'ENOENT')
    })
    it.skipIf(without('forceRemove'))('a missing path is no error with force', async () => {
      await v().remove('/nothing/here', { force: true })
      expect(await v().exists('/nothing/here')).toBe(false)
    })
  })

  describe('info, metadata, rename, copy', () => {
    it('getInfo and exists', async () => {
      await v().writeFile('/info/f.txt', 'Hello, world!')
      expect(await v().getInfo('/info/f.txt')).toMatchObject({ name: 'f.txt', type: 'file', path: '/info/f.txt', size: 13 })
      expect(await v().getInfo('/')).toMatchObject({ type: 'directory', path: '/', name: '' })
      expect(await v().exists('/info/f.txt')).toBe(true)
      expect(await v().exists('/info/none')).toBe(false)
      expect(await v().exists('/info/f.txt/below')).toBe(false)
      await expectVolumeError(v().getInfo('/info/none'), 'ENOENT')
    })
    it('updateMetadata changes mode, uid, gid and ctime, keeping content and mtime', async () => {
      const before = await v().writeFile('/meta/f', 'content')
      await new Promise((resolve) => setTimeout(resolve, 15))
      const after = await v().updateMetadata('/meta/f', { uid: 1000, gid: 1000, mode: 0o600 })
      expect(after).toMatchObject({ mode: 0o600, uid: 1000, gid: 1000, size: 7 })
      expect(after.ctime.getTime()).toBeGreaterThan(before.ctime.getTime())
      expect(after.mtime.getTime()).toBe(before.mtime.getTime())
      expect(await v().readFile('/meta/f')).toBe('content')
      expect(await v().getInfo('/meta/f')).toMatchObject({ mode: 0o600, uid: 1000, gid: 1000 })
      expect((await v().updateMetadata('/meta', { mode: 0o750 })).mode).toBe(0o750)
      await expectVolumeError(v().updateMetadata('/meta/none', { mode: 0o600 }), 'ENOENT')
      await expectVolumeError(v().updateMetadata('/meta/f', { mode: 70000 }), 'EINVAL')
    })
    it.skipIf(without('rename'))('renames files and directories with POSIX rules', async () => {
      await v().writeFile('/mv/a.txt', 'A', { mode: 0o640 })
      expect(await v().rename('/mv/a.txt', '/mv/b.txt')).toMatchObject({ path: '/mv/b.txt', mode: 0o640 })
      expect(await v().exists('/mv/a.txt')).toBe(false)
      expect(await v().readFile('/mv/b.txt')).toBe('A')
      await v().writeFile('/mv/dir/x/y.txt', 'Y')
      await v().rename('/mv/dir', '/mv/moved')
      expect(await v().readFile('/mv/moved/x/y.txt')).toBe('Y')
      expect(await v().exists('/mv/dir')).toBe(false)
      await expectVolumeError(v().rename('/mv/moved', '/mv/moved/inside'), 'EINVAL')
      await expectVolumeError(v().rename('/mv/none', '/mv/other'), 'ENOENT')
      await expectVolumeError(v().rename('/mv/b.txt', '/mv/moved'), 'EISDIR')
      await expectVolumeError(v().rename('/mv/moved', '/mv/b.txt'), 'ENOTDIR')
      await expectVolumeError(v().rename('/mv/b.txt', '/mv/nodir/b.txt'), 'ENOENT')
      await expectVolumeError(v().rename('/', '/x'), 'EINVAL')
    })
    it.skipIf(without('copy'))('copies files, and directories only with recursive', async () => {
      await v().writeFile('/cp/src/a', 'a', { mode: 0o600 })
      await v().writeFile('/cp/src/sub/b', 'b')
      expect(await v().copy('/cp/src/a', '/cp/single')).toMatchObject({ mode: 0o600, size: 1 })
      await expectVolumeError(v().copy('/cp/src', '/cp/dst'), 'EISDIR')
      await expectVolumeError(v().copy('/cp/src/a', '/cp/src/a'), 'EINVAL')
      await v().copy('/cp/src', '/cp/dst', { recursive: true })
      expect(await v().readFile('/cp/dst/sub/b')).toBe('b')
      expect(await v().readFile('/cp/src/sub/b')).toBe('b')
    })
  })

  describe('directory transfers', () => {
    it.skipIf(without('transfers'))('uploads and downloads a tree with progress, keeping modes and mtimes', async () => {
      const local = await mkdtemp(join(tmpdir(), 'volumes-up-'))
      try {
        await mkdir(join(local, 'src/nested'), { recursive: true })
        await writeFile(join(local, 'src/a.txt'), 'alpha')
        await writeFile(join(local, 'src/nested/b.bin'), Buffer.alloc(3000, 7), { mode: 0o600 })
        const events: number[] = []
        const summary = await v().uploadDirectory(join(local, 'src'), '/up', { concurrency: 4, onProgress: (p) => events.push(p.filesDone) })
        expect(summary).toMatchObject({ files: 2, directories: 1, bytes: 3005 })
        expect(events).toEqual([1, 2])
        expect(await v().readFile('/up/a.txt')).toBe('alpha')
        expect((await v().getInfo('/up/nested/b.bin')).mode).toBe(0o600)
        const out = join(local, 'out')
        const down = await v().downloadDirectory('/up', out)
        expect(down).toMatchObject({ files: 2, bytes: 3005 })
        expect(await readFile(join(out, 'nested/b.bin'))).toEqual(Buffer.alloc(3000, 7))
        expect((await stat(join(out, 'nested/b.bin'))).mode & 0o777).toBe(0o600)
        expect(Math.abs((await stat(join(out, 'a.txt'))).mtimeMs - (await stat(join(local, 'src/a.txt'))).mtimeMs)).toBeLessThan(1000)
      } finally {
        await rm(local, { recursive: true, force: true })
      }
    })
  })
}
