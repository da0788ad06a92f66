import type { BlobHead } from '../blob/blob-store.js'
import { readId, readMode, readTime } from '../metadata/dialects.js'
import { S_IFDIR, S_IFLNK, S_IFMT } from '../metadata/entry-info.js'
import { foreignKeys, metadataKeys } from '../metadata/keys.js'
import { isGcsfuseSymlink, readMtime } from '../metadata/reader.js'

const formNames = { octal: "rclone's octal st_mode", 'octal-string': 'an octal string', decimal: 'decimal' } as const

/**
 * Why an object's metadata is not in our codec's form (empty: it is). Foreign keys that agree
 * with ours (the goog-reserved keys our GCS writer adds, rclone's btime) are fine; a missing
 * `atime` or `ctime` is fine (they read as the mtime).
 */
export function metadataIssues(head: BlobHead, kind: 'file' | 'directory'): string[] {
  const metadata = head.metadata ?? {}
  const issues: string[] = []
  const modeValue = metadata[metadataKeys.mode]
  const mode = readMode(modeValue, kind)
  if (modeValue === undefined) {
    if (metadata[foreignKeys.googMode] !== undefined) issues.push('mode only in goog-reserved-posix-mode')
  } else if (!mode) issues.push(`mode ${JSON.stringify(modeValue)} does not parse`)
  else {
    if (mode.form !== 'decimal') issues.push(`mode ${modeValue} is ${formNames[mode.form]}`)
    const type = mode.stMode & S_IFMT
    if (type === 0) issues.push(`mode ${modeValue} has no file type bits`)
    else if (kind === 'directory' && type !== S_IFDIR) issues.push(`mode ${modeValue} is not a directory's`)
  }
  if (modeValue === undefined && kind === 'file' && isGcsfuseSymlink(metadata)) issues.push('a gcsfuse symlink without a mode')
  for (const key of [metadataKeys.uid, metadataKeys.gid] as const) {
    const value = metadata[key]
    if (value !== undefined && readId(value) === undefined) issues.push(`${key} ${JSON.stringify(value)} does not parse`)
  }
  if (metadata[metadataKeys.uid] === undefined && metadata[foreignKeys.googUid] !== undefined) issues.push('uid only in goog-reserved-posix-uid')
  if (metadata[metadataKeys.gid] === undefined && metadata[foreignKeys.googGid] !== undefined) issues.push('gid only in goog-reserved-posix-gid')
  for (const key of [metadataKeys.atime, metadataKeys.mtime, metadataKeys.ctime] as const) {
    const value = metadata[key]
    if (value === undefined) continue
    const time = readTime(value)
    if (!time) issues.push(`${key} ${JSON.stringify(value)} does not parse`)
    else if (time.form !== 'codec') issues.push(`${key} ${value} is ${time.form === 'rfc3339' ? 'RFC 3339' : 'not <seconds>.<9 digits>'}`)
  }
  const mtime = readMtime(metadata)
  if (mtime && mtime.source !== metadataKeys.mtime) issues.push(`mtime only in ${mtime.source}`)
  if (modeValue === undefined && metadata[foreignKeys.googMode] === undefined && !isGcsfuseSymlink(metadata)) issues.push('no mode stored')
  if (!mtime) issues.push('no mtime stored')
  return issues
}

/** Whether the issues are only that nothing is stored (`missing-metadata`), not a foreign form. */
export function onlyMissing(issues: readonly string[]): boolean {
  return issues.length > 0 && issues.every((issue) => /^no (mode|mtime) stored$/.test(issue))
}

/** Whether the decoded type of a file object is a symlink by its mode bits. */
export function hasSymlinkBits(head: BlobHead): boolean {
  const mode = readMode(head.metadata?.[metadataKeys.mode], 'file')
  return mode !== undefined && (mode.stMode & S_IFMT) === S_IFLNK
}
