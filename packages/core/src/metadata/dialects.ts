import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './entry-info.js'
import { parseRfc3339Nano, parseTimestamp } from './timestamps.js'

/**
 * How a `mode` value was written: `decimal` (ours and s3fs: `33188`), `octal` (rclone's
 * octal `st_mode`: `100644`), `octal-string` (a leading zero, `0644`: s3fs reads it as octal).
 */
export type ModeForm = 'decimal' | 'octal' | 'octal-string'

/** A `mode` as read: `stMode` may lack type bits (`420`), then the key says the type. */
export interface ReadMode {
  readonly stMode: number
  readonly form: ModeForm
}

/** How a time value was written: `codec` (`<s>.<9 digits>`), `seconds` (other `<s>[.<frac>]`), `rfc3339` (rclone's atime/btime). */
export type TimeForm = 'codec' | 'seconds' | 'rfc3339'

const MAX_ST_MODE = 0o177777

function typeOf(stMode: number): number {
  return stMode & S_IFMT
}

/** Type bits we represent: none (the key decides), regular file, directory, symlink. */
function knownType(stMode: number): boolean {
  const type = typeOf(stMode)
  return type === 0 || type === S_IFREG || type === S_IFDIR || type === S_IFLNK
}

/** Whether type bits fit an object of `kind` (a file object may be s3fs's legacy directory object). */
function fitsKind(stMode: number, kind: 'file' | 'directory'): boolean {
  const type = typeOf(stMode)
  return type === 0 || (kind === 'directory' ? type === S_IFDIR : true)
}

/**
 * Reads a `mode` value in any of the forms of {@link ModeForm}. The key is shared by s3fs
 * (decimal) and rclone (octal), so: a leading zero is octal; otherwise the decimal reading
 * wins when its type bits are ones we know, and the octal reading is taken only where the
 * decimal one is impossible (rclone's `100644` is 0o304264 as decimal, no file type) or where
 * only the octal one fits the object (`41777` on a directory marker: a sticky 01777 directory
 * from rclone, not a symlink). `undefined` when neither reading is a known type.
 */
export function readMode(value: string | undefined, kind: 'file' | 'directory'): ReadMode | undefined {
  const text = value?.trim()
  if (text === undefined || text === '') return undefined
  if (/^0[0-7]{1,6}$/.test(text)) {
    const stMode = Number.parseInt(text, 8)
    return stMode <= MAX_ST_MODE && knownType(stMode) ? { stMode, form: 'octal-string' } : undefined
  }
  const decimal = /^\d{1,10}$/.test(text) ? Number(text) : undefined
  const decimalOk = decimal !== undefined && decimal <= MAX_ST_MODE && knownType(decimal)
  const octal = /^[0-7]{5,6}$/.test(text) ? Number.parseInt(text, 8) : undefined
  const octalOk = octal !== undefined && octal <= MAX_ST_MODE && typeOf(octal) !== 0 && knownType(octal)
  if (decimalOk && (!octalOk || fitsKind(decimal, kind) || !fitsKind(octal, kind))) return { stMode: decimal, form: 'decimal' }
  if (octalOk) return { stMode: octal, form: 'octal' }
  return undefined
}

/** Reads `goog-reserved-posix-mode`: octal permission bits (`644`, `4755`), optionally with type bits. */
export function readGoogMode(value: string | undefined): number | undefined {
  const text = value?.trim()
  if (text === undefined || !/^[0-7]{1,6}$/.test(text)) return undefined
  const stMode = Number.parseInt(text, 8)
  return stMode <= MAX_ST_MODE && knownType(stMode) ? stMode : undefined
}

/** Reads a uid or gid in decimal; `undefined` when malformed or above 2^32 - 1. */
export function readId(value: string | undefined): number | undefined {
  const text = value?.trim()
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined
  const parsed = Number(text)
  return parsed <= 0xffff_ffff ? parsed : undefined
}

/** Reads a time as `<seconds>[.<fraction>]` (ours, s3fs, rclone's mtime) or RFC 3339 (rclone's atime and btime). */
export function readTime(value: string | undefined): { readonly ns: bigint; readonly form: TimeForm } | undefined {
  if (value === undefined) return undefined
  const seconds = parseTimestamp(value)
  if (seconds !== undefined) return { ns: seconds, form: /^\d+\.\d{9}$/.test(value) ? 'codec' : 'seconds' }
  const rfc = parseRfc3339Nano(value)
  return rfc === undefined ? undefined : { ns: rfc, form: 'rfc3339' }
}

/** A zero-byte object whose `mode` has directory bits: s3fs's legacy directory object (`dir`, no slash). */
export function isDirectoryModeObject(size: number, metadata: Record<string, string> | undefined): boolean {
  if (size !== 0) return false
  const mode = readMode(metadata?.['mode'], 'file')
  return mode !== undefined && typeOf(mode.stMode) === S_IFDIR
}

/** Suffixes of the legacy directory markers (`dir_$folder$` of s3fs's ancestors S3Fox, Hadoop s3n and EMRFS, and `dir$folder$`). */
export const LEGACY_MARKER_SUFFIXES = ['_$folder$', '$folder$'] as const

/** The directory name a legacy marker stands for (`a_$folder$` → `a`), or `undefined` for other names. */
export function legacyMarkerDirectory(name: string): string | undefined {
  for (const suffix of LEGACY_MARKER_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length)
  }
  return undefined
}
