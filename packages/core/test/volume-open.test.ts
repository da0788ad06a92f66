import { describe, expect, it } from 'vitest'
import { collectBytes, MemoryBlobStore, VolumeStore } from '@volumes/core'
import { expectVolumeError } from '@volumes/testkit'

describe('Volume.open', () => {
  it('returns the info of exactly the bytes it streams, in one store request', async () => {
    const blobs = new MemoryBlobStore()
    const volume = await new VolumeStore({ blobs }).create('open-test')
    await volume.writeFile('/a/file.txt', 'hello', { mode: 0o640, uid: 7, gid: 8, mtime: new Date('2022-02-02T02:02:02.022Z') })
    let gets = 0
    const get = blobs.get.bind(blobs)
    blobs.get = (key, options) => (gets++, get(key, options))
    const { info, body } = await volume.open('/a/file.txt')
    expect(gets).toBe(1)
    expect(info).toEqual(await volume.getInfo('/a/file.txt'))
    expect(info).toMatchObject({ type: 'file', size: 5, mode: 0o640, uid: 7, gid: 8 })
    expect(info.mtime.toISOString()).toBe('2022-02-02T02:02:02.022Z')
    expect(new TextDecoder().decode(await collectBytes(body))).toBe('hello')
    const ranged = await volume.open('/a/file.txt', { range: { start: 1, end: 3 } })
    expect(new TextDecoder().decode(await collectBytes(ranged.body))).toBe('el')
  })

  it('is EISDIR for a directory, ENOENT when missing, ENOTDIR below a file, naming readFile', async () => {
    const volume = await new VolumeStore({ blobs: new MemoryBlobStore() }).create('open-errors')
    await volume.writeFile('/a/file.txt', 'x')
    await expectVolumeError(volume.open('/a'), 'EISDIR')
    expect((await expectVolumeError(volume.open('/a/none'), 'ENOENT')).message).toBe("ENOENT: no such file or directory, readFile '/a/none'")
    await expectVolumeError(volume.open('/a/file.txt/x'), 'ENOTDIR')
  })
})
