import type { BlobHead } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { releaseObjects } from '../quota/quota-charges.js'
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

/** Deletes every object under `prefix` (the marker at the prefix itself last), in batches, releasing their quota page by page. */
export async function deleteTree(context: VolumeContext, prefix: string, op: string, signal?: AbortSignal): Promise<number> {
  let deleted = 0
  let marker: BlobHead | undefined
  for await (const page of walkObjects(context, prefix, signal)) {
    const objects = page.filter((object) => {
      if (object.key !== prefix) return true
      marker = object
      return false
    })
    deleted += await deleteKeys(context, objects.map((object) => object.key), op, signal)
    await releaseObjects(context, objects)
  }
  if (marker) {
    deleted += await deleteKeys(context, [prefix], op, signal)
    await releaseObjects(context, [marker])
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
