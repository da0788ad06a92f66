import type { BlobStore } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { VolumeRegistry } from '../registry/volume-registry.js'
import { sleep } from '../util/abort.js'

/**
 * A durable high-water mark of the fencing tokens of each volume, kept outside the
 * lease store, so that tokens never go backwards when the lease store loses its data
 * (a Redis restarted without persistence, flushed, or evicting keys).
 *
 * A lease manager that can lose state raises the floor (and waits) before it issues
 * any token above it, and continues above `read()` when its own counter is missing.
 */
export interface TokenFloor {
  /** The highest token that may have been issued for the volume; 0 when none. */
  read(volumeId: string): Promise<number>
  /**
   * Durably raises the floor to at least `token` before resolving. Never lowers it:
   * raising to a value at or below the stored one is a no-op (concurrent raises race safely).
   */
  raise(volumeId: string, token: number): Promise<void>
}

const MAX_ATTEMPTS = 50

/**
 * A {@link TokenFloor} kept in the `tokenFloor` field of the volume's record in the
 * registry (in the bucket), raised with a compare-and-swap (`ifMatch`) loop.
 *
 * Only volumes in the registry have a floor: `raise` on an unknown volume id is ENOENT
 * (reason `VolumeNotFound`); `read` of one is 0. Construct it from the same BlobStore
 * as the VolumeStore, before the lease manager that needs it.
 *
 * @example
 * const blobs = new S3BlobStore({ bucket: 'volumes' })
 * const leases = new RedisLeaseManager({ redis, tokenFloor: new RegistryTokenFloor(blobs) })
 * const store = new VolumeStore({ blobs, leases })
 */
export class RegistryTokenFloor implements TokenFloor {
  readonly #registry: VolumeRegistry

  constructor(blobs: BlobStore) {
    this.#registry = new VolumeRegistry(blobs)
  }

  async read(volumeId: string): Promise<number> {
    return (await this.#registry.byId(volumeId))?.record.tokenFloor ?? 0
  }

  async raise(volumeId: string, token: number): Promise<void> {
    if (!Number.isSafeInteger(token) || token < 0) {
      throw new VolumeError('EINVAL', { op: 'raiseTokenFloor', path: volumeId, reason: 'InvalidToken', detail: `token must be a non-negative safe integer, got ${token}` })
    }
    for (let attempt = 1; ; attempt++) {
      const found = await this.#registry.byId(volumeId)
      if (!found) throw new VolumeError('ENOENT', { op: 'raiseTokenFloor', path: volumeId, reason: 'VolumeNotFound', detail: `Volume "${volumeId}" not found` })
      if ((found.record.tokenFloor ?? 0) >= token) return
      try {
        await this.#registry.update({ ...found.record, tokenFloor: token }, found.version)
        return
      } catch (error) {
        if (!isVolumeError(error, 'EPRECONDITION') || attempt >= MAX_ATTEMPTS) throw error
        await sleep(Math.random() * Math.min(50, 2 ** attempt))
      }
    }
  }
}
