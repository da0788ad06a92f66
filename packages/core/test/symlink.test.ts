import { describe, expect, it } from 'vitest'
import { decodeAttributes, MemoryBlobStore, S_IFLNK, VolumeStore } from '@volumes/core'
import { expectVolumeError } from '@volumes/testkit'
import { backends } from './backends.js'

describe.each(backends)('symlink and readlink ($name)', (backend) => {
  it('stores a link as s3fs does (S_IFLNK mode, target as body) and reads it back', async () => {
    const blobs = await backend.make()
    const volume = await new VolumeStore({ blobs }).create('links')
    await volume.makeDir('/dir')
    const made = await volume.symlink('../target/file.txt', '/dir/link', { uid: 5, gid: 6 })
    expect(made).toMatchObject({ type: 'symlink', path: '/dir/link', target: '../target/file.txt', mode: 0o777, uid: 5, gid: 6, size: 18 })
    expect(await volume.readlink('/dir/link')).toBe('../target/file.txt')
    expect(await volume.getInfo('/dir/link')).toMatchObject({ type: 'symlink', target: '../target/file.txt', size: 18 })
    expect(await volume.list('/dir')).toMatchObject([{ name: 'link', type: 'symlink' }])

    const [objectKey] = (await blobs.list('', {})).objects.map((o) => o.key).filter((key) => key.endsWith('/dir/link'))
    const head = await blobs.head(objectKey!)
    expect(Number(head!.metadata!.mode) & 0o170000).toBe(S_IFLNK)
    expect(decodeAttributes(head!.metadata, 'file', head!.lastModified).type).toBe('symlink')
    expect(await volume.readFile('/dir/link')).toBe('../target/file.txt')
  })

  it('refuses an existing path, a missing parent, a non-link readlink and bad targets, writing nothing', async () => {
    const volume = await new VolumeStore({ blobs: await backend.make() }).create('link-errors')
    await volume.writeFile('/file', 'x')
    await volume.makeDir('/dir')
    await expectVolumeError(volume.symlink('t', '/file'), 'EEXIST')
    await expectVolumeError(volume.symlink('t', '/dir'), 'EEXIST')
    await expectVolumeError(volume.symlink('t', '/'), 'EEXIST')
    await expectVolumeError(volume.symlink('t', '/missing/link'), 'ENOENT')
    await expectVolumeError(volume.symlink('t', '/file/link'), 'ENOTDIR')
    await expectVolumeError(volume.symlink('', '/l1'), 'EINVAL')
    await expectVolumeError(volume.symlink('a\0b', '/l2'), 'EINVAL')
    await expectVolumeError(volume.symlink('x'.repeat(4096), '/l3'), 'ENAMETOOLONG')
    await expectVolumeError(volume.readlink('/file'), 'EINVAL')
    await expectVolumeError(volume.readlink('/dir'), 'EINVAL')
    await expectVolumeError(volume.readlink('/none'), 'ENOENT')
    expect((await volume.list('/')).map((e) => e.name)).toEqual(['dir', 'file'])
    expect(await volume.readFile('/file')).toBe('x')
  })

  it('charges the quota: a link is one inode and its target bytes', async () => {
    const volume = await new VolumeStore({ blobs: await backend.make() }).create('link-quota')
    const before = await volume.getUsage()
    await volume.symlink('abcd', '/l')
    const after = await volume.getUsage()
    expect(after.bytes - before.bytes).toBe(4)
    expect(after.inodes - before.inodes).toBe(1)
    await volume.remove('/l')
    expect(await volume.getUsage()).toMatchObject({ bytes: before.bytes, inodes: before.inodes })
  })
})

describe('setTimes', () => {
  it('sets atime and mtime, keeps content, mode and owner, moves ctime', async () => {
    const volume = await new VolumeStore({ blobs: new MemoryBlobStore() }).create('times')
    await volume.writeFile('/f', 'abc', { mode: 0o600, uid: 3, gid: 4 })
    const mtime = new Date('2001-02-03T04:05:06.789Z')
    const info = await volume.setTimes('/f', { mtime, atime: new Date('2002-01-01T00:00:00Z') })
    expect(info).toMatchObject({ mode: 0o600, uid: 3, gid: 4, size: 3, mtime, atime: new Date('2002-01-01T00:00:00Z') })
    expect(await volume.getInfo('/f')).toMatchObject({ mtime })
    const kept = await volume.setTimes('/f', { atime: new Date('2003-01-01T00:00:00Z') })
    expect(kept.mtime).toEqual(mtime)
    expect(await volume.readFile('/f')).toBe('abc')
    await expectVolumeError(volume.setTimes('/none', { mtime }), 'ENOENT')
  })
})
