import type { BlobHead } from '../blob/blob-store.js'
import { isVolumeError } from '../errors/volume-error.js'
import { decodeAttributes, encodeAttributes } from '../metadata/codec.js'
import { deleteExactly } from './exact-delete.js'
import type { VolumeContext } from './volume-context.js'

/** Attempts of a copy whose destination other processes keep writing. */
const ATTEMPTS = 8

/**
 * Copies one object onto `destinationKey` keeping the usage exact under any concurrency.
 *
 * What stands at the destination is deleted first, only at the version seen (`deleteExactly`),
 * and its charge freed; the copy is then create-only, so a destination another process
 * wrote meanwhile is replaced the same way instead of being overwritten uncounted. Readers
 * see the destination missing for one request while it is replaced.
 *
 * `copy`: new data, reserved before (ENOSPC, nothing changed) net of what it replaces, and
 * charged at the size actually copied. `move`: the data moves (the caller deletes the source
 * after), so nothing is reserved. `replaced` is what the caller found at the destination.
 */
export async function copyOnto(context: VolumeContext, source: BlobHead, destinationKey: string, replaced: BlobHead | undefined, mode: 'copy' | 'move', now: bigint, signal?: AbortSignal): Promise<BlobHead> {
  const quota = context.quota
  const path = context.keys.pathOf(destinationKey)
  const credit = mode === 'copy' && replaced ? { bytes: replaced.size, inodes: 1 } : { bytes: 0, inodes: 0 }
  const grow = mode === 'copy' ? { bytes: source.size - credit.bytes, inodes: 1 - credit.inodes } : { bytes: 0, inodes: 0 }
  await quota?.reserve(mode, path, Math.max(0, grow.bytes), Math.max(0, grow.inodes))
  let creditUsed = false
  let current = replaced
  let copied: BlobHead | undefined
  try {
    for (let attempt = 1; copied === undefined; attempt++) {
      if (current) {
        const { deleted } = await deleteExactly(context, [current], signal)
        if (deleted.length > 0) {
          await quota?.adjust(-current.size + (creditUsed ? 0 : credit.bytes), -1 + (creditUsed ? 0 : credit.inodes))
          creditUsed = true
        }
      }
      try {
        copied = await copyKeepingAttributes(context, source, destinationKey, now, mode === 'copy', signal)
      } catch (error) {
        if (!isVolumeError(error, 'EPRECONDITION') || attempt >= ATTEMPTS) throw error
        current = await context.blobs.head(destinationKey, { signal })
      }
    }
  } catch (error) {
    const undo = creditUsed ? credit : { bytes: 0, inodes: 0 }
    await quota?.adjust(-Math.max(0, grow.bytes) - undo.bytes, -Math.max(0, grow.inodes) - undo.inodes)
    throw error
  }
  // A credit for a destination this call did not delete in the end (another process removed it) is taken back.
  const unused = creditUsed ? { bytes: 0, inodes: 0 } : credit
  await quota?.adjust(Math.min(0, grow.bytes) + unused.bytes, Math.min(0, grow.inodes) + unused.inodes)
  if (mode === 'copy') await chargeGrownSource(context, source, copied, signal)
  return copied
}

/**
 * A copy takes the source as it is when the copy runs: one rewritten since it was read is
 * charged at its new size, and when that does not fit, the copy is deleted again (ENOSPC).
 */
async function chargeGrownSource(context: VolumeContext, read: BlobHead, copied: BlobHead, signal?: AbortSignal): Promise<void> {
  const grown = copied.size - read.size
  if (!context.quota || grown === 0) return
  if (grown < 0) return context.quota.adjust(grown, 0)
  try {
    await context.quota.reserve('copy', context.keys.pathOf(copied.key), grown, 0)
  } catch (error) {
    const { deleted } = await deleteExactly(context, [copied], signal)
    await context.quota.adjust(-(copied.size - grown) * deleted.length, -deleted.length)
    throw error
  }
}

/**
 * Server-side copy keeping mode and owner, create-only where the backend can (`overwrite`: not).
 * A move keeps the times and sets ctime; a copy (`fresh`) is a new file with new times.
 */
export async function copyKeepingAttributes(context: VolumeContext, source: BlobHead, destinationKey: string, now: bigint, fresh: boolean, signal?: AbortSignal, overwrite = false): Promise<BlobHead> {
  const head = source.metadata ? source : ((await context.blobs.head(source.key, { signal })) ?? source)
  const kind = head.key.endsWith('/') ? 'directory' : 'file'
  const before = decodeAttributes(head.metadata, kind, head.lastModified, context.defaults)
  const attributes = fresh ? { ...before, atimeNs: now, mtimeNs: now, ctimeNs: now } : { ...before, ctimeNs: now }
  const options = {
    metadata: { ...head.metadata, ...encodeAttributes(attributes) },
    contentType: head.contentType,
    signal,
    ...(context.blobs.capabilities.conditionalCreate && !overwrite ? { ifNoneMatch: '*' as const } : {}),
  }
  // An empty object (a marker, an empty file) is one put: no copy request, and no multipart
  // create-only copy, which MinIO refuses for keys ending in '/'.
  if (head.size === 0) return context.blobs.put(destinationKey, new Uint8Array(0), { ...options, contentLength: 0 })
  return context.blobs.copy(head.key, destinationKey, options)
}
