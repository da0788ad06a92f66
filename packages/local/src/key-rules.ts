import { VolumeError } from '@volumes/core'
import { invalidArgument } from './errors.js'

/** The hidden directory under the root that holds metadata records, temporary files and locks. */
export const RESERVED_NAME = '.volumes-local'

/** Longest key, in UTF-8 bytes (the same as S3, far below PATH_MAX). */
export const MAX_KEY_BYTES = 1024

/** Longest key segment, in UTF-8 bytes: a file name on the disk. */
export const MAX_SEGMENT_BYTES = 255

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Checks that `key` names a file (`a/b`) or a directory marker (`a/b/`) under the root and nothing
 * else: no empty, `.` or `..` segment, no NUL, no lone surrogate, segments of at most 255 bytes,
 * at most 1024 bytes in all, and not inside the reserved directory. Throws EINVAL / ENAMETOOLONG.
 */
export function checkKey(key: string, op: string): void {
  if (typeof key !== 'string' || key === '') throw invalidArgument(op, key, 'the key is empty', 'InvalidKey')
  if (key.includes('\0')) throw invalidArgument(op, key, 'the key contains a NUL byte', 'InvalidKey')
  if (loneSurrogate.test(key)) throw invalidArgument(op, key, 'the key is not valid Unicode', 'InvalidKey')
  const segments = (key.endsWith('/') ? key.slice(0, -1) : key).split('/')
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalidArgument(op, key, `the key has an empty, '.' or '..' segment`, 'InvalidKey')
    }
  }
  if (segments[0] === RESERVED_NAME) throw invalidArgument(op, key, `keys under '${RESERVED_NAME}/' are reserved`, 'ReservedKey')
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new VolumeError('ENAMETOOLONG', { op, path: key, reason: 'KeyTooLong', detail: `name too long: keys are at most ${MAX_KEY_BYTES} bytes` })
  }
  for (const segment of segments) {
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new VolumeError('ENAMETOOLONG', { op, path: key, reason: 'SegmentTooLong', detail: `name too long: key segments are at most ${MAX_SEGMENT_BYTES} bytes` })
    }
  }
}

/** Where a listing starts: the directory named by the prefix's whole segments, and the partial name after them. */
export interface ListStart {
  /** `''` (the root) or a directory key ending with `/`. */
  readonly dirKey: string
  /** The rest of the prefix: names in `dirKey` must start with it. */
  readonly partial: string
}

/** Splits a list prefix; `undefined` when no valid key can start with it (the listing is then empty). */
export function splitPrefix(prefix: string): ListStart | undefined {
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES || prefix.includes('\0')) return undefined
  const cut = prefix.lastIndexOf('/') + 1
  const dirKey = prefix.slice(0, cut)
  const partial = prefix.slice(cut)
  if (dirKey !== '') {
    try {
      checkKey(dirKey, 'list')
    } catch {
      return undefined
    }
  }
  return { dirKey, partial }
}

/** The key of the directory that holds `key` (`'a/b/'` for `a/b/c` and for `a/b/c/`), `''` at the top. */
export function parentDirKey(key: string): string {
  const end = key.endsWith('/') ? key.length - 1 : key.length
  return key.slice(0, key.lastIndexOf('/', end - 1) + 1)
}
