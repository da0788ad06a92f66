/** The kinds of entry a volume holds. */
export type EntryType = 'file' | 'directory' | 'symlink'

/** What `getInfo`, `list` and writes return about an entry, named after the E2B Volumes SDK. */
export interface EntryInfo {
  /** Last path component (`''` for the root). */
  readonly name: string
  readonly type: EntryType
  /** Normalised absolute path inside the volume. */
  readonly path: string
  /** Bytes of a file (a symlink: of its target); 0 for a directory. */
  readonly size: number
  /** Permission bits only, e.g. `0o644`. */
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly atime: Date
  readonly mtime: Date
  readonly ctime: Date
  /** A symlink's target. */
  readonly target?: string | undefined
}

/** POSIX attributes as stored, with nanosecond times. */
export interface PosixAttributes {
  readonly type: EntryType
  /** Permission bits (0..0o7777). */
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly atimeNs: bigint
  readonly mtimeNs: bigint
  readonly ctimeNs: bigint
}

/** `st_mode` type bits. */
export const S_IFMT = 0o170000
export const S_IFREG = 0o100000
export const S_IFDIR = 0o040000
export const S_IFLNK = 0o120000
