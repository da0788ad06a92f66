import { S_IFDIR, S_IFLNK, S_IFREG, type EntryInfo } from '@volumes/core'

/** The stat fields fuse-native reads (times in milliseconds, as Dates). */
export interface FuseStat {
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly size: number
  readonly nlink: number
  readonly blksize: number
  readonly blocks: number
  readonly atime: Date
  readonly mtime: Date
  readonly ctime: Date
}

/** Present every entry as owned by one uid and/or gid (sandboxes that run as a fixed user). */
export interface OwnerMapping {
  readonly uid?: number | undefined
  readonly gid?: number | undefined
}

const typeBits = { file: S_IFREG, directory: S_IFDIR, symlink: S_IFLNK } as const

/** A volume entry as a stat structure. */
export function statOf(info: EntryInfo, mapping: OwnerMapping = {}, size = info.size): FuseStat {
  return {
    mode: typeBits[info.type] | (info.mode & 0o7777),
    uid: mapping.uid ?? info.uid,
    gid: mapping.gid ?? info.gid,
    size,
    nlink: info.type === 'directory' ? 2 : 1,
    blksize: 4096,
    blocks: Math.ceil(size / 512),
    atime: info.atime,
    mtime: info.mtime,
    ctime: info.ctime,
  }
}
