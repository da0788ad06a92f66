import type { Lease, LeaseManager } from '@volumes/core'

/**
 * The leases this process granted through the API and still holds, so that a graceful
 * shutdown can release them. Keyed by holder and volume; a renewal (a new lease with a
 * new token) replaces the entry. Releasing an entry another process has since renewed is
 * harmless: lease managers release by token, and that token is no longer current.
 */
export class HeldLeases {
  readonly #leases = new Map<string, Lease>()

  /** Tracks a lease, replacing the holder's previous one on the same volume. */
  add(lease: Lease): void {
    if (this.#leases.size % 256 === 255) this.#prune()
    this.#leases.set(`${lease.holderId}\n${lease.volumeId}`, lease)
  }

  /** Forgets a holder's leases (after they were released another way). */
  forgetHolder(holderId: string): void {
    for (const [key, lease] of this.#leases) if (lease.holderId === holderId) this.#leases.delete(key)
  }

  /** Leases still current by the local clock. */
  get size(): number {
    this.#prune()
    return this.#leases.size
  }

  /**
   * Releases every lease that is still current here and that the lease manager still holds
   * under its token (another process may have renewed or released it since); resolves to
   * how many were released.
   */
  async releaseAll(manager: LeaseManager): Promise<number> {
    this.#prune()
    const leases = [...this.#leases.values()]
    this.#leases.clear()
    const results = await Promise.allSettled(leases.map(async (lease) => {
      if (!(await manager.validate(lease.volumeId, lease.holderId, lease.token))) return false
      await lease.release()
      return true
    }))
    return results.filter((result) => result.status === 'fulfilled' && result.value).length
  }

  #prune(): void {
    for (const [key, lease] of this.#leases) if (!lease.isCurrent()) this.#leases.delete(key)
  }
}
