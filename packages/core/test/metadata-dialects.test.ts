import { describe, expect, it } from 'vitest'
import { decodeAttributes, encodeAttributes, isDirectoryModeObject, legacyMarkerDirectory, readMode, readTime } from '@volumes/core'

const epoch = new Date(0)

describe('the metadata reader: mode forms', () => {
  it('reads our decimal st_mode, s3fs octal strings, and rclone octal st_mode', () => {
    expect(readMode('33188', 'file')).toEqual({ stMode: 0o100644, form: 'decimal' })
    expect(readMode('0644', 'file')).toEqual({ stMode: 0o644, form: 'octal-string' })
    expect(readMode('0100600', 'file')).toEqual({ stMode: 0o100600, form: 'octal-string' })
    for (const value of ['100600', '104755', '40755', '120777', '102750']) expect(readMode(value, 'file')).toEqual({ stMode: Number.parseInt(value, 8), form: 'octal' })
    expect(readMode('420', 'file')).toEqual({ stMode: 0o644, form: 'decimal' })
  })

  it('decides the decimal/octal clash by type bits, then by what the key is', () => {
    // 41777: decimal is a symlink 01461, octal a sticky 01777 directory
    expect(readMode('41777', 'file')).toEqual({ stMode: 41777, form: 'decimal' })
    expect(readMode('41777', 'directory')).toEqual({ stMode: 0o41777, form: 'octal' })
    expect(readMode('41471', 'file')).toEqual({ stMode: 0o120777, form: 'decimal' })
    for (const bad of ['', 'rw-r--r--', '99999', '-1', '0o644', '4294967296']) expect(readMode(bad, 'file')).toBeUndefined()
  })

  it('decodes each foreign form to the attributes the tool meant', () => {
    expect(decodeAttributes({ mode: '100600' }, 'file', epoch)).toMatchObject({ type: 'file', mode: 0o600 })
    expect(decodeAttributes({ mode: '104755' }, 'file', epoch)).toMatchObject({ type: 'file', mode: 0o4755 })
    expect(decodeAttributes({ mode: '120777' }, 'file', epoch)).toMatchObject({ type: 'symlink', mode: 0o777 })
    expect(decodeAttributes({ mode: '40755' }, 'directory', epoch)).toMatchObject({ type: 'directory', mode: 0o755 })
    expect(decodeAttributes({ mode: '0644' }, 'file', epoch)).toMatchObject({ type: 'file', mode: 0o644 })
    expect(decodeAttributes({ 'goog-reserved-posix-mode': '4755' }, 'file', epoch)).toMatchObject({ mode: 0o4755 })
    expect(decodeAttributes({ gcsfuse_symlink_target: 'a/b', gcsfuse_mtime: '2023-11-14T22:13:20Z' }, 'file', epoch)).toMatchObject({ type: 'symlink', mode: 0o777, mtimeNs: 1_700_000_000_000_000_000n })
    expect(decodeAttributes({ 'goog-reserved-file-is-symlink': 'true' }, 'file', epoch)).toMatchObject({ type: 'symlink' })
    expect(decodeAttributes(undefined, 'file', new Date(5000))).toMatchObject({ type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: 5_000_000_000n })
  })

  it('reads rclone RFC 3339 times and s3fs whole seconds', () => {
    expect(readTime('2023-11-14T22:13:20.5Z')).toEqual({ ns: 1_700_000_000_500_000_000n, form: 'rfc3339' })
    expect(readTime('1700000000')).toEqual({ ns: 1_700_000_000_000_000_000n, form: 'seconds' })
    expect(readTime('1700000000.000000001')).toEqual({ ns: 1_700_000_000_000_000_001n, form: 'codec' })
    const decoded = decodeAttributes({ mode: '100640', mtime: '1700000000.25', atime: '2023-11-14T22:13:21Z', btime: '2020-01-01T00:00:00Z', uid: '1000', gid: '1000' }, 'file', epoch)
    expect(decoded).toMatchObject({ mode: 0o640, uid: 1000, gid: 1000, mtimeNs: 1_700_000_000_250_000_000n, atimeNs: 1_700_000_001_000_000_000n, ctimeNs: 1_700_000_000_250_000_000n })
  })

  it('our keys win over goog-reserved keys; a gcsfuse_mtime that disagrees with ours wins (gcsfuse rewrote the object)', () => {
    const ours = encodeAttributes({ type: 'file', mode: 0o600, uid: 1, gid: 2, atimeNs: 10n, mtimeNs: 1_000_000_000n, ctimeNs: 1_000_000_000n })
    expect(decodeAttributes({ ...ours, 'goog-reserved-posix-mode': '777', 'goog-reserved-posix-uid': '9' }, 'file', epoch)).toMatchObject({ mode: 0o600, uid: 1 })
    expect(decodeAttributes({ ...ours, gcsfuse_mtime: '1970-01-01T00:00:01.000000000Z' }, 'file', epoch).mtimeNs).toBe(1_000_000_000n)
    const rewritten = decodeAttributes({ ...ours, gcsfuse_mtime: '1970-01-01T00:00:05Z' }, 'file', epoch)
    expect(rewritten).toMatchObject({ mtimeNs: 5_000_000_000n, ctimeNs: 5_000_000_000n })
  })

  it('recognises legacy directory markers and zero-byte objects with directory bits', () => {
    expect(legacyMarkerDirectory('dir_$folder$')).toBe('dir')
    expect(legacyMarkerDirectory('dir$folder$')).toBe('dir')
    expect(legacyMarkerDirectory('_$folder$')).toBe('_')
    expect(legacyMarkerDirectory('file.txt')).toBeUndefined()
    expect(isDirectoryModeObject(0, { mode: '16877' })).toBe(true)
    expect(isDirectoryModeObject(0, { mode: '40755' })).toBe(true)
    expect(isDirectoryModeObject(3, { mode: '16877' })).toBe(false)
    expect(isDirectoryModeObject(0, { mode: '33188' })).toBe(false)
  })
})
