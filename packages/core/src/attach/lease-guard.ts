import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import type { Lease, LeaseManager } from '../leases/lease-manager.js'
import type { MutationGuard } from '../volume/volume-context.js'

/**
 * The mutation guard of a mounted volume: before every mutation it checks that the
 * mount may write and that its lease is still current.
 *
 * - a `readonly` lease refuses with EROFS (reason `ReadOnlyAttachment`);
 * - a lease that is lost, released, or past its deadline by the local monotonic clock,
 *   or that the lease store no longer holds under this fencing token
 *   (`leases.validate`), refuses with EBUSY (reason `LeaseLost`), and the lease is
 *   marked lost so that its signal fires.
 *
 * Nothing is written after a refusal. Cost: one `validate` per mutation (a map lookup
 * in memory, one round trip to Redis), and a local check of the monotonic deadline before
 * every request of it (`beforeRequest`, applied by `withMutationFence`), whose requests
 * also carry the lease's signal. What remains: a request already sent when the lease is
 * lost can still land (storage cannot check a fencing token on S3 or GCS).
 */
export class LeaseGuard implements MutationGuard {
  readonly #leases: LeaseManager
  readonly #lease: Lease
  readonly #name: string

  constructor(leases: LeaseManager, lease: Lease, volumeName: string) {
    this.#leases = leases
    this.#lease = lease
    this.#name = volumeName
  }

  /** The lease's signal: in-flight requests of this volume's mutations abort when the lease is lost. */
  get signal(): AbortSignal {
    return this.#lease.signal
  }

  /** The local check (no round trip) before each request: read-only and the lease's monotonic deadline. */
  beforeRequest(op: string, path: string): void {
    const lease = this.#lease
    if (lease.mode === 'readonly') {
      throw new VolumeError('EROFS', { op, path, reason: 'ReadOnlyAttachment', detail: `read-only volume "${this.#name}" (attached readonly)` })
    }
    if (!lease.isCurrent()) throw this.#lost(op, path, 'lease expired or released')
  }

  async beforeMutation(op: string, path: string): Promise<void> {
    const lease = this.#lease
    this.beforeRequest(op, path)
    if (!(await this.#leases.validate(lease.volumeId, lease.holderId, lease.token))) {
      markLost(lease, 'the lease store no longer holds this lease')
      throw this.#lost(op, path, 'the lease store no longer holds this lease')
    }
    if (!lease.isCurrent()) throw this.#lost(op, path, 'lease expired while it was checked')
  }

  #lost(op: string, path: string, why: string): VolumeError {
    const reason = this.#lease.signal.reason
    return new VolumeError('EBUSY', {
      op,
      path,
      reason: 'LeaseLost',
      detail: `lease of "${this.#lease.holderId}" on volume "${this.#name}" is lost (${why}); nothing was written`,
      cause: isVolumeError(reason) ? reason : undefined,
    })
  }
}

/** Marks a lease lost when its implementation can (`HeldLease` can), so that its signal fires. */
function markLost(lease: Lease, why: string): void {
  const held = lease as Lease & { markLost?: (why: string) => void }
  if (typeof held.markLost === 'function') held.markLost(why)
}
