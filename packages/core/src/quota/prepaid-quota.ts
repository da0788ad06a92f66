import type { QuotaCharger } from './quota-charger.js'

/**
 * A quota view for a bulk transfer: the whole transfer's growth is reserved in
 * one compare-and-swap up front, then each file draws on that sum in memory
 * instead of writing the usage object once per file. What is left is given back
 * by {@link PrepaidQuota.settle}. When the sum runs short (files grew since they
 * were scanned), the shortfall is reserved from the volume as usual.
 *
 * So an upload that cannot fit fails with ENOSPC before writing anything, and one
 * that fits costs two usage writes in all, not one per file.
 */
export class PrepaidQuota implements QuotaCharger {
  #bytes: number
  #inodes: number

  private constructor(
    private readonly inner: QuotaCharger,
    bytes: number,
    inodes: number,
  ) {
    this.#bytes = bytes
    this.#inodes = inodes
  }

  /** Reserves `bytes` and `inodes` from `inner` (ENOSPC naming `path` when they do not fit). */
  static async open(inner: QuotaCharger, op: string, path: string, bytes: number, inodes: number): Promise<PrepaidQuota> {
    await inner.reserve(op, path, bytes, inodes)
    return new PrepaidQuota(inner, bytes, inodes)
  }

  async reserve(op: string, path: string, bytes: number, inodes: number, extraBytes = 0): Promise<number> {
    const fromPoolBytes = Math.min(Math.max(0, bytes), this.#bytes)
    const fromPoolInodes = Math.min(Math.max(0, inodes), this.#inodes)
    this.#bytes -= fromPoolBytes
    this.#inodes -= fromPoolInodes
    try {
      const extraFromInner = await this.inner.reserve(op, path, bytes - fromPoolBytes, inodes - fromPoolInodes, 0)
      const extra = Math.min(extraBytes, this.#bytes)
      this.#bytes -= extra
      return extra + extraFromInner
    } catch (error) {
      this.#bytes += fromPoolBytes
      this.#inodes += fromPoolInodes
      throw error
    }
  }

  async adjust(bytes: number, inodes: number): Promise<void> {
    // Freed room returns to the pool; growth beyond a reservation is recorded on the volume.
    if (bytes < 0) this.#bytes -= bytes
    if (inodes < 0) this.#inodes -= inodes
    await this.inner.adjust(Math.max(0, bytes), Math.max(0, inodes))
  }

  serialise<T>(key: string, task: (waited: boolean) => Promise<T>): Promise<T> {
    return this.inner.serialise(key, task)
  }

  usage(): ReturnType<QuotaCharger['usage']> {
    return this.inner.usage()
  }

  /** Gives back what the transfer did not use. Call once, when the transfer ends (also on failure). */
  async settle(): Promise<void> {
    const bytes = this.#bytes
    const inodes = this.#inodes
    this.#bytes = 0
    this.#inodes = 0
    await this.inner.adjust(-bytes, -inodes)
  }
}
