import type { Redis } from 'ioredis'
import { VolumeError } from '@volumes/core'
import { isCluster, type ConfigUnavailableAction, type RedisClient } from './config.js'

/** Options of {@link checkEvictionPolicy}. */
export interface EvictionCheckOptions {
  readonly allowEvictingPolicy: boolean
  readonly onConfigUnavailable: ConfigUnavailableAction
  readonly logger: { warn(message: string): void }
}

/** True for a `maxmemory-policy` under which Redis may evict keys that carry a TTL (all but `noeviction`). */
export function policyCanEvictLeases(policy: string): boolean {
  return policy !== 'noeviction'
}

function nodeName(node: Redis): string {
  const options = node.options
  return options.path ?? `${options.host ?? 'localhost'}:${options.port ?? 6379}`
}

/** The servers whose policy matters: every master of a Cluster, else the one server. */
async function servers(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client]
  await client.ping()
  return client.nodes('master')
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}

/**
 * Reads `maxmemory-policy` on every server and refuses (EINVAL, reason `EvictingPolicy`) a
 * policy that can evict lease keys, unless allowed. A refused CONFIG command (disabled or
 * renamed, as on managed Redis) is handled as `onConfigUnavailable` says; a connection failure
 * is thrown as is, so the check runs again on the next use.
 */
export async function checkEvictionPolicy(client: RedisClient, options: EvictionCheckOptions): Promise<void> {
  for (const node of await servers(client)) {
    let policy: string | undefined
    try {
      const reply = (await node.config('GET', 'maxmemory-policy')) as unknown as string[]
      policy = reply[1]
    } catch (error) {
      if (!isReplyError(error)) throw error
      const detail = `cannot read maxmemory-policy on ${nodeName(node)} (${(error as Error).message}); make sure it is noeviction: an evicted lease key lets a second holder in`
      if (options.onConfigUnavailable === 'error') throw new VolumeError('EINVAL', { op: 'connect', reason: 'EvictionPolicyUnknown', detail, cause: error })
      if (options.onConfigUnavailable === 'warn') options.logger.warn(`@volumes/redis: ${detail}`)
      continue
    }
    if (policy !== undefined && policyCanEvictLeases(policy) && !options.allowEvictingPolicy) {
      throw new VolumeError('EINVAL', {
        op: 'connect',
        reason: 'EvictingPolicy',
        detail:
          `Redis at ${nodeName(node)} has maxmemory-policy "${policy}", which can evict lease keys (they carry a TTL) and let a second holder attach a volume; ` +
          'set maxmemory-policy to noeviction, or pass allowEvictingPolicy: true to accept the risk',
      })
    }
  }
}
