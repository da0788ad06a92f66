import { VolumeError } from '@volumes/core'

/**
 * A durable high-water mark of the fencing tokens of each volume, kept outside Redis
 * (the VolumeStore keeps it in the volume's record in the bucket, with a conditional write),
 * so that tokens never go backwards when Redis loses its data.
 *
 * The lease manager reserves tokens in blocks: before it issues any token above its
 * reserved ceiling it calls `raise(volumeId, ceiling + blockSize)` and waits for it, so every
 * token ever issued is ≤ the floor. When the counter is missing in Redis (restart without
 * persistence, flush, eviction) or a block is used up, it reads the floor and continues
 * above it.
 */
export interface TokenFloor {
  /** The highest token that may have been issued for the volume; 0 when none. */
  read(volumeId: string): Promise<number>
  /**
   * Durably raises the floor to at least `token` before resolving. Must never lower it:
   * a raise to a value at or below the stored one is a no-op (concurrent raises race).
   */
  raise(volumeId: string, token: number): Promise<void>
}

/** Default number of tokens reserved per {@link TokenFloor.raise}. */
export const DEFAULT_TOKEN_BLOCK_SIZE = 1000

/**
 * A token floor in this process's memory. Survives a Redis restart, not a restart of the
 * process: for tests, demos, and single-process servers whose Redis is the part that may restart.
 */
export class MemoryTokenFloor implements TokenFloor {
  readonly #floors = new Map<string, number>()
  /** Calls to `raise` and `read`, to observe how often the floor is touched. */
  readonly calls = { read: 0, raise: 0 }

  async read(volumeId: string): Promise<number> {
    this.calls.read++
    return this.#floors.get(volumeId) ?? 0
  }

  async raise(volumeId: string, token: number): Promise<void> {
    this.calls.raise++
    if (token > (this.#floors.get(volumeId) ?? 0)) this.#floors.set(volumeId, token)
  }
}

/** What the acquire script needs after a reservation: the floor seen and the new ceiling. */
export interface Reservation {
  readonly floorSeen: number
  readonly ceiling: number
}

/**
 * Reserves blocks of tokens in a {@link TokenFloor}, one reservation in flight per volume
 * in this process (concurrent acquires of one volume share it).
 */
export class TokenReserver {
  readonly #floor: TokenFloor
  readonly #blockSize: number
  readonly #inFlight = new Map<string, Promise<Reservation>>()

  constructor(floor: TokenFloor, blockSize: number = DEFAULT_TOKEN_BLOCK_SIZE) {
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) {
      throw new VolumeError('EINVAL', { op: 'configure', reason: 'InvalidTokenBlockSize', detail: `tokenBlockSize must be a positive integer, got ${blockSize}` })
    }
    this.#floor = floor
    this.#blockSize = blockSize
  }

  /** Reads the floor and raises it one block above everything Redis or the floor has seen (`issued`, `ceiling`). */
  reserve(volumeId: string, issued: number, ceiling: number): Promise<Reservation> {
    let pending = this.#inFlight.get(volumeId)
    if (!pending) {
      pending = this.#reserve(volumeId, issued, ceiling).finally(() => this.#inFlight.delete(volumeId))
      this.#inFlight.set(volumeId, pending)
    }
    return pending
  }

  async #reserve(volumeId: string, issued: number, ceiling: number): Promise<Reservation> {
    const floorSeen = await this.#floor.read(volumeId)
    const next = Math.max(floorSeen, issued, ceiling) + this.#blockSize
    if (!Number.isSafeInteger(next)) throw new VolumeError('EIO', { op: 'acquire', path: volumeId, reason: 'TokenOverflow', detail: `fencing token would pass ${Number.MAX_SAFE_INTEGER}` })
    await this.#floor.raise(volumeId, next)
    return { floorSeen, ceiling: next }
  }
}
