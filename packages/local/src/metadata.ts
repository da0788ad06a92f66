import { throwIfAborted, type BlobHead, type BlobMetadata, type BlobSetMetadataOptions } from '@volumes/core'
import type { StoreContext } from './context.js'
import { notFound, preconditionFailed, toVolumeError } from './errors.js'
import { buildHead, statObject } from './head.js'
import { derivedVersion, findEntry, newEntry, readRecord, writeRecord } from './record.js'

/**
 * `setMetadata`: under the key's lock, rewrites the record with the new metadata and a new
 * version for the same data file. The data is not touched; the record rename is the commit.
 */
export async function setObjectMetadata(ctx: StoreContext, key: string, metadata: BlobMetadata, options: BlobSetMetadataOptions = {}): Promise<BlobHead> {
  const op = 'setMetadata'
  const { signal, ifMatch } = options
  throwIfAborted(signal, op, key)
  const loc = ctx.layout.locate(key, op)
  await ctx.ready()
  return ctx.locks.run(loc.lockPath, op, key, signal, async () => {
    try {
      const stats = await statObject(loc)
      if (stats === undefined) throw notFound(op, key)
      const current = findEntry(await readRecord(loc), stats)
      if (ifMatch !== undefined && ifMatch !== (current?.version ?? derivedVersion(stats))) {
        throw preconditionFailed(op, key, 'the version does not match')
      }
      throwIfAborted(signal, op, key)
      const entry = newEntry(stats, options.contentType ?? current?.contentType, metadata)
      await writeRecord(ctx.layout, loc, { v: 1, key, entries: [entry] }, ctx.config.fsync)
      if (ctx.config.fsync) await ctx.dirs.sync([loc.recordParent])
      return buildHead(key, stats, entry)
    } catch (error) {
      throw toVolumeError(error, op, key)
    }
  })
}
