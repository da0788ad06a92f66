import { throwIfAborted, type BlobBody, type BlobHead, type BlobPutOptions, type BlobWriteConditions } from '@volumes/core'
import { commitObject } from './commit.js'
import type { StoreContext } from './context.js'
import { invalidArgument } from './errors.js'
import { removeQuietly } from './fs-util.js'
import { writeTemp } from './temp.js'

/**
 * `put`: streams the body into a temporary file (no lock held meanwhile), then commits it under
 * the key's lock. A body that fails, an abort or a failed condition leaves nothing behind.
 */
export async function putObject(ctx: StoreContext, key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobHead> {
  const op = 'put'
  throwIfAborted(options.signal, op, key)
  const conditions = checkConditions(options, op, key)
  const loc = ctx.layout.locate(key, op)
  await ctx.ready()
  const temp = await writeTemp(ctx, body, op, key, options.signal, options.contentLength)
  try {
    return await commitObject(ctx, { op, loc, temp, contentType: options.contentType, metadata: options.metadata ?? {}, conditions, signal: options.signal })
  } catch (error) {
    await removeQuietly(temp.path)
    throw error
  }
}

/** Validates write conditions: at most one, and `ifNoneMatch` only as `'*'`. */
export function checkConditions(options: BlobWriteConditions, op: string, key: string): BlobWriteConditions {
  const { ifNoneMatch, ifMatch } = options
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw invalidArgument(op, key, `ifNoneMatch must be '*'`)
  if (ifNoneMatch !== undefined && ifMatch !== undefined) throw invalidArgument(op, key, 'give ifNoneMatch or ifMatch, not both')
  if (ifMatch !== undefined && typeof ifMatch !== 'string') throw invalidArgument(op, key, 'ifMatch must be a version string')
  return ifNoneMatch !== undefined ? { ifNoneMatch } : ifMatch !== undefined ? { ifMatch } : {}
}
