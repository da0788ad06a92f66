import { VolumeError } from '../errors/volume-error.js'
import type { BlobCapabilities } from '../blob/blob-store.js'
import { utf8Length } from '../blob/keys.js'

/**
 * Maps normalised volume paths to object keys under one volume's prefix, and back.
 *
 * A file `/a/b` is the object `<prefix>a/b`; a directory `/a` is the marker
 * object `<prefix>a/`. The root directory's marker is `<prefix>` itself (none when
 * the prefix is empty, as for a whole bucket opened as a volume).
 */
export class KeySpace {
  constructor(
    /** Ends with `/`, or is empty. */
    readonly prefix: string,
    private readonly capabilities: BlobCapabilities,
  ) {}

  /**
   * The object key of the file at `path`. EINVAL (reason `ReservedName`) for a name a backend
   * gives a meaning of its own, on every backend alike; ENAMETOOLONG past the backend's lengths.
   */
  fileKey(path: string, op: string): string {
    checkNames(path, op, this.capabilities.maxSegmentBytes, this.capabilities.maxSegmentBytes)
    return this.#checked(`${this.prefix}${path.slice(1)}`, path, op)
  }

  /**
   * The key of the directory marker at `path`; `undefined` for the root of an unprefixed space.
   * The directory's own name must leave room for the backend's marker suffix (`markerSuffixBytes`).
   */
  markerKey(path: string, op: string): string | undefined {
    if (path === '/') return this.prefix === '' ? undefined : this.prefix
    const { maxSegmentBytes, markerSuffixBytes = 0 } = this.capabilities
    checkNames(path, op, maxSegmentBytes, maxSegmentBytes - markerSuffixBytes)
    return this.#checked(`${this.prefix}${path.slice(1)}/`, path, op)
  }

  /** The prefix under which a directory's children live. */
  childPrefix(path: string): string {
    return path === '/' ? this.prefix : `${this.prefix}${path.slice(1)}/`
  }

  /** The volume path of a key under this space (the inverse of `fileKey`/`markerKey`). */
  pathOf(key: string): string {
    const relative = key.slice(this.prefix.length).replace(/\/$/, '')
    return `/${relative}`
  }

  #checked(key: string, path: string, op: string): string {
    if (utf8Length(key) > this.capabilities.maxKeyBytes) {
      throw new VolumeError('ENAMETOOLONG', { op, path, reason: 'KeyTooLong', detail: `object key longer than the backend's ${this.capabilities.maxKeyBytes} bytes` })
    }
    return key
  }
}

/**
 * Names that some backend stores as something else: MinIO keeps a directory object `d/` on
 * its disk as `d__XLDIR__`, so a file of that name would show as the directory `d` and an
 * `e__XLDIR__` would overwrite e's marker. Refused on every backend, so volumes move between them.
 */
const RESERVED_SUFFIX = '__XLDIR__'

function checkNames(path: string, op: string, maxNameBytes: number, maxLastNameBytes: number): void {
  const names = path.split('/')
  names.forEach((name, index) => {
    if (name.endsWith(RESERVED_SUFFIX)) {
      throw new VolumeError('EINVAL', { op, path, reason: 'ReservedName', detail: `names ending in ${RESERVED_SUFFIX} are reserved (object stores use them for directories)` })
    }
    const limit = index === names.length - 1 ? maxLastNameBytes : maxNameBytes
    if (Number.isFinite(limit) && utf8Length(name) > limit) {
      throw new VolumeError('ENAMETOOLONG', { op, path, reason: 'NameTooLong', detail: `name longer than the ${limit} bytes this backend stores` })
    }
  })
}
