import type { BlobMetadata } from '../blob/blob-store.js'
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type EntryType, type PosixAttributes } from './entry-info.js'

/** Defaults for objects that carry none of our keys (written by other tools). */
export interface AttributeDefaults {
  readonly fileMode: number
  readonly directoryMode: number
  readonly uid: number
  readonly gid: number
}

/** Files 0644, directories 0755, owned by root: what s3fs and rclone assume too. */
export const defaultAttributes: AttributeDefaults = { fileMode: 0o644, directoryMode: 0o755, uid: 0, gid: 0 }

/** The metadata keys of the codec, as s3fs and rclone name them. */
export const metadataKeys = { mode: 'mode', uid: 'uid', gid: 'gid', atime: 'atime', mtime: 'mtime', ctime: 'ctime' } as const

const typeBits: Record<EntryType, number> = { file: S_IFREG, directory: S_IFDIR, symlink: S_IFLNK }

/** Nanoseconds since the epoch for a `Date` (or now). */
export function nanosecondsOf(date: Date = new Date()): bigint {
  return BigInt(date.getTime()) * 1_000_000n
}

/** `<seconds>.<9-digit nanoseconds>`, the time format of the codec. */
export function formatTimestamp(ns: bigint): string {
  const seconds = ns / 1_000_000_000n
  const fraction = ns % 1_000_000_000n
  return `${seconds}.${fraction.toString().padStart(9, '0')}`
}

/** Parses `<seconds>[.<fraction>]` (any fraction length); `undefined` when malformed. */
export function parseTimestamp(value: string | undefined): bigint | undefined {
  const match = value === undefined ? null : /^(\d{1,15})(?:\.(\d{1,9})\d*)?$/.exec(value.trim())
  if (!match) return undefined
  return BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0') || '0')
}

/** A `Date` for nanoseconds since the epoch (millisecond precision). */
export function dateOf(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n))
}

/** Encodes attributes as object metadata: decimal full `st_mode`, decimal ids, `<sec>.<ns>` times. */
export function encodeAttributes(attributes: PosixAttributes): BlobMetadata {
  return {
    [metadataKeys.mode]: String(typeBits[attributes.type] | (attributes.mode & 0o7777)),
    [metadataKeys.uid]: String(attributes.uid),
    [metadataKeys.gid]: String(attributes.gid),
    [metadataKeys.atime]: formatTimestamp(attributes.atimeNs),
    [metadataKeys.mtime]: formatTimestamp(attributes.mtimeNs),
    [metadataKeys.ctime]: formatTimestamp(attributes.ctimeNs),
  }
}

/**
 * Decodes object metadata, filling what is missing or malformed from the defaults
 * and the object's last-modified time. `kind` says what the key looks like (a
 * marker ending in `/` is a directory); a `mode` with symlink bits makes a file a symlink.
 */
export function decodeAttributes(
  metadata: BlobMetadata | undefined,
  kind: 'file' | 'directory',
  lastModified: Date,
  defaults: AttributeDefaults = defaultAttributes,
): PosixAttributes {
  const stMode = parseInteger(metadata?.[metadataKeys.mode], 0o177777)
  const type: EntryType = kind === 'directory' ? 'directory' : stMode !== undefined && (stMode & S_IFMT) === S_IFLNK ? 'symlink' : 'file'
  const fallbackMode = kind === 'directory' ? defaults.directoryMode : defaults.fileMode
  const mtimeNs = parseTimestamp(metadata?.[metadataKeys.mtime]) ?? nanosecondsOf(lastModified)
  return {
    type,
    mode: stMode === undefined ? fallbackMode : stMode & 0o7777,
    uid: parseInteger(metadata?.[metadataKeys.uid], 0xffff_ffff) ?? defaults.uid,
    gid: parseInteger(metadata?.[metadataKeys.gid], 0xffff_ffff) ?? defaults.gid,
    mtimeNs,
    atimeNs: parseTimestamp(metadata?.[metadataKeys.atime]) ?? mtimeNs,
    ctimeNs: parseTimestamp(metadata?.[metadataKeys.ctime]) ?? mtimeNs,
  }
}

function parseInteger(value: string | undefined, max: number): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value.trim())) return undefined
  const parsed = Number(value.trim())
  return parsed <= max ? parsed : undefined
}
