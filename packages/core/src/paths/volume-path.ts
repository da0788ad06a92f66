import { VolumeError } from '../errors/volume-error.js'
import { utf8Length } from '../blob/keys.js'

/** Longest name of one path component, in UTF-8 bytes (POSIX NAME_MAX). */
export const MAX_NAME_BYTES = 255
/** Longest whole path, in UTF-8 bytes (POSIX PATH_MAX). */
export const MAX_PATH_BYTES = 4096

// With the `u` flag a surrogate pair is one code point, so these match unpaired halves only.
const LONE_SURROGATE = /\p{Cs}/u
const LONE_SURROGATES = /\p{Cs}/gu

/**
 * Normalises a volume path once, for every operation: resolves `.` and `..`,
 * collapses repeated slashes, drops a trailing slash, and makes it absolute.
 *
 * Refuses (never clamps) anything that could reach outside the volume:
 * `..` above the root, NUL bytes and lone UTF-16 surrogates (no UTF-8 spelling, so no
 * backend can store them the same way) are EINVAL; a component over 255 bytes or a
 * path over 4096 bytes is ENAMETOOLONG. Backslashes are ordinary characters, as on POSIX.
 *
 * @returns `/` for the root, otherwise `/a/b` with no trailing slash.
 */
export function normalisePath(input: string, op: string): string {
  if (typeof input !== 'string') throw new VolumeError('EINVAL', { op, reason: 'InvalidPath', detail: 'path must be a string' })
  if (input.length === 0) throw new VolumeError('EINVAL', { op, path: input, reason: 'InvalidPath', detail: 'path is empty' })
  if (input.includes('\0')) {
    throw new VolumeError('EINVAL', { op, path: input.replaceAll('\0', '\\0'), reason: 'NulInPath', detail: 'path contains a NUL byte' })
  }
  if (LONE_SURROGATE.test(input)) {
    throw new VolumeError('EINVAL', { op, path: input.replace(LONE_SURROGATES, '\uFFFD'), reason: 'InvalidUnicode', detail: 'path contains a lone UTF-16 surrogate (not valid Unicode)' })
  }
  if (utf8Length(input) > MAX_PATH_BYTES) {
    throw new VolumeError('ENAMETOOLONG', { op, path: `${input.slice(0, 64)}…`, reason: 'PathTooLong', detail: `path longer than ${MAX_PATH_BYTES} bytes` })
  }
  const parts: string[] = []
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) throw new VolumeError('EINVAL', { op, path: input, reason: 'PathEscapesVolume', detail: 'path escapes the volume root' })
      parts.pop()
      continue
    }
    if (utf8Length(part) > MAX_NAME_BYTES) {
      throw new VolumeError('ENAMETOOLONG', { op, path: input, reason: 'NameTooLong', detail: `name longer than ${MAX_NAME_BYTES} bytes` })
    }
    parts.push(part)
  }
  return `/${parts.join('/')}`
}

/** The parent of a normalised path (`/` for top-level entries and for the root itself). */
export function parentPath(path: string): string {
  const at = path.lastIndexOf('/')
  return at <= 0 ? '/' : path.slice(0, at)
}

/** The last component of a normalised path (`''` for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** Joins a normalised directory path and a single child name. */
export function joinPath(directory: string, name: string): string {
  return directory === '/' ? `/${name}` : `${directory}/${name}`
}

/** Every ancestor of a normalised path from the top down, excluding the root and the path itself. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean)
  return parts.slice(0, -1).map((_, index) => `/${parts.slice(0, index + 1).join('/')}`)
}

/** True when `path` is `ancestor` itself or lies under it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '/' || path === ancestor || path.startsWith(`${ancestor}/`)
}

export { displayVolumeReference, isVolumeReference, MAX_VOLUME_REFERENCE_LENGTH } from './volume-reference.js'
