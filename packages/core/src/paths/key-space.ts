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

  /** The object key of the file at `path`. */
  fileKey(path: string, op: string): string {
    return this.#checked(`${this.prefix}${path.slice(1)}`, path, op)
  }

  /** The key of the directory marker at `path`; `undefined` for the root of an unprefixed space. */
  markerKey(path: string, op: string): string | undefined {
    if (path === '/') return this.prefix === '' ? undefined : this.prefix
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
