import { describe, expect, it } from 'vitest'
import { MemoryBlobStore, openBucketVolume } from '@volumes/core'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** A bucket seeded with the forms s3fs, rclone and gcsfuse write, opened as a volume. */
async function seeded(): Promise<{ blobs: MemoryBlobStore; volume: ReturnType<typeof openBucketVolume> }> {
  const blobs = new MemoryBlobStore()
  const put = (key: string, body: string, metadata: Record<string, string> = {}, contentType?: string) => blobs.put(key, bytes(body), { metadata, ...(contentType ? { contentType } : {}) })
  await put('legacy_$folder$', '', { mode: '16872', uid: '5', gid: '6', mtime: '1600000000' })
  await put('legacy-full_$folder$', '', { mode: '16877' })
  await put('legacy-full/child.txt', 'c')
  await put('dirobj', '', { mode: '16893', uid: '7' }, 'application/x-directory')
  await put('dirobj/inside.txt', 'inside')
  await put('rclone.txt', 'rc', { mode: '100600', mtime: '1700000000.5', atime: '2023-11-14T22:13:21Z', btime: '2023-01-01T00:00:00Z', uid: '1000', gid: '1000' })
  await put('octal.txt', 'o', { mode: '0640' })
  await put('gcsfuse-link', '', { gcsfuse_symlink_target: 'rclone.txt', gcsfuse_mtime: '2023-11-14T22:13:20Z' })
  await put('implicit/deep/a.txt', 'a')
  await put('implicit/b.txt', 'b')
  return { blobs, volume: openBucketVolume(blobs) }
}

describe('a bucket in foreign forms opens as a volume', () => {
  it('lists legacy markers and directory-mode objects as directories, with their attributes', async () => {
    const { volume } = await seeded()
    const listed = await volume.list('/')
    expect(listed.map((entry) => [entry.name, entry.type])).toEqual([
      ['dirobj', 'directory'], ['gcsfuse-link', 'symlink'], ['implicit', 'directory'], ['legacy', 'directory'], ['legacy-full', 'directory'], ['octal.txt', 'file'], ['rclone.txt', 'file'],
    ])
    expect(listed.find((entry) => entry.name === 'legacy')).toMatchObject({ mode: 0o750, uid: 5, gid: 6 })
    expect(listed.find((entry) => entry.name === 'dirobj')).toMatchObject({ mode: 0o775, uid: 7 })
    expect((await volume.list('/dirobj')).map((entry) => entry.name)).toEqual(['inside.txt'])
    expect(await volume.readFile('/dirobj/inside.txt')).toBe('inside')
  })

  it('stats them alike, and reads rclone, octal-string and gcsfuse forms', async () => {
    const { volume } = await seeded()
    expect(await volume.getInfo('/legacy')).toMatchObject({ type: 'directory', mode: 0o750, uid: 5, gid: 6 })
    expect((await volume.getInfo('/legacy')).mtime.getTime()).toBe(1_600_000_000_000)
    expect(await volume.getInfo('/legacy-full')).toMatchObject({ type: 'directory', mode: 0o755 })
    expect(await volume.getInfo('/dirobj')).toMatchObject({ type: 'directory', mode: 0o775, uid: 7 })
    const rclone = await volume.getInfo('/rclone.txt')
    expect(rclone).toMatchObject({ type: 'file', mode: 0o600, uid: 1000, gid: 1000, size: 2 })
    expect([rclone.mtime.getTime(), rclone.atime.getTime()]).toEqual([1_700_000_000_500, 1_700_000_001_000])
    expect(await volume.getInfo('/octal.txt')).toMatchObject({ mode: 0o640 })
    expect(await volume.getInfo('/gcsfuse-link')).toMatchObject({ type: 'symlink', mode: 0o777, target: 'rclone.txt' })
    expect(await volume.readlink('/gcsfuse-link')).toBe('rclone.txt')
  })

  it('dates an implicit directory by its newest child', async () => {
    const { blobs, volume } = await seeded()
    const newest = Math.max(...(await Promise.all(['implicit/deep/a.txt', 'implicit/b.txt'].map(async (key) => (await blobs.head(key))!.lastModified.getTime()))))
    expect((await volume.getInfo('/implicit')).mtime.getTime()).toBe(newest)
    const listed = (await volume.list('/')).find((entry) => entry.name === 'implicit')!
    expect(listed.mtime.getTime()).toBe(newest)
    expect((await volume.getInfo('/implicit/deep')).mtime.getTime()).toBe((await blobs.head('implicit/deep/a.txt'))!.lastModified.getTime())
  })
})
