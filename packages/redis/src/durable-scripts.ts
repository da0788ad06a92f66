import calculateSlot from 'cluster-key-slot'
import { isCluster, type RedisClient } from './config.js'
import type { LeaseScripts } from './lua-command.js'
import { ReplicatedRunner, type ReplicaWait } from './replicated.js'
import type { ServerWatch } from './server-watch.js'

/** A state-changing script's reply, the wait it was given (none: it did not wait) and the replicas that acknowledged it. */
export interface DurableReply<T> {
  readonly reply: T
  readonly wait: ReplicaWait | undefined
  readonly acked: number
}

/**
 * Runs the acquire and renew scripts so that they count only once replicated: with
 * `waitForReplicas` a number, that many replicas; with `'auto'`, as many as the master serving
 * the volume's slot has had ({@link ServerWatch.replicasOf}); 0 replicas: a plain EVALSHA.
 */
export class DurableScripts {
  readonly #client: RedisClient
  readonly #scripts: LeaseScripts
  readonly #watch: ServerWatch
  readonly #waitForReplicas: number | 'auto'
  readonly #timeoutMs: number
  readonly #runner: ReplicatedRunner

  constructor(client: RedisClient, scripts: LeaseScripts, watch: ServerWatch, waitForReplicas: number | 'auto', timeoutMs: number) {
    this.#client = client
    this.#scripts = scripts
    this.#watch = watch
    this.#waitForReplicas = waitForReplicas
    this.#timeoutMs = timeoutMs
    this.#runner = new ReplicatedRunner(client)
  }

  async run<T>(name: 'acquire' | 'renew', keys: readonly string[], args: readonly (string | number)[]): Promise<DurableReply<T>> {
    const server = isCluster(this.#client) ? (this.#client.slots[calculateSlot(keys[0]!)]?.[0] ?? '') : undefined
    const replicas = this.#waitForReplicas === 'auto' ? this.#watch.replicasOf(server) : this.#waitForReplicas
    if (replicas <= 0) return { reply: (await this.#scripts[name](keys, args)) as T, wait: undefined, acked: 0 }
    const wait = { replicas, timeoutMs: this.#timeoutMs }
    const { reply, acked } = await this.#runner.run<T>(server ?? '', `volumesLease_${name}`, keys, args, wait)
    return { reply, wait, acked }
  }
}
