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
 * (keys S3 cannot hold included) are reported; a batch that fails as a whole reports its keys
 * as failed, unless every batch failed, and then the call throws.
 */
export async function deleteKeys(context: S3Context, keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
  const signal = options?.signal
  throwIfAborted(signal, 'delete')
  const invalid: { key: string; error: Error }[] = []
  const valid: string[] = []
  for (const key of keys) {
    try {
      objectKey(context, key, 'delete')
      valid.push(key)
    } catch (error) {
      invalid.push({ key, error: error as Error })
    }
  }
  if (valid.length === 0) return { deleted: [], failed: invalid }
  const batches: string[][] = []
  for (let i = 0; i < valid.length; i += DELETE_BATCH_SIZE) batches.push(valid.slice(i, i + DELETE_BATCH_SIZE))
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
  const failed: { key: string; error: Error }[] = [...invalid]
  outcomes.forEach((outcome, i) => {
    if ('error' in outcome) failed.push(...batches[i]!.map((key) => ({ key, error: outcome.error })))
    else failed.push(...outcome.failed)
  })
  const failedKeys = new Set(failed.map((f) => f.key))
  return { deleted: valid.filter((key) => !failedKeys.has(key)), failed }
}
