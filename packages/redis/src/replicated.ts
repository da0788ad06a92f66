import type { ChainableCommander } from 'ioredis'
import { VolumeError } from '@volumes/core'
import { isCluster, type RedisClient } from './config.js'

/** What to wait for after a state change: `replicas` acknowledgements within `timeoutMs`. */
export interface ReplicaWait {
  readonly replicas: number
  readonly timeoutMs: number
}

/** Replies that say the script did not run: safe to send again once the client has the new slot map. */
const notRun = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/
const ATTEMPTS = 4

type Callback = (error: Error | null | undefined, result?: unknown) => void

/**
 * Runs one lease script and `WAIT <replicas> <timeoutMs>` on the same connection, in one
 * pipeline (one round trip; in a Cluster both go to the master of the volume's slot, the only
 * keyed command choosing the node). WAIT covers every write sent before it on that
 * connection, so the script's effect has reached `replicas` replicas when it says so.
 *
 * Returns the script's reply and the replicas that acknowledged. If ioredis had to send the
 * script again after WAIT (NOSCRIPT, after a `SCRIPT FLUSH`), WAIT is sent again.
 * A redirection (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: the script did not run) is retried after
 * a refresh of the slot map.
 */
export async function runReplicated<T>(client: RedisClient, command: string, keys: readonly string[], args: readonly (string | number)[], wait: ReplicaWait): Promise<{ reply: T; acked: number }> {
  for (let attempt = 1; ; attempt++) {
    const pipeline = client.pipeline()
    let scriptDone = false
    let waitedAfterScript = false
    const script = (pipeline as unknown as Record<string, (...rest: unknown[]) => ChainableCommander>)[command]!
    script.call(pipeline, keys.length, ...keys, ...args, (() => {
      scriptDone = true
    }) as Callback)
    pipeline.call('WAIT', String(wait.replicas), String(wait.timeoutMs), (() => {
      waitedAfterScript = scriptDone
    }) as Callback)
    const results = (await pipeline.exec()) ?? []
    const [scriptError, reply] = results[0] ?? [new Error('empty pipeline reply')]
    if (scriptError) {
      if (attempt < ATTEMPTS && notRun.test(scriptError.message)) {
        if (isCluster(client)) await new Promise<void>((resolve) => client.refreshSlotsCache(() => resolve()))
        continue
      }
      throw scriptError
    }
    const [waitError, acked] = results[1] ?? [new Error('no WAIT reply')]
    if (waitError) return { reply: reply as T, acked: 0 }
    if (waitedAfterScript) return { reply: reply as T, acked: Number(acked) }
    return { reply: reply as T, acked: await waitAgain(client, keys[0]!, wait) }
  }
}

/** WAIT alone, on the connection that serves `key`. */
async function waitAgain(client: RedisClient, key: string, wait: ReplicaWait): Promise<number> {
  const results = (await client.pipeline().exists(key).call('WAIT', String(wait.replicas), String(wait.timeoutMs)).exec()) ?? []
  const [error, acked] = results[1] ?? [new Error('no WAIT reply')]
  return error ? 0 : Number(acked)
}

/** The error of a state change that did not reach enough replicas in time. */
export function replicaTimeout(op: string, volumeId: string, acked: number, wait: ReplicaWait, what: string): VolumeError {
  return new VolumeError('EAGAIN', {
    op,
    path: volumeId,
    reason: 'ReplicaTimeout',
    temporary: true,
    detail: `${what}: ${acked} of ${wait.replicas} Redis replicas acknowledged it within ${wait.timeoutMs} ms (a failover could lose it)`,
  })
}
