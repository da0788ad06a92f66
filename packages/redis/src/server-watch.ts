import { isVolumeError, type VolumeError } from '@volumes/core'
import type { RedisClient } from './config.js'
import { toVolumeError } from './errors.js'
import { checkServers, type EvictionCheckOptions, type ServerReport } from './server-check.js'

/** Options of {@link ServerWatch}. */
export interface ServerWatchOptions extends EvictionCheckOptions {
  /** Period of the background check, ms; 0: only at start-up and after each reconnection. */
  readonly intervalMs: number
  /**
   * Called when lease state may have been lost behind our back: a server's `run_id` changed
   * (a restart, or a replica promoted by a failover), `evicted_keys` grew, or the policy
   * became one that evicts.
   */
  readonly onSuspectLoss: (why: string) => void
}

/**
 * Watches the Redis servers a lease manager talks to: checks `maxmemory-policy`, the servers'
 * identity (`run_id`), their replicas (`connected_slaves`) and `evicted_keys` at start-up, after
 * every reconnection (ioredis `ready`, Cluster `+node` / `-node`) and every `intervalMs`.
 *
 * Behavior:
 * - {@link ready} resolves once a check has passed since the last reconnection; it rejects
 *   with the refusal (EINVAL, reason `EvictingPolicy`) while a server's policy can evict
 *   lease keys, and with EAGAIN when Redis cannot be reached (tried again on the next call);
 * - a background check that fails to reach Redis keeps the previous state;
 * - {@link replicasOf} a server is the most replicas it had at any check: a replica that is
 *   away may still be promoted, so writes keep waiting for it; a server with a new `run_id`
 *   (restarted, or a replica promoted by a failover) starts again from what it has.
 */
export class ServerWatch {
  readonly #client: RedisClient
  readonly #options: ServerWatchOptions
  readonly #warned = new Set<string>()
  readonly #logger: { warn(message: string): void }
  #last: ServerReport | undefined
  #passed = false
  #pending: Promise<ServerReport> | undefined
  /** Latched replica counts, by server name: the run_id they were counted on and the most seen. */
  readonly #replicas = new Map<string, { runId: string; replicas: number }>()
  #timer: NodeJS.Timeout | undefined
  #closed = false
  readonly #reconnected = (): void => {
    this.#passed = false
    void this.#check().catch(() => undefined)
  }

  constructor(client: RedisClient, options: ServerWatchOptions) {
    this.#client = client
    this.#options = options
    // Periodic checks repeat the same warning: say each one once.
    this.#logger = {
      warn: (message) => {
        if (this.#warned.has(message)) return
        this.#warned.add(message)
        options.logger.warn(message)
      },
    }
    client.on('ready', this.#reconnected)
    client.on('+node', this.#reconnected)
    client.on('-node', this.#reconnected)
  }

  /**
   * The replicas a write on `server` (`host:port`; undefined: the one server of a single Redis
   * or Sentinel set-up) must reach. A server no check has seen yet is checked now, and 0 until then.
   */
  replicasOf(server: string | undefined): number {
    if (server === undefined) return this.#replicas.size === 1 ? [...this.#replicas.values()][0]!.replicas : 0
    const known = this.#replicas.get(server)
    if (known) return known.replicas
    if (this.#passed) void this.#check().catch(() => undefined)
    return 0
  }

  /** Resolves when the servers passed a check since the last reconnection; see the class doc. */
  async ready(): Promise<void> {
    if (this.#passed && !this.#last?.refusal) return
    const report = await this.#check()
    if (report.refusal) throw report.refusal
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#client.off('ready', this.#reconnected)
    this.#client.off('+node', this.#reconnected)
    this.#client.off('-node', this.#reconnected)
  }

  #check(): Promise<ServerReport> {
    this.#pending ??= checkServers(this.#client, { ...this.#options, logger: this.#logger })
      .then(
        (report) => {
          this.#apply(report)
          return report
        },
        (error: unknown) => {
          // EvictionPolicyUnknown (onConfigUnavailable: 'error') is a refusal; anything else is Redis being away.
          if (isVolumeError(error)) {
            this.#apply({ servers: this.#last?.servers ?? [], refusal: error as VolumeError })
            return this.#last!
          }
          throw toVolumeError(error, 'connect')
        },
      )
      .finally(() => {
        this.#pending = undefined
        this.#schedule()
      })
    return this.#pending
  }

  #apply(report: ServerReport): void {
    const previous = this.#last
    this.#last = report
    this.#passed = true
    if (report.servers.length > 0) {
      const latched = new Map(this.#replicas)
      this.#replicas.clear()
      for (const server of report.servers) {
        const before = latched.get(server.name)
        this.#replicas.set(server.name, { runId: server.runId, replicas: before?.runId === server.runId ? Math.max(before.replicas, server.replicas) : server.replicas })
      }
    }
    if (!previous) return
    const why = suspectLoss(previous, report)
    if (why) this.#options.onSuspectLoss(why)
  }

  #schedule(): void {
    if (this.#closed || this.#options.intervalMs <= 0) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#check().catch(() => undefined), this.#options.intervalMs)
    this.#timer.unref()
  }
}

/** Why lease state may have been lost between two checks, or undefined. */
function suspectLoss(before: ServerReport, after: ServerReport): string | undefined {
  const known = new Map(before.servers.map((server) => [server.runId, server]))
  for (const server of after.servers) {
    const earlier = known.get(server.runId)
    if (!earlier) return `Redis at ${server.name} is a server not seen before (run_id ${server.runId}: a restart or a failover)`
    if (server.evictedKeys > earlier.evictedKeys) return `Redis at ${server.name} evicted ${server.evictedKeys - earlier.evictedKeys} keys`
  }
  if (after.refusal && !before.refusal) return after.refusal.message
  return undefined
}
