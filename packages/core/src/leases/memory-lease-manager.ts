import { performance } from 'node:perf_hooks'
import { VolumeError } from '../errors/volume-error.js'
import { throwIfAborted } from '../util/abort.js'
import { HeldLease, type LeaseBackend } from './held-lease.js'
import { leaseModesCompatible, type AcquireOptions, type Lease, type LeaseInfo, type LeaseManager } from './lease-manager.js'

interface Grant {
  info: LeaseInfo
  deadline: number
}

/** Default lease time to live. */
export const DEFAULT_LEASE_TTL_MS = 30_000

/**
 * Leases in this process's memory: the embedded default. Correct for one process;
 * use the Redis lease manager when several processes share volumes.
 */
export class MemoryLeaseManager implements LeaseManager {
  readonly #grants = new Map<string, Map<string, Grant>>()
  readonly #tokens = new Map<string, number>()
  readonly #backend: LeaseBackend = {
    renew: async (lease, ttlMs) => {
      const grant = this.#live(lease.volumeId).get(lease.holderId)
      if (!grant || grant.info.token !== lease.token) return false
      grant.deadline = performance.now() + ttlMs
      grant.info = { ...grant.info, expiresAt: new Date(Date.now() + ttlMs) }
      return true
    },
    release: async (lease) => {
      const grants = this.#live(lease.volumeId)
      if (grants.get(lease.holderId)?.info.token === lease.token) grants.delete(lease.holderId)
    },
  }

  async acquire(volumeId: string, holderId: string, options: AcquireOptions = {}): Promise<Lease> {
    throwIfAborted(options.signal, 'acquire', volumeId)
    const mode = options.mode ?? 'exclusive'
    const ttlMs = validateTtl(options.ttlMs)
    const grants = this.#live(volumeId)
    for (const [other, grant] of grants) {
      if (other !== holderId && !leaseModesCompatible(grant.info.mode, mode)) {
        throw new VolumeError('EBUSY', { op: 'attach', path: volumeId, reason: 'VolumeAttached', detail: `Volume "${volumeId}" is already attached (${grant.info.mode})` })
      }
    }
    const token = (this.#tokens.get(volumeId) ?? 0) + 1
    this.#tokens.set(volumeId, token)
    const now = performance.now()
    const info: LeaseInfo = { volumeId, holderId, mode, token, expiresAt: new Date(Date.now() + ttlMs) }
    grants.set(holderId, { info, deadline: now + ttlMs })
    this.#grants.set(volumeId, grants)
    return new HeldLease(info, ttlMs, this.#backend, options.autoRenew ?? true, now)
  }

  async validate(volumeId: string, holderId: string, token: number): Promise<boolean> {
    return this.#live(volumeId).get(holderId)?.info.token === token
  }

  async listAttachments(volumeId: string): Promise<LeaseInfo[]> {
    return [...this.#live(volumeId).values()].map((grant) => grant.info)
  }

  async listByHolder(holderId: string): Promise<LeaseInfo[]> {
    const found: LeaseInfo[] = []
    for (const volumeId of this.#grants.keys()) {
      const grant = this.#live(volumeId).get(holderId)
      if (grant) found.push(grant.info)
    }
    return found
  }

  async forceRelease(volumeId: string, holderId: string, _reason: string): Promise<boolean> {
    return this.#live(volumeId).delete(holderId)
  }

  async close(): Promise<void> {
    this.#grants.clear()
  }

  /** The volume's grants with expired ones dropped (a volume without grants is forgotten; `acquire` registers it). */
  #live(volumeId: string): Map<string, Grant> {
    const grants = this.#grants.get(volumeId) ?? new Map<string, Grant>()
    const now = performance.now()
    for (const [holderId, grant] of grants) if (grant.deadline <= now) grants.delete(holderId)
    if (grants.size === 0) this.#grants.delete(volumeId)
    return grants
  }
}

/** Checks a TTL option: a whole number of milliseconds from 100 ms to 24 h. */
export function validateTtl(ttlMs: number | undefined): number {
  const ttl = ttlMs ?? DEFAULT_LEASE_TTL_MS
  if (!Number.isInteger(ttl) || ttl < 100 || ttl > 86_400_000) {
    throw new VolumeError('EINVAL', { op: 'acquire', reason: 'InvalidTtl', detail: `ttlMs must be an integer from 100 to 86400000, got ${ttlMs}` })
  }
  return ttl
}
