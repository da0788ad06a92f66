import { randomBytes } from 'node:crypto'
import type { BlobStore } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import { parseVolumeRecord, type StoredVolumeRecord } from './volume-record.js'

const REGISTRY = '.registry/'
const BY_NAME = `${REGISTRY}by-name/`
const BY_ID = `${REGISTRY}by-id/`
const JSON_TYPE = 'application/json'

/** Volume ids: `vol-` and 20 lowercase base-32 characters (100 random bits). */
export const VOLUME_ID_PATTERN = /^vol-[a-z2-7]{20}$/

/** A new random volume id. */
export function newVolumeId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  return `vol-${Array.from(randomBytes(20), (byte) => alphabet[byte & 31]).join('')}`
}

/** A record with the object version it was read at (for compare-and-swap updates). */
export interface VersionedRecord {
  readonly record: StoredVolumeRecord
  readonly version: string
}

/**
 * The catalogue of volumes, kept in the bucket itself: no external database.
 *
 * `.registry/by-name/<name>` holds the full record and is created with
 * `ifNoneMatch: '*'`, so of two concurrent creators of one name exactly one wins.
 * `.registry/by-id/<id>` points to the name; it is written first and checked
 * against the record on every read, so an orphan pointer is harmless.
 */
export class VolumeRegistry {
  constructor(private readonly blobs: BlobStore) {}

  /** Claims the record's name; EEXIST (reason `VolumeNameTaken`) when it is taken. */
  async create(record: StoredVolumeRecord): Promise<void> {
    if (!this.blobs.capabilities.conditionalCreate) {
      throw new VolumeError('ENOTSUP', { op: 'create', path: record.name, reason: 'NoConditionalWrites', detail: 'the storage backend cannot create objects atomically, so volume names cannot be made unique' })
    }
    await this.blobs.put(`${BY_ID}${record.volumeId}`, encode({ name: record.name }), { ifNoneMatch: '*', contentType: JSON_TYPE })
    try {
      await this.blobs.put(`${BY_NAME}${record.name}`, encode(record), { ifNoneMatch: '*', contentType: JSON_TYPE })
    } catch (error) {
      await this.blobs.delete([`${BY_ID}${record.volumeId}`])
      if (isVolumeError(error, 'EPRECONDITION')) {
        throw new VolumeError('EEXIST', { op: 'create', path: record.name, reason: 'VolumeNameTaken', detail: `Volume "${record.name}" already exists` })
      }
      throw error
    }
  }

  /** The record of a volume by name, or undefined. */
  async byName(name: string): Promise<VersionedRecord | undefined> {
    const read = await this.#readJson(`${BY_NAME}${name}`)
    return read && { record: parseVolumeRecord(read.text), version: read.version }
  }

  /** The record of a volume by id, or undefined (also when the pointer is an orphan). */
  async byId(volumeId: string): Promise<VersionedRecord | undefined> {
    if (!VOLUME_ID_PATTERN.test(volumeId)) return undefined
    const pointer = await this.#readJson(`${BY_ID}${volumeId}`)
    if (!pointer) return undefined
    const found = await this.byName((JSON.parse(pointer.text) as { name: string }).name)
    return found?.record.volumeId === volumeId ? found : undefined
  }

  /** Every record, sorted by name. */
  async list(signal?: AbortSignal): Promise<StoredVolumeRecord[]> {
    const keys: string[] = []
    let cursor: string | undefined
    do {
      const page = await this.blobs.list(BY_NAME, { cursor, signal })
      keys.push(...page.objects.map((o) => o.key))
      cursor = page.cursor
    } while (cursor)
    const records = await mapConcurrent(keys, 16, async (key) => {
      const read = await this.#readJson(key)
      return read && parseVolumeRecord(read.text)
    }, signal)
    return records.filter((r): r is StoredVolumeRecord => r !== undefined)
  }

  /** Replaces a record if it is still at `version`; EPRECONDITION otherwise. */
  async update(record: StoredVolumeRecord, version: string): Promise<void> {
    await this.blobs.put(`${BY_NAME}${record.name}`, encode(record), { ifMatch: version, contentType: JSON_TYPE })
  }

  /** Removes a record and its id pointer. */
  async remove(record: StoredVolumeRecord): Promise<void> {
    await this.blobs.delete([`${BY_NAME}${record.name}`, `${BY_ID}${record.volumeId}`])
  }

  async #readJson(key: string): Promise<{ text: string; version: string } | undefined> {
    try {
      const { head, body } = await this.blobs.get(key)
      return { text: new TextDecoder().decode(await collectBytes(body)), version: head.version }
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) return undefined
      throw error
    }
  }
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}
