import type { Redis } from 'ioredis'
import { VolumeError } from '@volumes/core'
import { isCluster, type ConfigUnavailableAction, type RedisClient } from './config.js'

/** Options of {@link checkServers}. */
export interface EvictionCheckOptions {
  readonly allowEvictingPolicy: boolean
  readonly onConfigUnavailable: ConfigUnavailableAction
  readonly logger: { warn(message: string): void }
}

/** What one check saw on one server (a Cluster master, or the one server). */
export interface ServerSnapshot {
  /** `host:port`. */
  readonly name: string
  /** `run_id`: changes when the process restarts, and differs on the replica that replaced a master. */
  readonly runId: string
  /** `connected_slaves`. */
  readonly replicas: number
  /** `evicted_keys` since the server started. */
  readonly evictedKeys: number
  /** `maxmemory-policy`, or undefined when CONFIG is refused. */
  readonly policy: string | undefined
}

/** The servers of one check, and the refusal, if any, of the first server whose policy can evict lease keys. */
export interface ServerReport {
  readonly servers: readonly ServerSnapshot[]
  readonly refusal: VolumeError | undefined
}

/** True for a `maxmemory-policy` under which Redis may evict keys that carry a TTL (all but `noeviction`). */
export function policyCanEvictLeases(policy: string): boolean {
  return policy !== 'noeviction'
}

function nodeName(node: Redis): string {
  const options = node.options
  return options.path ?? `${options.host ?? 'localhost'}:${options.port ?? 6379}`
}

/**
 * The servers whose state matters: every master of a Cluster (after a refresh of the slot map,
 * so that a replica promoted since is among them), else the one server.
 */
async function servers(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client]
  await client.ping()
  await new Promise<void>((resolve) => client.refreshSlotsCache(() => resolve()))
  return client.nodes('master')
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}

/** `INFO` fields (default sections: server, replication, stats...), or {} when INFO is refused. */
async function info(node: Redis): Promise<Record<string, string>> {
  let text: string
  try {
    text = await node.info()
  } catch (error) {
    if (isReplyError(error)) return {}
    throw error
  }
  const fields: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return fields
}

async function readPolicy(node: Redis, options: EvictionCheckOptions): Promise<string | undefined> {
  try {
    const reply = (await node.config('GET', 'maxmemory-policy')) as unknown as string[]
    return reply[1]
  } catch (error) {
    if (!isReplyError(error)) throw error
    const detail = `cannot read maxmemory-policy on ${nodeName(node)} (${(error as Error).message}); make sure it is noeviction: an evicted lease key lets a second holder in`
    if (options.onConfigUnavailable === 'error') throw new VolumeError('EINVAL', { op: 'connect', reason: 'EvictionPolicyUnknown', detail, cause: error })
    if (options.onConfigUnavailable === 'warn') options.logger.warn(`@volumes/redis: ${detail}`)
    return undefined
  }
}

/**
 * Reads, on every server, `maxmemory-policy` (CONFIG GET) and `run_id`, `connected_slaves` and
 * `evicted_keys` (INFO). A policy that can evict lease keys is reported as a refusal (EINVAL,
 * reason `EvictingPolicy`) unless allowed. A refused CONFIG command (disabled or renamed, as on
 * managed Redis) is handled as `onConfigUnavailable` says (`error` throws); a connection
 * failure is thrown as is.
 */
export async function checkServers(client: RedisClient, options: EvictionCheckOptions): Promise<ServerReport> {
  const snapshots: ServerSnapshot[] = []
  let refusal: VolumeError | undefined
  for (const node of await servers(client)) {
    const [policy, fields] = await Promise.all([readPolicy(node, options), info(node)])
    snapshots.push({ name: nodeName(node), runId: fields.run_id ?? '', replicas: Number(fields.connected_slaves ?? 0), evictedKeys: Number(fields.evicted_keys ?? 0), policy })
    if (!refusal && policy !== undefined && policyCanEvictLeases(policy) && !options.allowEvictingPolicy) {
      refusal = new VolumeError('EINVAL', {
        op: 'connect',
        reason: 'EvictingPolicy',
        detail:
          `Redis at ${nodeName(node)} has maxmemory-policy "${policy}", which can evict lease keys (they carry a TTL) and let a second holder attach a volume; ` +
          'set maxmemory-policy to noeviction, or pass allowEvictingPolicy: true to accept the risk',
      })
    }
  }
  return { servers: snapshots, refusal }
}

/**
 * Reads `maxmemory-policy` on every server and refuses (EINVAL, reason `EvictingPolicy`) a
 * policy that can evict lease keys, unless allowed. See {@link checkServers}.
 */
export async function checkEvictionPolicy(client: RedisClient, options: EvictionCheckOptions): Promise<void> {
  const { refusal } = await checkServers(client, options)
  if (refusal) throw refusal
}
