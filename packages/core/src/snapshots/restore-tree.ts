import type { BlobHead, BlobStore } from '../blob/blob-store.js'
import { isVolumeError } from '../errors/volume-error.js'
import { chargeWrite, releaseObjects } from '../quota/quota-charges.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import { deleteExactly } from '../volume/exact-delete.js'
import { deleteTree, walkObjects } from '../volume/tree-walk.js'
import type { VolumeContext } from '../volume/volume-context.js'

/** Attempts at placing one object that concurrent writers keep creating. */
const ATTEMPTS = 4

/**
 * Makes a volume's content the snapshot's: deletes every object of the volume exactly
 * (`deleteTree`, charges freed), then copies each snapshot object in create-only, its
 * metadata as it was, each charged to the quota before it is copied. A key some other
 * writer created meanwhile is deleted at the version found (`deleteExactly`) and the copy
 * placed again. `source` lists the snapshot's content.
 */
export async function restoreTree(context: VolumeContext, source: BlobStore, snapshotPrefix: string, signal?: AbortSignal): Promise<void> {
  await deleteTree(context, context.keys.prefix, 'restore', signal)
  const walk: VolumeContext = { ...context, blobs: source }
  for await (const page of walkObjects(walk, snapshotPrefix, signal)) {
    await forEachConcurrent(page, context.concurrency, async (head) => {
      const destination = `${context.keys.prefix}${head.key.slice(snapshotPrefix.length)}`
      if (destination === context.keys.prefix) {
        await context.blobs.copy(head.key, destination, { signal })
        return
      }
      await chargeWrite(context, 'restore', context.keys.pathOf(destination), head.size, 1, () => place(context, source, head, destination, signal))
    }, signal)
  }
}

async function place(context: VolumeContext, source: BlobStore, head: BlobHead, destination: string, signal?: AbortSignal): Promise<BlobHead> {
  const createOnly = context.blobs.capabilities.conditionalCreate
  // An empty object is one create-only put (MinIO refuses create-only copies of markers): it needs the source's metadata.
  const full = head.size === 0 && !head.metadata ? ((await source.head(head.key, { signal })) ?? head) : head
  for (let attempt = 1; ; attempt++) {
    try {
      if (full.size === 0) {
        return await context.blobs.put(destination, new Uint8Array(0), { metadata: full.metadata, contentType: full.contentType, contentLength: 0, signal, ...(createOnly ? { ifNoneMatch: '*' as const } : {}) })
      }
      return await context.blobs.copy(head.key, destination, { signal, ...(createOnly ? { ifNoneMatch: '*' as const } : {}) })
    } catch (error) {
      if (!isVolumeError(error, 'EPRECONDITION') || attempt >= ATTEMPTS) throw error
      const found = await context.blobs.head(destination, { signal })
      if (found) await releaseObjects(context, (await deleteExactly(context, [found], signal)).deleted)
    }
  }
}
