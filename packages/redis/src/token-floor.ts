import { VolumeError, type TokenFloor } from '@volumes/core'

export type { TokenFloor } from '@volumes/core'

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
 * The {@link TokenFloor} (defined in `@volumes/core`, which keeps it in the volume's record in
 * the bucket: `RegistryTokenFloor`) is a durable high-water mark of each volume's fencing tokens,
 * so that tokens never go backwards when Redis loses its data.
 *
 * How the Redis lease manager uses it, off the hot path: Redis keeps, per volume, the last token
 * issued and a reserved ceiling. A token at or below the ceiling is issued by the acquire
 * script alone. To go past the ceiling (a block used up, or the counter missing because Redis
 * restarted empty, was flushed or lost the key), the script refuses and the client reads the
 * floor, raises it one block above everything seen (`raise(volumeId, max(floor, issued,
 * ceiling) + blockSize)`), waits for that write, and runs the script again, which moves the
 * counter up to the floor it read and the ceiling to the raised value. Every token ever issued
 * is therefore ≤ the floor, and a counter rebuilt from the floor continues above all of them.
 *
 * Trade-offs of the block size N (`tokenBlockSize`):
 * - cost: one floor read and one floor write per N grants per volume (and per process restart
 *   of Redis), nothing on renew, release or validate;
 * - tokens jump by up to N after a data loss (harmless: only their order matters);
 * - a failover: a grant counts only once the replicas acknowledged it (`waitForReplicas`,
 *   `WAIT`), so the promoted replica holds every token handed out and its ceiling. With
 *   `waitForReplicas: 0`, a replica promoted after asynchronous replication lost the last
 *   writes holds an older counter *and* an older ceiling, and reissues tokens of the current
 *   block (at most N) before it crosses its ceiling and resynchronises with the floor; N = 1
 *   closes that window for tokens (every acquire reads and raises the floor: two bucket
 *   requests), not for the lost leases themselves.
 *
 * This class reserves the blocks: one reservation in flight per volume in this process
 * (concurrent acquires of one volume share it).
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
