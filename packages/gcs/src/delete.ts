import { forEachConcurrent, throwIfAborted, VolumeError, type BlobCallOptions, type BlobDeleteResult } from '@volumes/core'
import { objectName, type GcsContext } from './config.js'
import { isNotFound, toVolumeError } from './errors.js'

/**
 * `delete`: one request per key (this client has no batch delete), at most
 * `deleteConcurrency` in flight. Missing keys count as deleted; other per-key failures are
 * reported, not thrown. An abort stops starting new deletes and throws ECANCELED.
 */
export async function deleteObjects(context: GcsContext, keys: readonly string[], options: BlobCallOptions = {}): Promise<BlobDeleteResult> {
  const op = 'delete'
  throwIfAborted(options.signal, op)
  const deleted: string[] = []
  const failed: { key: string; error: Error }[] = []
  await forEachConcurrent(new Set(keys), context.deleteConcurrency, async (key) => {
    try {
      await context.bucket.file(objectName(context, key, op)).delete({ ignoreNotFound: true })
      deleted.push(key)
    } catch (error) {
      if (isNotFound(error)) deleted.push(key)
      else failed.push({ key, error: toVolumeError(error, op, key) })
    }
  }, options.signal).catch((error: unknown) => {
    throw options.signal?.aborted ? new VolumeError('ECANCELED', { op, cause: error }) : toVolumeError(error, op)
  })
  return { deleted, failed }
}
