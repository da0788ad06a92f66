import { Redis, type Cluster, type RedisOptions } from 'ioredis'
import { VolumeError } from '@volumes/core'
import type { TokenFloor } from './token-floor.js'

/** A connected ioredis client: a single Redis (or Sentinel-managed master) or a Cluster. */
export type RedisClient = Redis | Cluster

/** What to do when `CONFIG GET maxmemory-policy` is refused (managed Redis often disables CONFIG). */
export type ConfigUnavailableAction = 'warn' | 'error' | 'ignore'

/** Options of {@link RedisLeaseManager}. */
export interface RedisLeaseManagerOptions {
  /**
   * An ioredis client (`Redis`, including one built with `sentinels`, or `Cluster`), which the
   * caller keeps and closes; or `RedisOptions`, from which the manager builds a client it closes
   * (with `commandTimeout` 5 s unless given, so a silent Redis ends in ETIMEDOUT, not a hang).
   */
  readonly redis: RedisClient | RedisOptions
  /** Prefix of every key; no braces. Default `volumes:lease`. */
  readonly keyPrefix?: string
  /**
   * Accept a `maxmemory-policy` that can evict keys with a TTL (every policy but `noeviction`).
   * Evicting a lease key lets a second holder in while the first still writes. Default false.
   */
  readonly allowEvictingPolicy?: boolean
  /** When the policy cannot be read (CONFIG disabled): warn (default), fail, or say nothing. */
  readonly onConfigUnavailable?: ConfigUnavailableAction
  /** Where warnings go. Default `console`. */
  readonly logger?: { warn(message: string): void }
  /**
   * Durable high-water mark of fencing tokens, so tokens never go backwards when Redis loses
   * its data. Without one, a Redis restarted empty starts tokens again from 1.
   */
  readonly tokenFloor?: TokenFloor
  /**
   * Tokens reserved per floor write. Larger: fewer floor reads and writes (one of each per block
   * per volume) and bigger jumps in tokens after a data loss. 1 reads and raises the floor on
   * every acquire (the strictest setting, and the slowest). Default 1000.
   */
  readonly tokenBlockSize?: number
  /**
   * Replicas that must acknowledge every acquire and renewal (`WAIT`) before it counts, so that
   * a failover to one of them keeps the lease and its fencing token. `'auto'` (default): the
   * fewest replicas any master had at a check (see `checkIntervalMs`), never lowered while the
   * manager lives; 0: never wait (a failover can then lose leases and reissue tokens).
   */
  readonly waitForReplicas?: number | 'auto'
  /** How long an acquire or renewal waits for its replicas before failing with EAGAIN (reason `ReplicaTimeout`). Default 1000 ms. */
  readonly replicaTimeoutMs?: number
  /**
   * Period, ms, of the background check of the servers: `maxmemory-policy` (an evicting policy
   * set after start-up refuses acquires from then on), replicas, and signs of lost state
   * (`run_id` changed, `evicted_keys` grew), after which every held lease is checked and those
   * Redis no longer holds fire their signal. Also run after each reconnection. 0: only then.
   * Default 10000.
   */
  readonly checkIntervalMs?: number
}

/** True for an ioredis client (Redis or Cluster), as opposed to options to build one. */
export function isRedisClient(value: RedisClient | RedisOptions): value is RedisClient {
  return typeof (value as { evalsha?: unknown }).evalsha === 'function' && typeof (value as { defineCommand?: unknown }).defineCommand === 'function'
}

/**
 * `commandTimeout` of a client the manager builds, unless the options give one: without it
 * ioredis waits for an answer forever, so a Redis that stops answering would hang every
 * acquire and renewal. It must exceed `replicaTimeoutMs` (a renewal may block in `WAIT` that long).
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000

/** The client to use, and whether the manager owns (and so closes) it. */
export function resolveClient(redis: RedisClient | RedisOptions | undefined): { client: RedisClient; owned: boolean } {
  if (redis === undefined || redis === null) {
    throw new VolumeError('EINVAL', { op: 'configure', reason: 'MissingRedis', detail: 'RedisLeaseManager needs `redis`: an ioredis Redis or Cluster, or RedisOptions' })
  }
  if (isRedisClient(redis)) return { client: redis, owned: false }
  return { client: new Redis({ commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS, ...redis }), owned: true }
}

/** True when the client is a Redis Cluster client (keys of different slots cannot meet in one script). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true
}
