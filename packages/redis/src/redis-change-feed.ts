import type { RedisOptions } from 'ioredis'
import { eventMatches, invalidCursor, type ChangeFeed, type ChangeInput, type ChangeItem, type ChangeStream, type SubscribeOptions, type VolumeEvent } from '@volumes/core'
import { resolveClient, type RedisClient } from './config.js'

/** Options of {@link RedisChangeFeed}. */
export interface RedisChangeFeedOptions {
  /** An ioredis `Redis` or `Cluster` the caller keeps and closes, or options to build one the feed closes. */
  readonly redis: RedisClient | RedisOptions
  /** Prefix of every key; no braces. Default `volumes:changes`. */
  readonly keyPrefix?: string
  /** About how many events each volume's stream keeps (`XADD MAXLEN ~`: Redis trims whole nodes, so somewhat more). Default 10000. */
  readonly maxLength?: number
  /** `XREAD BLOCK` of a waiting subscription, ms; keep it under the client's `commandTimeout`. Default 2000. */
  readonly blockMs?: number
}

/**
 * Appends a batch of events in one round trip, numbering them: `s` is a per-volume sequence, so
 * a reader sees a gap (events trimmed before it read them) as a jump in `s`.
 * KEYS: stream, sequence counter (one hash slot). ARGV: max length, then one JSON event each.
 */
const PUBLISH = `
local n = #ARGV - 1
local last = redis.call('INCRBY', KEYS[2], n)
local ids = {}
for i = 1, n do
  ids[i] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 's', tostring(last - n + i), 'e', ARGV[i + 1])
end
return ids
`

type StreamEntry = [id: string, fields: string[]]

/** Where a subscription stands: after stream entry `id`, whose sequence number is `seq`. */
interface Position {
  id: string
  seq: number
}

/**
 * The change feed on Redis Streams, one stream per volume (`<prefix>:{<volumeId>}:events`),
 * so writers and watchers in different processes and machines see the same events. Cursors
 * are stream ids. Each subscription reads with `XREAD BLOCK` on a connection of its own
 * (a duplicate of the client, made on first read), from its own position; Works on a single
 * Redis, Sentinel and Cluster (a volume's keys share one slot).
 */
export class RedisChangeFeed implements ChangeFeed {
  readonly #client: RedisClient
  readonly #owned: boolean
  readonly #prefix: string
  readonly #maxLength: number
  readonly #blockMs: number

  constructor(options: RedisChangeFeedOptions) {
    const { client, owned } = resolveClient(options.redis)
    this.#client = client
    this.#owned = owned
    this.#prefix = options.keyPrefix ?? 'volumes:changes'
    this.#maxLength = Math.max(1, options.maxLength ?? 10_000)
    this.#blockMs = options.blockMs ?? 2000
  }

  async publish(volumeId: string, events: readonly ChangeInput[]): Promise<readonly VolumeEvent[]> {
    if (events.length === 0) return []
    const { stream, sequence } = this.#keys(volumeId)
    const payloads = events.map((event) => JSON.stringify({ ...event, at: event.at.toISOString() }))
    const ids = (await this.#client.eval(PUBLISH, 2, stream, sequence, String(this.#maxLength), ...payloads)) as string[]
    return events.map((event, index) => ({ ...event, cursor: ids[index]! }))
  }

  async subscribe(volumeId: string, options: SubscribeOptions = {}): Promise<ChangeStream> {
    const { since } = options
    if (since !== undefined && !/^\d{1,20}-\d{1,20}$/.test(since)) throw invalidCursor(since)
    const { stream, sequence } = this.#keys(volumeId)
    if (since === undefined) {
      const [last, counter] = await this.#transaction((multi) => multi.xrevrange(stream, '+', '-', 'COUNT', 1).get(sequence))
      const entry = (last as StreamEntry[])[0]
      return this.#stream(stream, entry ? { id: entry[0], seq: sequenceOf(entry) } : { id: '0-0', seq: Number(counter ?? 0) }, false, options)
    }
    const [at, first, counter] = await this.#transaction((multi) => multi.xrange(stream, since, since).xrange(stream, '-', '+', 'COUNT', 1).get(sequence))
    const found = (at as StreamEntry[])[0]
    if (found) return this.#stream(stream, { id: since, seq: sequenceOf(found) }, false, options)
    const oldest = (first as StreamEntry[])[0]
    // A cursor older than the oldest entry was trimmed (or Redis lost its data): a gap. One within the kept range that is no entry never was a cursor.
    if (oldest && compareIds(since, oldest[0]) >= 0) throw invalidCursor(since)
    return this.#stream(stream, { id: since, seq: oldest ? sequenceOf(oldest) - 1 : Number(counter ?? 0) }, true, options)
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#client.quit().catch(() => undefined)
  }

  #stream(stream: string, start: Position, gapFirst: boolean, options: SubscribeOptions): ChangeStream {
    const client = this.#client
    const blockMs = this.#blockMs
    const path = options.path ?? '/'
    const recursive = options.recursive === true
    let closed = false
    let connection: RedisClient | undefined
    let wake: () => void = () => undefined
    // A Cluster client keeps a command whose connection was closed queued: the read also ends on this.
    const stopped = new Promise<null>((resolve) => {
      wake = () => resolve(null)
    })
    const stop = (): void => {
      closed = true
      wake()
      connection?.disconnect()
    }
    options.signal?.addEventListener('abort', stop, { once: true })
    const gap = (cursor: string): ChangeItem => ({ type: 'gap', cursor, at: new Date() })
    async function* items(): AsyncGenerator<ChangeItem> {
      const position = { ...start }
      try {
        if (gapFirst) yield gap(position.id)
        while (!closed && !options.signal?.aborted) {
          connection ??= client.duplicate()
          const reading = connection.xread('COUNT', 256, 'BLOCK', blockMs, 'STREAMS', stream, position.id) as Promise<[string, StreamEntry[]][] | null>
          reading.catch(() => undefined)
          const reply = await Promise.race([reading, stopped])
          for (const entry of reply?.[0]?.[1] ?? []) {
            const seq = sequenceOf(entry)
            const before = position.id
            position.id = entry[0]
            if (seq !== position.seq + 1) yield gap(before)
            position.seq = seq
            const event = decode(entry)
            if (eventMatches(event, path, recursive)) yield event
            if (closed) return
          }
        }
      } catch (error) {
        if (!closed && !options.signal?.aborted) throw error
      } finally {
        options.signal?.removeEventListener('abort', stop)
        connection?.disconnect()
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

  async #transaction(build: (multi: ReturnType<RedisClient['multi']>) => ReturnType<RedisClient['multi']>): Promise<unknown[]> {
    const results = (await build(this.#client.multi()).exec()) ?? []
    return results.map(([error, value]) => {
      if (error) throw error
      return value
    })
  }

  #keys(volumeId: string): { stream: string; sequence: string } {
    const tag = `${this.#prefix}:{${volumeId}}`
    return { stream: `${tag}:events`, sequence: `${tag}:seq` }
  }
}

function fieldOf(entry: StreamEntry, name: string): string | undefined {
  const fields = entry[1]
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]
  return undefined
}

function sequenceOf(entry: StreamEntry): number {
  return Number(fieldOf(entry, 's'))
}

function decode(entry: StreamEntry): VolumeEvent {
  const raw = JSON.parse(fieldOf(entry, 'e') ?? '{}') as Omit<VolumeEvent, 'at' | 'cursor'> & { at: string }
  return { ...raw, at: new Date(raw.at), cursor: entry[0] }
}

/** Orders stream ids `<ms>-<seq>`. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint]
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint]
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1
}
