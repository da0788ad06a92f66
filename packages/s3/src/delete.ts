import { DeleteObjectsCommand } from '@aws-sdk/client-s3'
import { mapConcurrent, throwIfAborted, type BlobCallOptions, type BlobDeleteResult } from '@volumes/core'
import { objectKey, sendOptions, storeKey, type S3Context } from './context.js'
import { mapS3Error, mapS3ErrorCode } from './errors.js'

/** DeleteObjects takes at most this many keys. */
export const DELETE_BATCH_SIZE = 1000

type BatchOutcome = { readonly failed: { key: string; error: Error }[] } | { readonly error: Error }

/**
 * {@link BlobStore.delete}: DeleteObjects in batches of 1,000 (quiet mode: only failures come
 * back), `deleteConcurrency` batches at once. Missing keys count as deleted. Per-key failures
 * are reported; a batch that fails as a whole reports its keys as failed, unless every batch
 * failed, and then the call throws.
 */
export async function deleteKeys(context: S3Context, keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
  const signal = options?.signal
  throwIfAborted(signal, 'delete')
  if (keys.length === 0) return { deleted: [], failed: [] }
  const batches: string[][] = []
  for (let i = 0; i < keys.length; i += DELETE_BATCH_SIZE) batches.push(keys.slice(i, i + DELETE_BATCH_SIZE))
  const outcomes = await mapConcurrent(batches, context.tuning.deleteConcurrency, async (batch): Promise<BatchOutcome> => {
    try {
      const output = await context.client.send(new DeleteObjectsCommand({
        Bucket: context.bucket,
        Delete: { Objects: batch.map((key) => ({ Key: objectKey(context, key, 'delete') })), Quiet: true },
      }), sendOptions(signal))
      const failed = (output.Errors ?? [])
        .filter((e) => e.Code !== 'NoSuchKey')
        .map((e) => {
          const key = storeKey(context, e.Key ?? '')
          return { key, error: mapS3ErrorCode(e.Code, e.Message, 'delete', key) as Error }
        })
      return { failed }
    } catch (error) {
      return { error: mapS3Error(error, 'delete', batch[0], signal) }
    }
  })
  const whole = outcomes.filter((o): o is { error: Error } => 'error' in o)
  if (whole.length === outcomes.length) throw whole[0]!.error
  const failed: { key: string; error: Error }[] = []
  outcomes.forEach((outcome, i) => {
    if ('error' in outcome) failed.push(...batches[i]!.map((key) => ({ key, error: outcome.error })))
    else failed.push(...outcome.failed)
  })
  const failedKeys = new Set(failed.map((f) => f.key))
  return { deleted: keys.filter((key) => !failedKeys.has(key)), failed }
}
