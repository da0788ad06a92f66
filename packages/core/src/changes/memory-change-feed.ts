import { randomBytes } from 'node:crypto'
import type { ChangeFeed, ChangeInput, ChangeItem, ChangeStream, SubscribeOptions, VolumeEvent } from './change-feed.js'
import { eventMatches, invalidCursor } from './path-filter.js'

/** Options of {@link MemoryChangeFeed}. */
export interface MemoryChangeFeedOptions {
  /** Events kept per volume; older ones are dropped (watchers behind them get a gap). Default 10000. */
  readonly capacity?: number | undefined
}

interface VolumeLog {
  /** Kept events, oldest first; `events[i]` has sequence number `last - events.length + 1 + i`. */
  events: VolumeEvent[]
  last: number
  /** Subscriptions waiting for the next publish. */
  readonly waiters: Set<() => void>
}

/**
 * The embedded change feed: one process, events kept in a bounded log per volume. Subscribers
 * read the shared log at their own position (no queue per subscriber), so a slow watcher costs
 * no memory and never slows writers; when the log was trimmed past it, it gets a gap.
 * Cursors are `<feed epoch>.<sequence>`: a cursor of an earlier feed (a restarted process) gets a gap.
 */
export class MemoryChangeFeed implements ChangeFeed {
  readonly #epoch = randomBytes(5).toString('hex')
  readonly #capacity: number
  readonly #logs = new Map<string, VolumeLog>()

  constructor(options: MemoryChangeFeedOptions = {}) {
    this.#capacity = Math.max(1, options.capacity ?? 10_000)
  }

  async publish(volumeId: string, inputs: readonly ChangeInput[]): Promise<readonly VolumeEvent[]> {
    const log = this.#log(volumeId)
    const published = inputs.map((input) => ({ ...input, cursor: this.#cursor(++log.last) }))
    log.events.push(...published)
    // Trimmed in steps, so a full log costs one splice per `capacity / 4` events.
    if (log.events.length > this.#capacity + Math.ceil(this.#capacity / 4)) log.events.splice(0, log.events.length - this.#capacity)
    const waiters = [...log.waiters]
    log.waiters.clear()
    for (const wake of waiters) wake()
    return published
  }

  async subscribe(volumeId: string, options: SubscribeOptions = {}): Promise<ChangeStream> {
    const log = this.#log(volumeId)
    let position = log.last
    let foreign = false
    if (options.since !== undefined) {
      const match = /^([0-9a-f]{10})\.(\d{1,15})$/.exec(options.since)
      if (!match) throw invalidCursor(options.since)
      if (match[1] === this.#epoch) {
        position = Number(match[2])
        if (position > log.last) throw invalidCursor(options.since)
      } else {
        foreign = true
        position = 0
      }
    }
    return this.#stream(log, position, foreign, options)
  }

  #stream(log: VolumeLog, start: number, foreign: boolean, options: SubscribeOptions): ChangeStream {
    const path = options.path ?? '/'
    const recursive = options.recursive === true
    let closed = false
    let wake: (() => void) | undefined
    const stop = (): void => {
      closed = true
      wake?.()
    }
    options.signal?.addEventListener('abort', stop, { once: true })
    const cursor = (sequence: number): string => this.#cursor(sequence)
    async function* items(): AsyncGenerator<ChangeItem> {
      let position = start
      let gap = foreign
      try {
        while (!closed && !options.signal?.aborted) {
          const first = log.last - log.events.length + 1
          if (position < first - 1 || gap) {
            gap = false
            position = Math.max(position, first - 1)
            yield { type: 'gap', cursor: cursor(position), at: new Date() }
            continue
          }
          if (position < log.last) {
            const event = log.events[position - first + 1]!
            position++
            if (eventMatches(event, path, recursive)) yield event
            continue
          }
          await new Promise<void>((resolve) => {
            wake = resolve
            log.waiters.add(resolve)
          })
          log.waiters.delete(wake!)
          wake = undefined
        }
      } finally {
        options.signal?.removeEventListener('abort', stop)
      }
    }
    const iterator = items()
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        stop()
        await iterator.return(undefined)
      },
    }
  }

  #log(volumeId: string): VolumeLog {
    let log = this.#logs.get(volumeId)
    if (!log) {
      log = { events: [], last: 0, waiters: new Set() }
      this.#logs.set(volumeId, log)
    }
    return log
  }

  #cursor(sequence: number): string {
    return `${this.#epoch}.${sequence}`
  }
}
