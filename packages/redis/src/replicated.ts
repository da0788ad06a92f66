import type { ChainableCommander } from 'ioredis'
import { VolumeError } from '@volumes/core'
import { isCluster, type RedisClient } from './config.js'

/** What to wait for after a state change: `replicas` acknowledgements within `timeoutMs`. */
export interface ReplicaWait {
  readonly replicas: number
  readonly timeoutMs: number
}

/** A script's reply and how many replicas acknowledged its effect. */
export interface Replicated<T> {
  readonly reply: T
  readonly acked: number
}

/** Replies that say the script did not run: safe to send again once the client has the new slot map. */
const notRun = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/
const ATTEMPTS = 4

interface Item {
  readonly command: string
  readonly keys: readonly string[]
  readonly args: readonly (string | number)[]
  readonly wait: ReplicaWait
  readonly attempt: number
  resolve(value: Replicated<unknown>): void
  reject(error: unknown): void
}

type Callback = (error?: Error | null, result?: unknown) => void

/**
 * Runs lease scripts followed by `WAIT`, grouped: the scripts that arrive while a WAIT is in
 * flight on a server go out together in the next pipeline, `script, script, ..., WAIT`, one
 * round trip and one WAIT for all of them (WAIT covers every write sent before it on the
 * connection; without grouping, each WAIT would hold up the commands queued behind it).
 * In a Cluster, scripts are grouped by the master of their slot (`server`), so a pipeline
 * goes to one node.
 *
 * If ioredis had to send a script again after the WAIT (NOSCRIPT, after a `SCRIPT FLUSH`), its
 * caller waits again. A redirection (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: the script did not run)
 * is retried after a refresh of the slot map.
 */
export class ReplicatedRunner {
  readonly #client: RedisClient
  readonly #queues = new Map<string, { pending: Item[]; busy: boolean }>()

  constructor(client: RedisClient) {
    this.#client = client
  }

  run<T>(server: string, command: string, keys: readonly string[], args: readonly (string | number)[], wait: ReplicaWait): Promise<Replicated<T>> {
    return new Promise((resolve, reject) => this.#enqueue(server, { command, keys, args, wait, attempt: 1, resolve: resolve as Item['resolve'], reject }))
  }

  #enqueue(server: string, item: Item): void {
    let queue = this.#queues.get(server)
    if (!queue) this.#queues.set(server, (queue = { pending: [], busy: false }))
    queue.pending.push(item)
    if (queue.busy) return
    queue.busy = true
    queueMicrotask(() => void this.#flush(server, queue))
  }

  async #flush(server: string, queue: { pending: Item[]; busy: boolean }): Promise<void> {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0)
      await this.#send(server, batch).catch((error: unknown) => batch.forEach((item) => item.reject(error)))
    }
    queue.busy = false
    this.#queues.delete(server)
  }

  async #send(server: string, batch: Item[]): Promise<void> {
    const pipeline = this.#client.pipeline()
    let waited = false
    const late = new Set<Item>()
    for (const item of batch) {
      const script = (pipeline as unknown as Record<string, (...rest: unknown[]) => ChainableCommander>)[item.command]!
      script.call(pipeline, item.keys.length, ...item.keys, ...item.args, (() => {
        if (waited) late.add(item)
      }) as Callback)
    }
    const wait = { replicas: Math.max(...batch.map((item) => item.wait.replicas)), timeoutMs: Math.max(...batch.map((item) => item.wait.timeoutMs)) }
    pipeline.call('WAIT', String(wait.replicas), String(wait.timeoutMs), (() => {
      waited = true
    }) as Callback)
    const results = (await pipeline.exec()) ?? []
    const [waitError, ackedReply] = results[batch.length] ?? [new Error('no WAIT reply')]
    const acked = waitError ? 0 : Number(ackedReply)
    let refreshed = false
    for (const [i, item] of batch.entries()) {
      const [error, reply] = results[i] ?? [new Error('no reply')]
      if (error) {
        if (item.attempt >= ATTEMPTS || !notRun.test(error.message)) {
          item.reject(error)
          continue
        }
        if (!refreshed && isCluster(this.#client)) await new Promise<void>((resolve) => (this.#client as { refreshSlotsCache(cb: () => void): void }).refreshSlotsCache(() => resolve()))
        refreshed = true
        this.#enqueue(server, { ...item, attempt: item.attempt + 1 })
      } else if (late.has(item)) {
        this.#waitAgain(item.keys[0]!, item.wait).then((again) => item.resolve({ reply, acked: again }), item.reject)
      } else {
        item.resolve({ reply, acked })
      }
    }
  }

  /** WAIT alone, on the connection that serves `key`. */
  async #waitAgain(key: string, wait: ReplicaWait): Promise<number> {
    const results = (await this.#client.pipeline().exists(key).call('WAIT', String(wait.replicas), String(wait.timeoutMs)).exec()) ?? []
    const [error, acked] = results[1] ?? [new Error('no WAIT reply')]
    return error ? 0 : Number(acked)
  }
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
