import type { BlobHead } from '../blob/blob-store.js'
import type { VolumeContext } from '../volume/volume-context.js'

/**
 * Runs the write of one object (a marker, a copy) with its effect on the volume's
 * usage charged: growth is reserved before (ENOSPC when refused, and nothing is
 * written), shrinkage is recorded after success, and the reservation is given back
 * when the write fails. Without a quota it only runs the write.
 *
 * For exact counts the write must be conditional where it may race (markers use
 * `ifNoneMatch`): an unconditional overwrite replaces what it did not charge for.
 */
export async function chargeWrite<T>(context: VolumeContext, op: string, path: string, bytes: number, inodes: number, write: () => Promise<T>): Promise<T> {
  const quota = context.quota
  if (!quota) return write()
  const growBytes = Math.max(0, bytes)
  const growInodes = Math.max(0, inodes)
  await quota.reserve(op, path, growBytes, growInodes)
  let result: T
  try {
    result = await write()
  } catch (error) {
    await quota.adjust(-growBytes, -growInodes)
    throw error
  }
  await quota.adjust(bytes - growBytes, inodes - growInodes)
  return result
}

/** Records objects that were deleted: their bytes and inodes are free again (the volume's root marker is not counted). */
export async function releaseObjects(context: VolumeContext, heads: readonly BlobHead[]): Promise<void> {
  if (!context.quota) return
  let bytes = 0
  let inodes = 0
  for (const head of heads) {
    if (head.key === context.keys.prefix) continue
    bytes += head.size
    inodes += 1
  }
  await context.quota.adjust(-bytes, -inodes)
}

/**
 * The objects already under a tree copy's destination, by key, so that each copy
 * replaces exactly what it found. `undefined` without a quota (no listing then).
 */
export async function existingHeads(context: VolumeContext, prefix: string, signal?: AbortSignal): Promise<Map<string, BlobHead> | undefined> {
  if (!context.quota) return undefined
  const heads = new Map<string, BlobHead>()
  let cursor: string | undefined
  do {
    const page = await context.blobs.list(prefix, { cursor, signal })
    for (const object of page.objects) heads.set(object.key, object)
    cursor = page.cursor
  } while (cursor)
  return heads
}
