import { VolumeError } from '../errors/volume-error.js'
import type { QuotaCharger } from './quota-charger.js'
import type { UsageLimits, UsageTracker } from './usage-tracker.js'

/** A volume's usage and limits, as `volume.getUsage()` returns them. */
export interface VolumeUsage {
  /** Bytes of file data. */
  readonly bytes: number
  /** Files plus directories (the root is not counted). */
  readonly inodes: number
  /** The size limit in bytes (`sizeGb` × 10^9); `null` when the volume has no quota (a bucket opened as a volume). */
  readonly sizeBytes: number | null
  /** The inode limit; `null` when unlimited. */
  readonly maxInodes: number | null
}

/**
 * The quota of one volume: reservations checked against its size and inode limit
 * before a write, and adjustments after it. Bound into the volume's context; every
 * write path charges through it (see `quota-charges.ts` and `quota-write.ts`).
 *
 * Cost: each reservation or adjustment is one compare-and-swap of the volume's usage
 * object (`.registry/usage/<volumeId>`), shared by concurrent changes in this process.
 *
 * Exactness: every change stays exact under any concurrency, across processes: writes
 * are conditional on what they replace, deletes on the version read (`deleteExactly`),
 * copies replace exactly what they found (`copyOnto`), renames move without charging.
 * Only a crash between an object write and its usage update leaves a difference
 * (`store.recomputeUsage` repairs it): growth is reserved before the object write, so
 * a crash over-counts rather than lets a volume grow past its size.
 */
export class VolumeQuota implements QuotaCharger {
  readonly #tracker: UsageTracker
  readonly #volumeId: string
  readonly #name: string
  readonly #limits: UsageLimits

  constructor(tracker: UsageTracker, volumeId: string, name: string, limits: UsageLimits) {
    this.#tracker = tracker
    this.#volumeId = volumeId
    this.#name = name
    this.#limits = limits
  }

  /**
   * Reserves room for a write before it happens: `bytes` and `inodes`, plus up to
   * `extraBytes` more if they fit. Returns the extra bytes granted.
   * Throws ENOSPC (reason `QuotaExceeded`) naming `path` when the room is not there.
   */
  async reserve(op: string, path: string, bytes: number, inodes: number, extraBytes = 0): Promise<number> {
    if (bytes <= 0 && inodes <= 0 && extraBytes <= 0) return 0
    const outcome = await this.#tracker.change(this.#volumeId, { bytes, inodes, extraBytes }, this.#limits)
    if (outcome.applied) return outcome.extraBytes
    const detail = outcome.exceeded === 'bytes'
      ? `no space left on volume "${this.#name}" (${outcome.usage.bytes} of ${this.#limits.maxBytes} bytes used, ${bytes} more needed)`
      : `no free inodes on volume "${this.#name}" (${outcome.usage.inodes} of ${this.#limits.maxInodes} used)`
    throw new VolumeError('ENOSPC', { op, path, reason: 'QuotaExceeded', detail })
  }

  /**
   * Records a change that already happened (space freed, a reservation given back,
   * or a write that came out larger than declared). Never refused and never throws:
   * when the usage object cannot be written, the difference stays until
   * `store.recomputeUsage` (a failed release only makes the volume look fuller).
   */
  async adjust(bytes: number, inodes: number): Promise<void> {
    if (bytes === 0 && inodes === 0) return
    await this.#tracker.change(this.#volumeId, { bytes, inodes }).catch(() => undefined)
  }

  /** Runs `task` after every earlier charged write to `key` in this process (see `putFileCharged`). */
  serialise<T>(key: string, task: (waited: boolean) => Promise<T>): Promise<T> {
    return this.#tracker.keyLocks.run(key, task)
  }

  /** The volume's current usage, read from the bucket. */
  async usage(): Promise<VolumeUsage> {
    const counts = await this.#tracker.read(this.#volumeId)
    return {
      bytes: counts.bytes,
      inodes: counts.inodes,
      sizeBytes: this.#limits.maxBytes,
      maxInodes: Number.isFinite(this.#limits.maxInodes) ? this.#limits.maxInodes : null,
    }
  }
}
