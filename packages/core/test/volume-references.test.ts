import { describe, expect, it } from 'vitest'
import { isVolumeReference, MemoryBlobStore, normalisePath, VolumeStore, type VolumeError } from '@volumes/core'
import { expectVolumeError, recordKeys } from '@volumes/testkit'

describe('normalisePath and lone surrogates', () => {
  it('refuses an unpaired surrogate anywhere with EINVAL InvalidUnicode, naming the path with U+FFFD', () => {
    for (const input of ['/\uD800', '/a/\uDC00b', '/x\uD83D', '\uDFFF/y']) {
      let error: unknown
      try {
        normalisePath(input, 'rename')
      } catch (caught) {
        error = caught
      }
      expect(error).toMatchObject({ code: 'EINVAL', reason: 'InvalidUnicode', op: 'rename' })
      expect((error as VolumeError).path).not.toMatch(/\p{Cs}/u)
      expect((error as VolumeError).path).toContain('\uFFFD')
    }
  })
  it('keeps surrogate pairs (astral characters) as they are', () => {
    expect(normalisePath('/emoji/😀.txt', 'stat')).toBe('/emoji/😀.txt')
  })
})

describe('volume references', () => {
  it('are 1-256 characters without control characters, slashes or lone surrogates, and not . or ..', () => {
    for (const good of ['a', 'my-volume', 'vol-abcdefghijklmnopqrst', 'x'.repeat(256), 'ünï😀', 'a\\b']) expect(isVolumeReference(good), good).toBe(true)
    for (const bad of ['', '.', '..', 'a/b', '\0', 'a\u0000', '\u001f', '\u007f', '\uD800', 'a\uDC00', 'x'.repeat(257), 42, undefined]) {
      expect(isVolumeReference(bad), JSON.stringify(bad)).toBe(false)
    }
  })

  it('that cannot name a volume find none before any registry key is built, and the error quotes them escaped', async () => {
    const { store: blobs, touched } = recordKeys(new MemoryBlobStore())
    const store = new VolumeStore({ blobs })
    await store.create('present')
    touched.length = 0
    for (const bad of ['\0', 'a\u0001b', '\uD800', '..', 'a/b']) {
      const error = await expectVolumeError(store.connect(bad), 'ENOENT')
      expect(error).toMatchObject({ reason: 'VolumeNotFound' })
      expect(error.message).not.toMatch(/[\u0000-\u001f]|\p{Cs}|\.registry/u)
      await expectVolumeError(store.getInfo(bad), 'ENOENT')
      expect(await store.destroy(bad)).toBe(false)
      await expectVolumeError(store.attach('holder-1', { '/mnt': bad }), 'ENOENT')
    }
    expect((await expectVolumeError(store.connect('\0'), 'ENOENT')).message).toBe('ENOENT: Volume "\\u0000" not found, connect \'\\u0000\'')
    expect(touched.filter((key) => key.startsWith('.registry/by-'))).toEqual([])
  })
})
