import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { releaseObjects } from '../quota/quota-charges.js'
import { deleteExactly } from './exact-delete.js'
import type { VolumeContext } from './volume-context.js'

/** Every object under `prefix`, page by page, without holding the whole tree in memory. */
export async function* walkObjects(context: VolumeContext, prefix: string, signal?: AbortSignal): AsyncGenerator<BlobHead[]> {
  let cursor: string | undefined
  do {
    const page = await context.blobs.list(prefix, { cursor, signal })
    if (page.objects.length > 0) yield [...page.objects]
    cursor = page.cursor
  } while (cursor)
}

/**
 * Deletes every object under `prefix` (the marker at the prefix itself last), page by page.
 * With a quota each object is deleted only at the version listed and its charge freed
 * (see `deleteExactly`); one that another process replaced meanwhile is deleted at its new
 * version, and one written after the listing survives. Without a quota, plain batch deletes.
 */
export async function deleteTree(context: VolumeContext, prefix: string, op: string, signal?: AbortSignal): Promise<number> {
  let deleted = 0
  let marker: BlobHead | undefined
  for await (const page of walkObjects(context, prefix, signal)) {
    const objects = page.filter((object) => {
      if (object.key !== prefix) return true
      marker = object
      return false
    })
    deleted += await deleteCharged(context, objects, op, signal)
  }
  if (marker) deleted += await deleteCharged(context, [marker], op, signal)
  return deleted
}

/** Attempts at deleting objects of a tree that other writers keep replacing. */
const TREE_ATTEMPTS = 4

async function deleteCharged(context: VolumeContext, objects: readonly BlobHead[], op: string, signal?: AbortSignal): Promise<number> {
  if (!context.quota) return deleteKeys(context, objects.map((object) => object.key), op, signal)
  let deleted = 0
  let pending = objects
  for (let attempt = 1; pending.length > 0 && attempt <= TREE_ATTEMPTS; attempt++) {
    const outcome = await deleteExactly(context, pending, signal)
    await releaseObjects(context, outcome.deleted)
    deleted += outcome.deleted.length
    const current = await Promise.all(outcome.changed.map((head) => context.blobs.head(head.key, { signal })))
    pending = current.filter((head): head is BlobHead => head !== undefined)
  }
  return deleted
}

/** Deletes keys; throws EIO naming the first key that could not be deleted. */
export async function deleteKeys(context: VolumeContext, keys: readonly string[], op: string, signal?: AbortSignal): Promise<number> {
  if (keys.length === 0) return 0
  const result = await context.blobs.delete(keys, { signal })
  const failure = result.failed[0]
  if (failure) {
    throw new VolumeError('EIO', { op, path: failure.key, detail: `${result.failed.length} object(s) could not be deleted`, cause: failure.error })
  }
  return result.deleted.length
}
