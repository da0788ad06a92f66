import type { BlobStore } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import { parseSnapshotRecord, SNAPSHOT_ID_PATTERN, SNAPSHOT_RECORDS, type StoredSnapshotRecord } from './snapshot-record.js'

const JSON_TYPE = 'application/json'

/** A snapshot record with the object version it was read at. */
export interface VersionedSnapshot {
  readonly record: StoredSnapshotRecord
  readonly version: string
}

/**
 * Snapshot records in the bucket, one object each (`.registry/snapshots/<snapshotId>`),
 * created create-only and completed by compare-and-swap.
 */
export class SnapshotRegistry {
  constructor(private readonly blobs: BlobStore) {}

  /** Writes a new record (create-only); returns its version. */
  async create(record: StoredSnapshotRecord): Promise<string> {
    return (await this.blobs.put(this.#key(record.snapshotId), encode(record), { ifNoneMatch: '*', contentType: JSON_TYPE })).version
  }

  /** Replaces a record still at `version`. */
  async update(record: StoredSnapshotRecord, version: string): Promise<string> {
    return (await this.blobs.put(this.#key(record.snapshotId), encode(record), { ifMatch: version, contentType: JSON_TYPE })).version
  }

  /** A record by id, in any state, or undefined. */
  async byId(snapshotId: string): Promise<VersionedSnapshot | undefined> {
    if (typeof snapshotId !== 'string' || !SNAPSHOT_ID_PATTERN.test(snapshotId)) return undefined
    try {
      const { head, body } = await this.blobs.get(this.#key(snapshotId))
      return { record: parseSnapshotRecord(new TextDecoder().decode(await collectBytes(body))), version: head.version }
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) return undefined
      throw error
    }
  }

  /** A ready record by id; ENOENT (reason `SnapshotNotFound`) otherwise. */
  async require(snapshotId: string, op: string): Promise<VersionedSnapshot> {
    const found = await this.byId(snapshotId)
    if (!found || found.record.state !== 'ready') {
      const shown = typeof snapshotId === 'string' ? snapshotId.slice(0, 64) : String(snapshotId)
      throw new VolumeError('ENOENT', { op, path: shown, reason: 'SnapshotNotFound', detail: `Snapshot "${shown}" not found` })
    }
    return found
  }

  /** Every record (any state), oldest first. One listing plus one read per record. */
  async list(signal?: AbortSignal): Promise<StoredSnapshotRecord[]> {
    const ids: string[] = []
    let cursor: string | undefined
    do {
      const page = await this.blobs.list(SNAPSHOT_RECORDS, { cursor, signal })
      ids.push(...page.objects.map((object) => object.key.slice(SNAPSHOT_RECORDS.length)))
      cursor = page.cursor
    } while (cursor)
    const found = await mapConcurrent(ids, 16, async (id) => (await this.byId(id))?.record, signal)
    return found.filter((record): record is StoredSnapshotRecord => record !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  /** Deletes a record. */
  async remove(snapshotId: string): Promise<void> {
    await this.blobs.delete([this.#key(snapshotId)])
  }

  #key(snapshotId: string): string {
    return `${SNAPSHOT_RECORDS}${snapshotId}`
  }
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}
