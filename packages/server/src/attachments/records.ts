import { createHash } from 'node:crypto'
import { collectBytes, isVolumeError, type BlobStore, type LeaseMode } from '@volumes/core'

/** What an attach asked for, kept so that any process can renew it with the same mount paths. */
export interface AttachmentRecord {
  /** The team-scoped holder id. */
  readonly holderKey: string
  readonly mode: LeaseMode
  readonly ttlMs: number
  readonly mounts: ReadonlyArray<{ readonly path: string; readonly volumeId: string }>
}

/**
 * Attachment records in the store itself, under `.server/attachments/` (one small object
 * per holder, named by a hash of the holder id): the lease manager knows which volumes a
 * holder has, not where it mounted them. Written on attach, read on renew, deleted on
 * release; a record whose leases all expired is harmless and replaced by the next attach.
 */
export class AttachmentRecords {
  readonly #blobs: BlobStore

  constructor(blobs: BlobStore) {
    this.#blobs = blobs
  }

  async put(record: AttachmentRecord): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(record), 'utf8')
    await this.#blobs.put(keyOf(record.holderKey), bytes, { contentType: 'application/json' })
  }

  async get(holderKey: string): Promise<AttachmentRecord | undefined> {
    try {
      const { body } = await this.#blobs.get(keyOf(holderKey))
      const record = JSON.parse(Buffer.from(await collectBytes(body)).toString('utf8')) as AttachmentRecord
      return record.holderKey === holderKey ? record : undefined
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) return undefined
      throw error
    }
  }

  async delete(holderKey: string): Promise<void> {
    await this.#blobs.delete([keyOf(holderKey)])
  }
}

function keyOf(holderKey: string): string {
  return `.server/attachments/${createHash('sha256').update(holderKey).digest('hex')}.json`
}
