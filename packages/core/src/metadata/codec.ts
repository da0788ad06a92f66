import type { BlobMetadata } from '../blob/blob-store.js'
import { S_IFDIR, S_IFLNK, S_IFREG, type EntryType, type PosixAttributes } from './entry-info.js'
import { metadataKeys } from './keys.js'
import { formatTimestamp } from './timestamps.js'

export { metadataKeys } from './keys.js'
export { dateOf, formatTimestamp, nanosecondsOf, parseTimestamp } from './timestamps.js'
export { decodeAttributes, defaultAttributes, type AttributeDefaults } from './reader.js'

const typeBits: Record<EntryType, number> = { file: S_IFREG, directory: S_IFDIR, symlink: S_IFLNK }

/**
 * The one writer: encodes attributes as object metadata, in the form s3fs reads (decimal
 * full `st_mode`, decimal ids, `<sec>.<ns>` times), which rclone shows as it is.
 */
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
