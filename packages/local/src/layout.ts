import { createHash, randomBytes } from 'node:crypto'
import { checkKey, RESERVED_NAME } from './key-rules.js'
import { hostTag } from './process-identity.js'

/**
 * Where everything about one key lives on the disk.
 *
 * A file key `a/b` is the plain file `<root>/a/b`. A marker key `a/b/` is the real directory
 * `<root>/a/b` plus a hidden data file (the marker's bytes, usually none). Metadata records,
 * marker data and locks are named by a hash of the key in the reserved directory, so a file `a`
 * and the keys under `a/` never collide there.
 */
export interface KeyLocation {
  readonly key: string
  /** The key ends with `/`: a directory marker. */
  readonly marker: boolean
  /** The file holding the object's bytes: the user's file, or the marker's hidden data file. */
  readonly dataPath: string
  /** The directory holding `dataPath`. */
  readonly dataParent: string
  /** For a marker, the user's directory it marks. */
  readonly dirPath: string | undefined
  /** The metadata record (JSON). */
  readonly recordPath: string
  /** The directory holding `recordPath` (and a marker's data file). */
  readonly recordParent: string
  /** The key's lock (a symlink naming its owner), beside the record. */
  readonly lockPath: string
}

/**
 * The on-disk layout under one root:
 *
 * ```
 * <root>/a/b.txt                              file key `a/b.txt`
 * <root>/a/                                   directory of marker key `a/` (and parent of `a/b.txt`)
 * <root>/.volumes-local/meta/<h2>/<hash>.json metadata record of a key (hash = sha256 of the key)
 * <root>/.volumes-local/meta/<h2>/<hash>.dir  data of marker key (bytes put to `a/`)
 * <root>/.volumes-local/meta/<h2>/<hash>.lock per-key lock (a symlink naming its owner)
 * <root>/.volumes-local/tmp/                  temporary files, renamed into place when complete
 * ```
 *
 * `<h2>` is the first two hex digits of the hash: 256 directories share the records and the
 * lock traffic, so concurrent writers of different keys rarely contend for one directory.
 */
export class Layout {
  readonly root: string
  readonly reserved: string
  readonly metaDir: string
  readonly tmpDir: string
  readonly #rootSlash: string
  #tempCounter = 0
  readonly #tempPrefix: string

  constructor(root: string) {
    this.root = root
    this.#rootSlash = root.endsWith('/') ? root : `${root}/`
    this.reserved = `${this.#rootSlash}${RESERVED_NAME}`
    this.metaDir = `${this.reserved}/meta`
    this.tmpDir = `${this.reserved}/tmp`
    this.#tempPrefix = `${this.tmpDir}/${hostTag()}.${process.pid}.${randomBytes(3).toString('hex')}.`
  }

  /** Validates `key` (EINVAL / ENAMETOOLONG) and returns where it lives. */
  locate(key: string, op: string): KeyLocation {
    checkKey(key, op)
    return this.locateTrusted(key)
  }

  /** Where an already validated key lives (keys built from directory listings). */
  locateTrusted(key: string): KeyLocation {
    const hash = createHash('sha256').update(key).digest('hex')
    const recordParent = `${this.metaDir}/${hash.slice(0, 2)}`
    const marker = key.endsWith('/')
    const dataPath = marker ? `${recordParent}/${hash}.dir` : this.userPath(key)
    return {
      key,
      marker,
      dataPath,
      dataParent: marker ? recordParent : dataPath.slice(0, dataPath.lastIndexOf('/')),
      dirPath: marker ? this.userPath(key.slice(0, -1)) : undefined,
      recordPath: `${recordParent}/${hash}.json`,
      recordParent,
      lockPath: `${recordParent}/${hash}.lock`,
    }
  }

  /** The 256 metadata directories. */
  fanOutDirs(): string[] {
    return Array.from({ length: 256 }, (_, i) => `${this.metaDir}/${i.toString(16).padStart(2, '0')}`)
  }

  /** The user-visible path of a key or directory key relative to the root (`''` is the root). */
  userPath(relative: string): string {
    return relative === '' ? this.root : `${this.#rootSlash}${relative}`
  }

  /** A fresh temporary file path, unique in this process; its name says which process made it. */
  tempPath(): string {
    return `${this.#tempPrefix}${(this.#tempCounter++).toString(36)}`
  }
}
