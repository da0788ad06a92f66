/**
 * How a holder attaches a volume.
 * - `exclusive`: one holder, read-write; conflicts with every other lease.
 * - `shared`: many holders, read-write (as E2B allows); conflicts with `exclusive` and `readonly`.
 * - `readonly`: many read-only holders; conflicts with `exclusive` and `shared`.
 */
export type LeaseMode = 'exclusive' | 'shared' | 'readonly'

/** Options of {@link LeaseManager.acquire}. */
export interface AcquireOptions {
  readonly mode?: LeaseMode | undefined
  /** Time to live; the lease is lost when it is not renewed within it. Default 30 s. */
  readonly ttlMs?: number | undefined
  /** Renew automatically at a third of the TTL. Default true. */
  readonly autoRenew?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/** A lease as recorded: what `listAttachments` and `listByHolder` return. */
export interface LeaseInfo {
  readonly volumeId: string
  readonly holderId: string
  readonly mode: LeaseMode
  /** Fencing token: grows with every grant on a volume, never reused, never goes backwards. */
  readonly token: number
  /** Wall-clock expiry, for display only; expiry itself is judged with a monotonic clock. */
  readonly expiresAt: Date
}

/** A lease held by this process. */
export interface Lease extends LeaseInfo {
  /** Fires the moment the lease is known lost: renewal refused, expiry passed, store unreachable past the deadline. */
  readonly signal: AbortSignal
  /** True once the lease is lost or released. */
  readonly lost: boolean
  /** Extends the lease by its TTL. Rejects with EBUSY (and fires `signal`) when it was lost. */
  renew(): Promise<void>
  /** Gives the lease up. Idempotent. */
  release(): Promise<void>
  /** True when the lease is still current by the local monotonic clock and has not been lost. */
  isCurrent(): boolean
}

/**
 * Attachment leases: which holder (a sandbox, a server) has which volume, and how.
 *
 * Behavior: a conflicting `acquire` rejects with EBUSY (reason `VolumeAttached`).
 * A holder acquiring a volume it already holds gets a fresh lease with a new token
 * in the requested mode (when that mode does not conflict with the others').
 */
export interface LeaseManager {
  acquire(volumeId: string, holderId: string, options?: AcquireOptions): Promise<Lease>
  /**
   * Checks, at the source of truth, that `token` is still the current lease of `holderId` on the volume.
   * A handle calls this before every mutation.
   */
  validate(volumeId: string, holderId: string, token: number): Promise<boolean>
  /** Live leases on one volume. */
  listAttachments(volumeId: string): Promise<LeaseInfo[]>
  /** Live leases of one holder. */
  listByHolder(holderId: string): Promise<LeaseInfo[]>
  /** Administrative removal of a holder's lease; the holder's `signal` fires at its next check. Returns whether a lease was removed. */
  forceRelease(volumeId: string, holderId: string, reason: string): Promise<boolean>
  /** Stops renewal timers and releases connections. */
  close(): Promise<void>
}

/** Whether a new lease in `requested` mode may coexist with an existing one in `existing` mode. */
export function leaseModesCompatible(existing: LeaseMode, requested: LeaseMode): boolean {
  if (existing === 'exclusive' || requested === 'exclusive') return false
  return existing === requested
}
