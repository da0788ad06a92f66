import { performance } from 'node:perf_hooks'
import { VolumeError } from '../errors/volume-error.js'
import type { Lease, LeaseInfo, LeaseMode } from './lease-manager.js'

/** What a {@link HeldLease} asks of the manager that granted it. */
export interface LeaseBackend {
  /** Extends the lease; resolves false when the store no longer holds it. */
  renew(lease: LeaseInfo, ttlMs: number): Promise<boolean>
  release(lease: LeaseInfo): Promise<void>
}

/**
 * A lease held by this process: tracks expiry on the monotonic clock, renews
 * itself at a third of the TTL, and fires its signal the moment it is known lost.
 * Shared by every LeaseManager implementation.
 */
export class HeldLease implements Lease {
  readonly volumeId: string
  readonly holderId: string
  readonly mode: LeaseMode
  readonly token: number
  readonly #controller = new AbortController()
  readonly #backend: LeaseBackend
  readonly #ttlMs: number
  #deadline: number
  #expiresAt: Date
  #released = false
  #renewTimer: NodeJS.Timeout | undefined
  #expiryTimer: NodeJS.Timeout | undefined

  constructor(info: Omit<LeaseInfo, 'expiresAt'>, ttlMs: number, backend: LeaseBackend, autoRenew: boolean, grantedAt = performance.now()) {
    this.volumeId = info.volumeId
    this.holderId = info.holderId
    this.mode = info.mode
    this.token = info.token
    this.#backend = backend
    this.#ttlMs = ttlMs
    this.#deadline = grantedAt + ttlMs
    this.#expiresAt = new Date(Date.now() + ttlMs)
    this.#armExpiry()
    if (autoRenew) this.#scheduleRenewal()
  }

  get expiresAt(): Date {
    return this.#expiresAt
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  get lost(): boolean {
    return this.#controller.signal.aborted
  }

  isCurrent(): boolean {
    return !this.lost && performance.now() < this.#deadline
  }

  async renew(): Promise<void> {
    if (this.lost) throw this.#lostError('renew')
    const startedAt = performance.now()
    let renewed: boolean
    try {
      renewed = await this.#backend.renew(this, this.#ttlMs)
    } catch (error) {
      if (performance.now() >= this.#deadline) this.markLost('lease store unreachable past the lease deadline')
      throw error
    }
    if (!renewed) {
      this.markLost('renewal refused: the lease was taken or removed')
      throw this.#lostError('renew')
    }
    // Lost (expired locally, or released) while the request was in flight: stay lost.
    if (this.lost) throw this.#lostError('renew')
    this.#deadline = startedAt + this.#ttlMs
    this.#expiresAt = new Date(Date.now() - (performance.now() - startedAt) + this.#ttlMs)
    this.#armExpiry()
  }

  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    this.#stopTimers()
    const wasLost = this.lost
    this.#controller.abort(new VolumeError('EBUSY', { op: 'release', path: this.volumeId, reason: 'LeaseReleased', detail: 'lease released' }))
    if (!wasLost) return this.#backend.release(this)
    // The store may still hold a lease we consider lost (local expiry runs early): free it, best effort.
    // Backends release by token, so this never touches a newer lease.
    await this.#backend.release(this).catch(() => undefined)
  }

  /** Marks the lease lost and fires its signal (idempotent). */
  markLost(why: string): void {
    if (this.lost) return
    this.#stopTimers()
    this.#controller.abort(new VolumeError('EBUSY', { op: 'lease', path: this.volumeId, reason: 'LeaseLost', detail: `lease lost: ${why}` }))
  }

  #lostError(op: string): VolumeError {
    return new VolumeError('EBUSY', { op, path: this.volumeId, reason: 'LeaseLost', detail: `lease of "${this.holderId}" on volume ${this.volumeId} is lost` })
  }

  #armExpiry(): void {
    clearTimeout(this.#expiryTimer)
    const remaining = Math.max(0, this.#deadline - performance.now())
    this.#expiryTimer = setTimeout(() => this.markLost('expired before renewal'), remaining + 1)
    this.#expiryTimer.unref()
  }

  #scheduleRenewal(): void {
    this.#renewTimer = setTimeout(() => {
      this.renew()
        .catch(() => undefined)
        .finally(() => {
          if (!this.lost && !this.#released) this.#scheduleRenewal()
        })
    }, Math.max(10, Math.floor(this.#ttlMs / 3)))
    this.#renewTimer.unref()
  }

  #stopTimers(): void {
    clearTimeout(this.#renewTimer)
    clearTimeout(this.#expiryTimer)
  }
}
