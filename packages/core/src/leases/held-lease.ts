import { performance } from 'node:perf_hooks'
import { VolumeError } from '../errors/volume-error.js'
import type { Lease, LeaseInfo, LeaseMode } from './lease-manager.js'

/** What a {@link HeldLease} asks of the manager that granted it. */
export interface LeaseBackend {
  /** Extends the lease; resolves false when the store no longer holds it. */
  renew(lease: LeaseInfo, ttlMs: number): Promise<boolean>
  release(lease: LeaseInfo): Promise<void>
  /** Called once when the lease stops being held here (released or lost), e.g. to stop tracking it. */
  settled?(lease: LeaseInfo): void
}

/**
 * A lease held by this process: tracks expiry on the monotonic clock, renews
 * itself at a third of the TTL, and fires its signal the moment it is known lost.
 * Shared by every LeaseManager implementation.
 *
 * The AbortController behind `signal` is made when `signal` is first read (aborting one
 * costs tens of microseconds in Node, too much for a lease nobody watches); a signal read
 * after the loss is already aborted, with the same reason.
 */
export class HeldLease implements Lease {
  readonly volumeId: string
  readonly holderId: string
  readonly mode: LeaseMode
  readonly token: number
  #controller: AbortController | undefined
  /** Why the lease ended; undefined while it is held. */
  #ended: { readonly reason: 'LeaseLost' | 'LeaseReleased'; readonly why: string } | undefined
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
    this.#expiresAt = new Date(Date.now() - (performance.now() - grantedAt) + ttlMs)
    this.#armExpiry()
    if (autoRenew) this.#scheduleRenewal()
  }

  get expiresAt(): Date {
    return this.#expiresAt
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#ended) this.#controller.abort(this.#endError())
    }
    return this.#controller.signal
  }

  get lost(): boolean {
    return this.#ended !== undefined
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
    const wasLost = this.lost
    this.#end('LeaseReleased', 'lease released')
    if (!wasLost) return this.#backend.release(this)
    // The store may still hold a lease we consider lost (local expiry runs early): free it, best effort.
    // Backends release by token, so this never touches a newer lease.
    await this.#backend.release(this).catch(() => undefined)
  }

  /** Marks the lease lost and fires its signal (idempotent). */
  markLost(why: string): void {
    this.#end('LeaseLost', `lease lost: ${why}`)
  }

  #end(reason: 'LeaseLost' | 'LeaseReleased', why: string): void {
    if (this.#ended) return
    this.#ended = { reason, why }
    this.#stopTimers()
    this.#controller?.abort(this.#endError())
    this.#backend.settled?.(this)
  }

  #endError(): VolumeError {
    const ended = this.#ended!
    return new VolumeError('EBUSY', { op: ended.reason === 'LeaseReleased' ? 'release' : 'lease', path: this.volumeId, reason: ended.reason, detail: ended.why })
  }

  #lostError(op: string): VolumeError {
    return new VolumeError('EBUSY', { op, path: this.volumeId, reason: 'LeaseLost', detail: `lease of "${this.holderId}" on volume ${this.volumeId} is lost` })
  }

  /** One expiry timer per lease: a renewal only moves the deadline, and the timer re-arms itself when it fires early. */
  #armExpiry(): void {
    if (this.#expiryTimer) return
    const remaining = Math.max(0, this.#deadline - performance.now())
    this.#expiryTimer = setTimeout(() => {
      this.#expiryTimer = undefined
      if (this.lost) return
      if (performance.now() >= this.#deadline) this.markLost('expired before renewal')
      else this.#armExpiry()
    }, remaining + 1)
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
    this.#expiryTimer = undefined
  }
}
