import type { BlobMetadata } from '../blob/blob-store.js'
import { readGoogMode, readId, readMode, readTime } from './dialects.js'
import { S_IFLNK, S_IFMT, type EntryType, type PosixAttributes } from './entry-info.js'
import { foreignKeys, metadataKeys } from './keys.js'
import { nanosecondsOf, parseRfc3339Nano, parseWholeSeconds } from './timestamps.js'

/** Defaults for objects that carry none of our keys (written by other tools). */
export interface AttributeDefaults {
  readonly fileMode: number
  readonly directoryMode: number
  readonly uid: number
  readonly gid: number
}

/** Files 0644, directories 0755, owned by root: what s3fs and rclone assume too. */
export const defaultAttributes: AttributeDefaults = { fileMode: 0o644, directoryMode: 0o755, uid: 0, gid: 0 }

/** Whether the object is a gcsfuse symlink (`gcsfuse_symlink_target`, or `goog-reserved-file-is-symlink: true`). */
export function isGcsfuseSymlink(metadata: BlobMetadata | undefined): boolean {
  return metadata?.[foreignKeys.gcsfuseSymlinkTarget] !== undefined || metadata?.[foreignKeys.googIsSymlink]?.trim().toLowerCase() === 'true'
}

/** The target gcsfuse keeps in metadata (older gcsfuse: its symlinks have an empty body). */
export function metadataSymlinkTarget(metadata: BlobMetadata | undefined): string | undefined {
  return metadata?.[foreignKeys.gcsfuseSymlinkTarget]
}

/**
 * The mtime an object carries and which key it came from. Our `mtime` (also s3fs's and
 * rclone's) wins, except that a `gcsfuse_mtime` that disagrees with it wins: our writer keeps
 * the two equal on GCS, so a difference means gcsfuse rewrote the object and kept our old key.
 */
export function readMtime(metadata: BlobMetadata | undefined): { readonly ns: bigint; readonly source: string } | undefined {
  const ours = readTime(metadata?.[metadataKeys.mtime])
  const gcsfuse = parseRfc3339Nano(metadata?.[foreignKeys.gcsfuseMtime])
  if (gcsfuse !== undefined && (ours === undefined || ours.ns !== gcsfuse)) return { ns: gcsfuse, source: foreignKeys.gcsfuseMtime }
  if (ours) return { ns: ours.ns, source: metadataKeys.mtime }
  const gsutil = parseWholeSeconds(metadata?.[foreignKeys.googFileMtime])
  return gsutil === undefined ? undefined : { ns: gsutil, source: foreignKeys.googFileMtime }
}

/**
 * The one metadata reader: decodes the attributes of an object written by us, s3fs, rclone,
 * gcsfuse or gsutil (docs/interop.md has the table of keys, forms and precedence), filling
 * what is missing from the defaults and the object's last-modified time. `kind` says what
 * the key looks like (a marker ending in `/`, or a legacy directory object, is a directory);
 * symlink type bits, or gcsfuse's symlink keys, make a file a symlink.
 */
export function decodeAttributes(
  metadata: BlobMetadata | undefined,
  kind: 'file' | 'directory',
  lastModified: Date,
  defaults: AttributeDefaults = defaultAttributes,
): PosixAttributes {
  const ours = readMode(metadata?.[metadataKeys.mode], kind)
  const stMode = ours?.stMode ?? readGoogMode(metadata?.[foreignKeys.googMode])
  const symlinkBits = stMode !== undefined && (stMode & S_IFMT) === S_IFLNK
  const type: EntryType = kind === 'directory' ? 'directory' : symlinkBits || (ours === undefined && isGcsfuseSymlink(metadata)) ? 'symlink' : 'file'
  const fallbackMode = type === 'directory' ? defaults.directoryMode : type === 'symlink' ? 0o777 : defaults.fileMode
  const mtime = readMtime(metadata)
  const mtimeNs = mtime?.ns ?? nanosecondsOf(lastModified)
  const ctimeNs = readTime(metadata?.[metadataKeys.ctime])?.ns ?? mtimeNs
  return {
    type,
    mode: stMode === undefined ? fallbackMode : stMode & 0o7777,
    uid: readId(metadata?.[metadataKeys.uid]) ?? readId(metadata?.[foreignKeys.googUid]) ?? defaults.uid,
    gid: readId(metadata?.[metadataKeys.gid]) ?? readId(metadata?.[foreignKeys.googGid]) ?? defaults.gid,
    mtimeNs,
    atimeNs: readTime(metadata?.[metadataKeys.atime])?.ns ?? parseWholeSeconds(metadata?.[foreignKeys.googFileAtime]) ?? mtimeNs,
    ctimeNs: mtime?.source === foreignKeys.gcsfuseMtime && ctimeNs < mtimeNs ? mtimeNs : ctimeNs,
  }
}
