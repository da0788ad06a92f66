import { performance } from 'node:perf_hooks'
import { HeldLease, throwIfAborted, validateTtl, VolumeError, type AcquireOptions, type Lease, type LeaseBackend, type LeaseInfo, type LeaseManager, type LeaseMode } from '@volumes/core'
import { isCluster, resolveClient, type RedisClient, type RedisLeaseManagerOptions } from './config.js'
import { attachedError, toVolumeError } from './errors.js'
import { checkId, LeaseKeys } from './keys.js'
import { defineLeaseScripts, type LeaseScripts } from './lua-command.js'
import { ClusterHolderIndex } from './cluster-index.js'
import { DurableScripts } from './durable-scripts.js'
import { replicaTimeout } from './replicated.js'
import { ServerWatch } from './server-watch.js'
import { TokenReserver, type TokenFloor } from './token-floor.js'

const closedError = (): VolumeError => new VolumeError('EINVAL', { op: 'connect', reason: 'ManagerClosed', detail: 'lease manager is closed' })

/** Attempts of one acquire at reserving a token block before giving up with EAGAIN. */
const MAX_RESERVATIONS = 8
type AcquireReply = [number, number | string, number?, number?]
const modes: ReadonlySet<string> = new Set<LeaseMode>(['exclusive', 'shared', 'readonly'])

/**
 * Attachment leases in Redis: a single server, a Sentinel-managed master, or a Redis Cluster
 * (a volume's keys share one hash tag, hence one slot).
 *
 * Behavior:
 * - every state change (acquire, renew, release, forceRelease) is one Lua script, atomic;
 *   expiry is judged inside the scripts with the Redis server's clock, and on this side with
 *   the monotonic clock ({@link HeldLease}), which starts counting before the request is sent;
 * - the fencing token is a per-volume counter (`HINCRBY`) that only grows; with a
 *   `tokenFloor` it also survives Redis losing its data (see {@link TokenFloor});
 * - with replicas (`waitForReplicas`), an acquire or renewal counts only once the replicas
 *   acknowledged it (`WAIT`), so a failover keeps leases and tokens; else it fails with EAGAIN;
 * - on first use, after each reconnection and every `checkIntervalMs`, `maxmemory-policy` is
 *   checked on every server: a policy that can evict lease keys refuses acquires with EINVAL
 *   unless `allowEvictingPolicy`; when state may have been lost (a failover or restart, keys
 *   evicted), every held lease is checked and those Redis lost fire their signal;
 * - a conflicting acquire rejects with EBUSY, reason `VolumeAttached`; Redis failures reject
 *   with EAGAIN / ETIMEDOUT (temporary) or EIO.
 *
 * @example
 * const leases = new RedisLeaseManager({ redis: new Redis(process.env.REDIS_URL!), tokenFloor })
 * const lease = await leases.acquire('vol-1', 'sandbox-a', { mode: 'exclusive', ttlMs: 30_000 })
 * lease.signal.addEventListener('abort', () => stopWriting())
 */
export class RedisLeaseManager implements LeaseManager {
  readonly #client: RedisClient
  readonly #owned: boolean
  readonly #keys: LeaseKeys
  readonly #scripts: LeaseScripts
  /** A single server can update the holder index in the same script; a Cluster cannot (then this does it). */
  readonly #inlineIndex: boolean
  readonly #clusterIndex: ClusterHolderIndex
  readonly #reserver: TokenReserver | undefined
  readonly #logger: { warn(message: string): void }
  readonly #watch: ServerWatch
  readonly #durable: DurableScripts
  readonly #leases = new Set<HeldLease>()
  #closed = false
  #down = false
  readonly #reconnected = (): void => {
    this.#down = false
  }
  readonly #connectionError = (error: Error): void => {
    if (this.#down || this.#closed) return
    this.#down = true
    this.#logger.warn(`@volumes/redis: Redis connection error, retrying: ${error.message}`)
  }
  readonly #backend: LeaseBackend = {
    renew: (lease, ttlMs) => this.#renew(lease, ttlMs),
    release: async (lease) => {
      await this.#release(lease.volumeId, lease.holderId, String(lease.token), 'release')
    },
    settled: (lease) => {
      this.#leases.delete(lease as HeldLease)
    },
  }

  constructor(options: RedisLeaseManagerOptions) {
    const { client, owned } = resolveClient(options.redis)
    this.#keys = new LeaseKeys(options.keyPrefix)
    this.#reserver = options.tokenFloor ? new TokenReserver(options.tokenFloor, options.tokenBlockSize) : undefined
    this.#client = client
    this.#owned = owned
    this.#inlineIndex = !isCluster(client)
    this.#scripts = defineLeaseScripts(client)
    this.#logger = options.logger ?? console
    this.#clusterIndex = new ClusterHolderIndex(this.#scripts, this.#keys, this.#logger)
    // A reconnection may reach another server (a restart, a failover): the watch checks it again.
    this.#watch = new ServerWatch(client, {
      allowEvictingPolicy: options.allowEvictingPolicy ?? false,
      onConfigUnavailable: options.onConfigUnavailable ?? 'warn',
      logger: this.#logger,
      intervalMs: options.checkIntervalMs ?? 10_000,
      onSuspectLoss: (why) => void this.#audit(why),
    })
    this.#durable = new DurableScripts(client, this.#scripts, this.#watch, options.waitForReplicas ?? 'auto', options.replicaTimeoutMs ?? 1000)
    client.on('ready', this.#reconnected)
    // A client we built is ours to watch: one warning per outage (commands report the errors).
    if (owned) client.on('error', this.#connectionError)
  }

  /** The ioredis client in use. */
  get client(): RedisClient {
    return this.#client
  }

  /**
   * Runs the start-up check (`maxmemory-policy`, replicas) now rather than on first use.
   * Rejects with EINVAL (reason `EvictingPolicy`) while Redis may evict lease keys.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw closedError()
    await this.#watch.ready()
  }

  async acquire(volumeId: string, holderId: string, options: AcquireOptions = {}): Promise<Lease> {
    throwIfAborted(options.signal, 'acquire', volumeId)
    checkId('volume', volumeId, 'acquire')
    checkId('holder', holderId, 'acquire')
    const mode = options.mode ?? 'exclusive'
    if (!modes.has(mode)) throw new VolumeError('EINVAL', { op: 'acquire', path: volumeId, reason: 'InvalidMode', detail: `mode must be exclusive, shared or readonly, got ${String(mode)}` })
    const ttlMs = validateTtl(options.ttlMs)
    await this.ready()
    const keys = [this.#keys.volume(volumeId)]
    if (this.#inlineIndex) keys.push(this.#keys.holderIndex(holderId))
    let floorSeen = ''
    let ceiling = ''
    for (let attempt = 0; attempt <= MAX_RESERVATIONS; attempt++) {
      const grantedAt = performance.now()
      const args = this.#reserver ? [volumeId, holderId, mode, ttlMs, floorSeen, ceiling] : [volumeId, holderId, mode, ttlMs]
      const { reply, wait, acked } = await this.#durable.run<AcquireReply>('acquire', keys, args).catch((error: unknown) => {
        throw toVolumeError(error, 'acquire', volumeId)
      })
      const [status, value, extra = 0, horizon = 0] = reply
      if (status === 0) throw attachedError(volumeId, String(value))
      if (status === 1) {
        const token = Number(value)
        if (wait && acked < wait.replicas) {
          await this.#scripts.release(keys, [volumeId, holderId, String(token)]).catch(() => undefined)
          throw replicaTimeout('acquire', volumeId, acked, wait, 'the lease was granted but not replicated, and was released')
        }
        if (!this.#inlineIndex) await this.#clusterIndex.afterGrant(volumeId, holderId, token, horizon)
        return this.#hold({ volumeId, holderId, mode, token }, ttlMs, options.autoRenew ?? true, grantedAt)
      }
      throwIfAborted(options.signal, 'acquire', volumeId)
      const reservation = await this.#reserver!.reserve(volumeId, Number(value), extra)
      floorSeen = String(reservation.floorSeen)
      ceiling = String(reservation.ceiling)
    }
    throw new VolumeError('EAGAIN', { op: 'acquire', path: volumeId, reason: 'TokenReservation', detail: 'could not reserve fencing tokens: too much contention on the token floor' })
  }

  async validate(volumeId: string, holderId: string, token: number): Promise<boolean> {
    checkId('holder', holderId, 'validate')
    const [entry] = await this.#inspect(volumeId, holderId)
    return entry !== undefined && entry.token === token
  }

  async listAttachments(volumeId: string): Promise<LeaseInfo[]> {
    return this.#inspect(volumeId, '')
  }

  async listByHolder(holderId: string): Promise<LeaseInfo[]> {
    checkId('holder', holderId, 'listByHolder')
    await this.ready()
    const volumeIds = (await this.#scripts.index([this.#keys.holderIndex(holderId)], ['list']).catch((error: unknown) => {
      throw toVolumeError(error, 'listByHolder', holderId)
    })) as string[]
    const found = await Promise.all(volumeIds.map((volumeId) => this.#inspect(volumeId, holderId)))
    return found.flat()
  }

  /** The reason is not stored: the holder learns only that its lease is gone (its renewal is refused). */
  async forceRelease(volumeId: string, holderId: string, _reason: string): Promise<boolean> {
    checkId('volume', volumeId, 'forceRelease')
    checkId('holder', holderId, 'forceRelease')
    await this.ready()
    return (await this.#release(volumeId, holderId, '', 'forceRelease')) === 1
  }

  /** Fires the signal of every lease this manager handed out and still tracks (they cannot be renewed any more), and closes the client if the manager built it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#watch.close()
    this.#client.off('ready', this.#reconnected)
    this.#client.off('error', this.#connectionError)
    for (const lease of [...this.#leases]) lease.markLost('lease manager closed')
    this.#leases.clear()
    if (this.#owned) await this.#client.quit().catch(() => this.#client.disconnect())
  }

  /**
   * Checks every lease held here against Redis and fires the signal of those it no longer
   * holds under their token (lost in a failover, a restart, an eviction). A lease that cannot
   * be checked now is left to its renewal.
   */
  async #audit(why: string): Promise<void> {
    await Promise.all(
      [...this.#leases].map(async (lease) => {
        const entries = await this.#inspect(lease.volumeId, lease.holderId, false).catch(() => undefined)
        if (entries && !entries.some((entry) => entry.token === lease.token)) lease.markLost(`${why}; Redis no longer holds this lease`)
      }),
    )
  }

  #hold(info: Omit<LeaseInfo, 'expiresAt'>, ttlMs: number, autoRenew: boolean, grantedAt: number): Lease {
    const lease = new HeldLease(info, ttlMs, this.#backend, autoRenew, grantedAt)
    this.#leases.add(lease)
    return lease
  }

  async #renew(lease: LeaseInfo, ttlMs: number): Promise<boolean> {
    const keys = [this.#keys.volume(lease.volumeId)]
    if (this.#inlineIndex) keys.push(this.#keys.holderIndex(lease.holderId))
    const args = [lease.volumeId, lease.holderId, String(lease.token), ttlMs]
    try {
      const { reply, wait, acked } = await this.#durable.run<[number, number]>('renew', keys, args)
      const [expires, horizon] = reply
      if (expires === 0) return false
      if (wait && acked < wait.replicas) throw replicaTimeout('renew', lease.volumeId, acked, wait, 'the renewal was not replicated; the lease keeps its previous expiry')
      if (horizon !== 0 && !this.#inlineIndex) await this.#clusterIndex.moveHorizon(lease, horizon)
      return true
    } catch (error) {
      throw toVolumeError(error, 'renew', lease.volumeId)
    }
  }

  /** Removes a holder's entry (only with that token unless `token` is ''): 0 = nothing removed; 1 = removed (by forceRelease: a live lease), 2 = forceRelease removed an expired entry. */
  async #release(volumeId: string, holderId: string, token: string, op: string): Promise<number> {
    const keys = [this.#keys.volume(volumeId)]
    if (this.#inlineIndex) keys.push(this.#keys.holderIndex(holderId))
    try {
      const removed = await this.#scripts.release(keys, [volumeId, holderId, token])
      if (removed !== 0 && !this.#inlineIndex) await this.#clusterIndex.afterRelease(volumeId, holderId)
      return removed
    } catch (error) {
      throw toVolumeError(error, op, volumeId)
    }
  }

  /** Live entries of the volume (of one holder, or all for ''); `checked` false skips the server check (the audit runs while a check refuses). */
  async #inspect(volumeId: string, holderId: string, checked = true): Promise<LeaseInfo[]> {
    checkId('volume', volumeId, 'inspect')
    if (checked) await this.ready()
    const flat = await this.#scripts.inspect([this.#keys.volume(volumeId)], [holderId]).catch((error: unknown) => {
      throw toVolumeError(error, 'inspect', volumeId)
    })
    const infos: LeaseInfo[] = []
    for (let i = 0; i + 3 < flat.length; i += 4) {
      infos.push({ volumeId, holderId: flat[i]!, token: Number(flat[i + 1]), mode: flat[i + 2] as LeaseMode, expiresAt: new Date(Number(flat[i + 3])) })
    }
    return infos
  }
}
