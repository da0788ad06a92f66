import type { BlobStore } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { sleep } from '../util/abort.js'
import { KeyedLock } from '../util/keyed-lock.js'
import { deleteUsageObject, readUsageObject, writeUsageObject, type UsageCounts, type VersionedUsage } from './usage-object.js'

/** Limits a reservation is checked against. `Infinity` for none. */
export interface UsageLimits {
  readonly maxBytes: number
  readonly maxInodes: number
}

/** A change of usage. Positive parts are checked against the limits (when given); negative parts never are. */
export interface UsageChange {
  readonly bytes: number
  readonly inodes: number
  /** Also take up to this many more bytes if they fit (a streaming writer's read-ahead). */
  readonly extraBytes?: number | undefined
}

/** The outcome of a change: applied (with the extra bytes granted), or refused for the named limit. */
export type UsageOutcome =
  | { readonly applied: true; readonly extraBytes: number }
  | { readonly applied: false; readonly exceeded: 'bytes' | 'inodes'; readonly usage: UsageCounts }

interface Pending {
  readonly change: UsageChange | { readonly set: UsageCounts }
  readonly limits: UsageLimits | undefined
  resolve(outcome: UsageOutcome): void
  reject(error: unknown): void
}

interface Cell {
  queue: Pending[]
  busy: boolean
  /** The last usage this process wrote or read, and its version: lets an uncontended change cost one conditional write. */
  known: VersionedUsage | undefined
}

const MAX_ATTEMPTS = 60

/**
 * Keeps each volume's usage object (`.registry/usage/<volumeId>`) exact under
 * concurrent writers, in this process and across processes.
 *
 * Every change is a compare-and-swap (`ifMatch`) of the usage object, retried with
 * jittered backoff when another process changed it first. Within one process,
 * changes to one volume are queued and committed in groups: while one write is in
 * flight the next changes gather, and are checked one by one and applied by a single
 * write. An uncontended change costs one conditional write (the last version is
 * remembered); a refusal is only ever decided on a freshly read value.
 *
 * A volume without a usage object (created before quotas, or by another tool) is
 * counted once by `recount` and the object is created with `ifNoneMatch`.
 */
export class UsageTracker {
  /** Serialises charged writes to one object key in this process, so that they do not race each other's conditions. */
  readonly keyLocks = new KeyedLock()
  readonly #blobs: BlobStore
  readonly #recount: (volumeId: string) => Promise<UsageCounts>
  readonly #cells = new Map<string, Cell>()

  constructor(blobs: BlobStore, recount: (volumeId: string) => Promise<UsageCounts>) {
    this.#blobs = blobs
    this.#recount = recount
  }

  /** Applies a change if it fits the limits (always, without limits). */
  change(volumeId: string, change: UsageChange, limits?: UsageLimits): Promise<UsageOutcome> {
    return this.#enqueue(volumeId, change, limits)
  }

  /** Replaces the usage (after a recount). */
  async set(volumeId: string, usage: UsageCounts): Promise<void> {
    await this.#enqueue(volumeId, { set: usage }, undefined)
  }

  /** The current usage, read from the bucket. */
  async read(volumeId: string): Promise<UsageCounts> {
    return (await this.#load(volumeId)).usage
  }

  /** Creates an empty usage object for a new volume. */
  async initialise(volumeId: string): Promise<void> {
    const version = await writeUsageObject(this.#blobs, volumeId, { bytes: 0, inodes: 0 }, { ifNoneMatch: '*' })
    this.#cellOf(volumeId).known = { usage: { bytes: 0, inodes: 0 }, version }
  }

  /** Deletes a destroyed volume's usage object and forgets it. */
  async forget(volumeId: string): Promise<void> {
    this.#cells.delete(volumeId)
    await deleteUsageObject(this.#blobs, volumeId)
  }

  #cellOf(volumeId: string): Cell {
    let cell = this.#cells.get(volumeId)
    if (!cell) this.#cells.set(volumeId, (cell = { queue: [], busy: false, known: undefined }))
    return cell
  }

  #enqueue(volumeId: string, change: Pending['change'], limits: UsageLimits | undefined): Promise<UsageOutcome> {
    const cell = this.#cellOf(volumeId)
    const outcome = new Promise<UsageOutcome>((resolve, reject) => cell.queue.push({ change, limits, resolve, reject }))
    if (!cell.busy) void this.#drain(volumeId, cell)
    return outcome
  }

  async #drain(volumeId: string, cell: Cell): Promise<void> {
    cell.busy = true
    try {
      while (cell.queue.length > 0) {
        const batch = cell.queue.splice(0)
        await this.#commit(volumeId, cell, batch).catch((error: unknown) => {
          for (const pending of batch) pending.reject(error)
        })
      }
    } finally {
      cell.busy = false
    }
  }

  async #commit(volumeId: string, cell: Cell, batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const fresh = cell.known === undefined
      const current = cell.known ?? (await this.#load(volumeId))
      let next = current.usage
      const outcomes = batch.map((pending) => {
        const result = applyChange(next, pending.change, pending.limits)
        if (result.applied) next = result.after
        return result.outcome
      })
      if (!fresh && outcomes.some((o) => !o.applied)) {
        cell.known = undefined
        continue
      }
      if (next !== current.usage) {
        try {
          const version = await writeUsageObject(this.#blobs, volumeId, next, { ifMatch: current.version })
          cell.known = { usage: next, version }
        } catch (error) {
          cell.known = undefined
          if (!isVolumeError(error, 'EPRECONDITION')) throw error
          if (attempt >= MAX_ATTEMPTS) {
            throw new VolumeError('EAGAIN', { op: 'quota', path: volumeId, reason: 'UsageContention', detail: `usage of volume ${volumeId} changed concurrently ${attempt} times in a row`, cause: error })
          }
          await sleep(Math.random() * Math.min(200, 2 ** attempt))
          continue
        }
      } else {
        cell.known = current
      }
      batch.forEach((pending, index) => pending.resolve(outcomes[index]!))
      return
    }
  }

  async #load(volumeId: string): Promise<VersionedUsage> {
    for (;;) {
      const found = await readUsageObject(this.#blobs, volumeId)
      if (found) return found
      const usage = await this.#recount(volumeId)
      try {
        return { usage, version: await writeUsageObject(this.#blobs, volumeId, usage, { ifNoneMatch: '*' }) }
      } catch (error) {
        if (!isVolumeError(error, 'EPRECONDITION')) throw error
      }
    }
  }
}

/** Applies one change to a usage value, checking the limits. Never goes below zero. */
function applyChange(usage: UsageCounts, change: Pending['change'], limits: UsageLimits | undefined): { applied: true; after: UsageCounts; outcome: UsageOutcome } | { applied: false; outcome: UsageOutcome } {
  if ('set' in change) return { applied: true, after: change.set, outcome: { applied: true, extraBytes: 0 } }
  const bytes = usage.bytes + change.bytes
  const inodes = usage.inodes + change.inodes
  if (limits && change.bytes > 0 && bytes > limits.maxBytes) return { applied: false, outcome: { applied: false, exceeded: 'bytes', usage } }
  if (limits && change.inodes > 0 && inodes > limits.maxInodes) return { applied: false, outcome: { applied: false, exceeded: 'inodes', usage } }
  // Read-ahead takes at most half the room left, so that one stream cannot starve the others near the limit.
  const room = limits ? Math.floor((limits.maxBytes - bytes) / 2) : Number.POSITIVE_INFINITY
  const extraBytes = Math.max(0, Math.min(change.extraBytes ?? 0, room))
  if (change.bytes === 0 && change.inodes === 0 && extraBytes === 0) return { applied: true, after: usage, outcome: { applied: true, extraBytes } }
  return { applied: true, after: { bytes: Math.max(0, bytes + extraBytes), inodes: Math.max(0, inodes) }, outcome: { applied: true, extraBytes } }
}
