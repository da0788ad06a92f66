import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEAM_LABEL } from '@volumes/server'
import { Volume, VolumeError, VolumeNotFoundError, VolumePathNotFoundError } from 'e2b'
import { sdkRejection, unique } from './expect-sdk.js'
import { startE2bServer, type E2bFixture } from './fixture.js'

/** Where a suite's volumes live: a fresh BlobStore and its removal. */
export type BackendFactory = () => Promise<{ blobs: import('@volumes/core').BlobStore; cleanup: () => Promise<void> }>

/**
 * Every method of the official SDK's `Volume`, unchanged code against a real server: the
 * SDK reads E2B_API_URL, E2B_VOLUME_API_URL and E2B_API_KEY, as a user's program would.
 */
export function runSdkMethodTests(name: string, backend: BackendFactory): void {
  describe(`official e2b SDK methods → volumes serve → ${name}`, () => {
    let fixture: E2bFixture
    let volume: Volume
    beforeAll(async () => {
      const { blobs, cleanup } = await backend()
      fixture = await startE2bServer(blobs, cleanup)
      fixture.useEnvironment()
      volume = await Volume.create(`methods-${unique()}`)
    })
    afterAll(async () => {
      await fixture?.close()
    })

    it('create, connect, getInfo, list and destroy', async () => {
      const volumeName = `mgmt-${unique()}`
      const created = await Volume.create(volumeName)
      expect(created.volumeId).toMatch(/^vol-/)
      expect(created.name).toBe(volumeName)
      expect(created.token).toMatch(/^vt_/)
      expect((await fixture.store.connect(created.volumeId)).info.labels[TEAM_LABEL]).toBe('team-a')
      const connected = await Volume.connect(created.volumeId)
      expect(connected).toMatchObject({ volumeId: created.volumeId, name: volumeName })
      await connected.writeFile('/hello.txt', 'from connect')
      expect(await created.readFile('/hello.txt')).toBe('from connect')
      const info = await Volume.getInfo(created.volumeId)
      expect(info).toMatchObject({ volumeId: created.volumeId, name: volumeName })
      expect(info.token).toMatch(/^vt_/)
      expect(await Volume.list()).toContainEqual({ volumeId: created.volumeId, name: volumeName })
      await sdkRejection(Volume.create(volumeName), VolumeError, /^409: EEXIST/)
      await sdkRejection(Volume.create('not a name'), VolumeError, /^400: EINVAL.*letters, numbers, and hyphens/)
      expect(await Volume.destroy(created.volumeId)).toBe(true)
      expect(await Volume.destroy(created.volumeId)).toBe(false)
      await sdkRejection(Volume.getInfo(created.volumeId), VolumeNotFoundError)
      await sdkRejection(Volume.connect(created.volumeId), VolumeNotFoundError)
      expect((await Volume.list()).map((v) => v.volumeId)).not.toContain(created.volumeId)
      // The old handle's token names a volume that is gone.
      await sdkRejection(created.readFile('/hello.txt'), VolumePathNotFoundError)
    })

    it('writeFile with a string, an ArrayBuffer, a Blob and a ReadableStream; mode, uid and gid', async () => {
      const bytes = new TextEncoder().encode('array buffer')
      const stream = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('web ')); c.enqueue(new TextEncoder().encode('stream')); c.close() } })
      const cases: [string, string | ArrayBuffer | Blob | ReadableStream<Uint8Array>, string][] = [
        ['string', 'Hello, world!', 'Hello, world!'],
        ['arraybuffer', bytes.buffer, 'array buffer'],
        ['blob', new Blob(['a ', 'blob']), 'a blob'],
        ['stream', stream, 'web stream'],
        ['empty', '', ''],
      ]
      for (const [kind, data, expected] of cases) {
        const info = await volume.writeFile(`/write/${kind}`, data)
        expect(info, kind).toMatchObject({ name: kind, type: 'file', path: `/write/${kind}`, size: new TextEncoder().encode(expected).byteLength, mode: 0o644, uid: 0, gid: 0 })
        expect(info.mtime).toBeInstanceOf(Date)
        expect(await volume.readFile(`/write/${kind}`), kind).toBe(expected)
      }
      const owned = await volume.writeFile('/write/owned', 'x', { mode: 0o600, uid: 1000, gid: 1001 })
      expect(owned).toMatchObject({ mode: 0o600, uid: 1000, gid: 1001 })
      expect(await volume.writeFile('/write/owned', 'again')).toMatchObject({ size: 5, mode: 0o600, uid: 1000 })
      expect(await volume.writeFile('/write/owned', 'forced', { force: true })).toMatchObject({ size: 6 })
      // force: false means "do not force an overwrite": the file is kept.
      await sdkRejection(volume.writeFile('/write/owned', 'refused', { force: false }), VolumeError, /^409: EEXIST/)
      expect(await volume.readFile('/write/owned')).toBe('forced')
      expect(await volume.writeFile('/write/fresh', 'new', { force: false })).toMatchObject({ size: 3 })
      await sdkRejection(volume.writeFile('/write/bad', 'x', { mode: 0o10000 }), VolumeError, /^400: EINVAL/)
      await sdkRejection(volume.writeFile('/write', 'x'), VolumeError, /^409: EISDIR/)
      await sdkRejection(volume.writeFile('/write/string/below', 'x'), VolumeError, /^409: ENOTDIR/)
      expect(await volume.exists('/write/bad')).toBe(false)
    })

    it('readFile as text, bytes, blob and stream', async () => {
      const content = 'Grüße, world! ✓'
      await volume.writeFile('/read/file.txt', content)
      expect(await volume.readFile('/read/file.txt')).toBe(content)
      expect(await volume.readFile('/read/file.txt', { format: 'text' })).toBe(content)
      const bytes = await volume.readFile('/read/file.txt', { format: 'bytes' })
      expect(bytes).toBeInstanceOf(Uint8Array)
      expect(new TextDecoder().decode(bytes)).toBe(content)
      const blob = await volume.readFile('/read/file.txt', { format: 'blob' })
      expect(blob).toBeInstanceOf(Blob)
      expect(await blob.text()).toBe(content)
      const stream = await volume.readFile('/read/file.txt', { format: 'stream' })
      expect(await new Response(stream).text()).toBe(content)
      await sdkRejection(volume.readFile('/read/none'), VolumePathNotFoundError)
      await sdkRejection(volume.readFile('/read/none', { format: 'stream' }), VolumePathNotFoundError)
      await sdkRejection(volume.readFile('/read'), VolumeError, /^409: EISDIR/)
    })

    it('makeDir with and without force', async () => {
      const made = await volume.makeDir('/dirs')
      expect(made).toMatchObject({ name: 'dirs', type: 'directory', path: '/dirs', size: 0, mode: 0o755 })
      await sdkRejection(volume.makeDir('/dirs'), VolumeError, /^409: EEXIST: file already exists, mkdir '\/dirs'/)
      await sdkRejection(volume.makeDir('/dirs/a/b'), VolumePathNotFoundError)
      const deep = await volume.makeDir('/dirs/a/b', { force: true, mode: 0o700, uid: 5, gid: 6 })
      expect(deep).toMatchObject({ path: '/dirs/a/b', type: 'directory', mode: 0o700, uid: 5, gid: 6 })
      expect(await volume.makeDir('/dirs/a/b', { force: true })).toMatchObject({ path: '/dirs/a/b' })
      await volume.writeFile('/dirs/file', 'x')
      await sdkRejection(volume.makeDir('/dirs/file', { force: true }), VolumeError, /^409: EEXIST/)
      await sdkRejection(volume.makeDir('/dirs/file/sub', { force: true }), VolumeError, /^409: ENOTDIR/)
    })

    it('list, with depth', async () => {
      await volume.writeFile('/ls/b.txt', 'bb')
      await volume.writeFile('/ls/a.txt', 'a')
      await volume.writeFile('/ls/sub/inner.txt', 'iii')
      const entries = await volume.list('/ls')
      expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([['a.txt', 'file', 1], ['b.txt', 'file', 2], ['sub', 'directory', 0]])
      expect(entries[0]).toMatchObject({ path: '/ls/a.txt', mode: 0o644, uid: 0, gid: 0 })
      for (const key of ['atime', 'mtime', 'ctime'] as const) expect(entries[0]![key]).toBeInstanceOf(Date)
      expect((await volume.list('/ls', { depth: 2 })).map((e) => e.path)).toEqual(['/ls/a.txt', '/ls/b.txt', '/ls/sub', '/ls/sub/inner.txt'])
      expect((await volume.list('/', { depth: 3 })).map((e) => e.path)).toContain('/ls/sub/inner.txt')
      await sdkRejection(volume.list('/ls', { depth: 0 }), VolumeError, /^400: EINVAL/)
      await sdkRejection(volume.list('/ls', { depth: 11 }), VolumeError, /^400: EINVAL/)
      await sdkRejection(volume.list('/ls/a.txt'), VolumeError, /^409: ENOTDIR/)
      await sdkRejection(volume.list('/ls/none'), VolumePathNotFoundError)
    })

    it('getInfo and exists', async () => {
      await volume.writeFile('/info/test_file.txt', 'Hello, world!')
      expect(await volume.getInfo('/info/test_file.txt')).toMatchObject({ name: 'test_file.txt', type: 'file', path: '/info/test_file.txt', size: 13, mode: 0o644 })
      expect(await volume.getInfo('/info')).toMatchObject({ name: 'info', type: 'directory', path: '/info', size: 0, mode: 0o755 })
      expect(await volume.getInfo('/')).toMatchObject({ type: 'directory', path: '/' })
      expect(await volume.exists('/info/test_file.txt')).toBe(true)
      expect(await volume.exists('/info')).toBe(true)
      expect(await volume.exists('/info/none')).toBe(false)
      expect(await volume.exists('/info/test_file.txt/below')).toBe(false)
      await sdkRejection(volume.getInfo('/info/none'), VolumePathNotFoundError)
    })

    it('updateMetadata', async () => {
      const before = await volume.writeFile('/meta/f', 'content')
      const after = await volume.updateMetadata('/meta/f', { uid: 1000, gid: 1000, mode: 0o600 })
      expect(after).toMatchObject({ path: '/meta/f', mode: 0o600, uid: 1000, gid: 1000, size: 7 })
      expect(after.mtime.getTime()).toBe(before.mtime.getTime())
      expect(await volume.getInfo('/meta/f')).toMatchObject({ mode: 0o600, uid: 1000, gid: 1000 })
      expect(await volume.updateMetadata('/meta/f', { mode: 0o640 })).toMatchObject({ mode: 0o640, uid: 1000 })
      expect((await volume.updateMetadata('/meta', { mode: 0o750 })).mode).toBe(0o750)
      expect(await volume.readFile('/meta/f')).toBe('content')
      await sdkRejection(volume.updateMetadata('/meta/none', { mode: 0o600 }), VolumePathNotFoundError)
      await sdkRejection(volume.updateMetadata('/meta/f', { mode: 70000 }), VolumeError, /^400: EINVAL/)
    })

    it('remove: files, and directories with everything in them (the documented recursive call)', async () => {
      await volume.writeFile('/rm/file', 'x')
      await volume.remove('/rm/file')
      expect(await volume.exists('/rm/file')).toBe(false)
      for (const p of ['/rm/tree/1', '/rm/tree/a/2', '/rm/tree/a/b/3']) await volume.writeFile(p, p)
      // As the docs show it; 2.51.0 sends only `path`, and the server removes the whole tree.
      await volume.remove('/rm/tree', { recursive: true } as Parameters<Volume['remove']>[1])
      expect(await volume.exists('/rm/tree')).toBe(false)
      await volume.writeFile('/rm/plain/x', 'x')
      await volume.remove('/rm/plain')
      expect(await volume.list('/rm')).toEqual([])
      await sdkRejection(volume.remove('/rm/none'), VolumePathNotFoundError)
      await sdkRejection(volume.remove('/'), VolumeError, /^400: EINVAL/)
      // recursive=false (not sent by the SDK) keeps rmdir's rule.
      await volume.writeFile('/rm/kept/x', 'x')
      const response = await fetch(`${fixture.e2bUrl}/volumecontent/${volume.volumeId}/path?path=%2Frm%2Fkept&recursive=false`, { method: 'DELETE', headers: { authorization: `Bearer ${volume.token}` } })
      expect(response.status).toBe(409)
      expect(await response.json()).toMatchObject({ code: 'ENOTEMPTY' })
      expect(await volume.readFile('/rm/kept/x')).toBe('x')
    })
  })
}
