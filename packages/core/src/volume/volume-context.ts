import type { BlobStore } from '../blob/blob-store.js'
import type { AttributeDefaults } from '../metadata/codec.js'
import type { KeySpace } from '../paths/key-space.js'
import type { QuotaCharger } from '../quota/quota-charger.js'
import type { ChangeFeed } from '../changes/change-feed.js'

/**
 * Called before every mutation of a volume with the operation and path. Throws to
 * refuse it: a read-only attachment throws EROFS, a lost lease EBUSY, a full volume ENOSPC.
 */
export interface MutationGuard {
  beforeMutation(op: string, path: string): Promise<void>
  /**
   * Called before every store request of a mutation (each retry and each object of a
   * tree included), with no round trip: throws to stop the request from being sent.
   */
  beforeRequest?(op: string, key: string): void
  /** Fires when the guard stops allowing writes: requests in flight are aborted. */
  readonly signal?: AbortSignal | undefined
}

/** Everything the operations of one volume share. */
export interface VolumeContext {
  readonly volumeId: string
  readonly blobs: BlobStore
  readonly keys: KeySpace
  readonly defaults: AttributeDefaults
  /** Requests in flight for listings, recursive copies and deletes. */
  readonly concurrency: number
  readonly guard?: MutationGuard | undefined
  /** Size and inode limits, charged by every write path; absent for volumes without a quota. */
  readonly quota?: QuotaCharger | undefined
  /** Look for legacy `_$folder$` markers where a path is otherwise missing or implicit (bucket volumes: foreign data). */
  readonly legacyMarkers?: boolean | undefined
  /** Where mutations publish their events and watchers read them; absent: no events. */
  readonly changes?: ChangeFeed | undefined
}

/** Runs the context's guard, if any. */
export async function guardMutation(context: VolumeContext, op: string, path: string): Promise<void> {
  await context.guard?.beforeMutation(op, path)
}
