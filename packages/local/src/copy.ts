import { throwIfAborted, VolumeError, type BlobCopyOptions, type BlobHead } from '@volumes/core'
import { commitObject } from './commit.js'
import type { StoreContext } from './context.js'
import { notFound, preconditionFailed, toVolumeError } from './errors.js'
import { removeQuietly } from './fs-util.js'
import { resolveObject, statObject } from './head.js'
import { sameFile } from './record.js'
import { cloneToTemp } from './temp.js'
import { checkConditions } from './write.js'

/** Attempts before giving up on a source that keeps changing while it is copied. */
const ATTEMPTS = 4

/**
 * `copy`: clones the source's data file to a temporary file (`copyFile` with reflink where the
 * file system has it, so the bytes never pass through this process), checks the source did not
 * change meanwhile, then commits the clone at the destination like a `put`.
 */
export async function copyObject(ctx: StoreContext, sourceKey: string, destinationKey: string, options: BlobCopyOptions = {}): Promise<BlobHead> {
  const op = 'copy'
  const { signal } = options
  throwIfAborted(signal, op, sourceKey)
  const conditions = checkConditions({ ifNoneMatch: options.ifNoneMatch }, op, destinationKey)
  const from = ctx.layout.locate(sourceKey, op)
  const to = ctx.layout.locate(destinationKey, op)
  await ctx.ready()
  for (let attempt = 1; ; attempt++) {
    const source = await resolveObject(from).catch((error: unknown) => {
      throw toVolumeError(error, op, sourceKey)
    })
    if (source === undefined) throw notFound(op, sourceKey)
    if (conditions.ifNoneMatch === '*' && (await statObject(to).catch(() => undefined)) !== undefined) {
      throw preconditionFailed(op, destinationKey, 'the object exists')
    }
    const temp = await cloneToTemp(ctx, from.dataPath, op, sourceKey)
    try {
      throwIfAborted(signal, op, sourceKey)
      const after = await statObject(from)
      if (after === undefined || !sameFile(after, source.stats)) {
        await removeQuietly(temp.path)
        if (attempt < ATTEMPTS) continue
        throw new VolumeError('EAGAIN', { op, path: sourceKey, reason: 'SourceChanged', detail: 'the source kept changing while it was copied' })
      }
      return await commitObject(ctx, {
        op,
        loc: to,
        temp,
        contentType: options.contentType ?? source.head.contentType,
        metadata: options.metadata ?? source.head.metadata ?? {},
        conditions,
        signal,
      })
    } catch (error) {
      await removeQuietly(temp.path)
      throw toVolumeError(error, op, sourceKey)
    }
  }
}
