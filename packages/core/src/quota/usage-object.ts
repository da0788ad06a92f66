import type { BlobStore, BlobWriteConditions } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { isVolumeError } from '../errors/volume-error.js'

/** What a volume holds: bytes of file data, and inodes (files plus directory markers; the root is not counted). */
export interface UsageCounts {
  readonly bytes: number
  readonly inodes: number
}

/** A usage object as read, with the object version for compare-and-swap. */
export interface VersionedUsage {
  readonly usage: UsageCounts
  readonly version: string
}

const USAGE_PREFIX = '.registry/usage/'

/** The key of a volume's usage object: `.registry/usage/<volumeId>`, JSON `{ bytes, inodes }`. */
export function usageKey(volumeId: string): string {
  return `${USAGE_PREFIX}${volumeId}`
}

/** Reads a volume's usage object; `undefined` when there is none. */
export async function readUsageObject(blobs: BlobStore, volumeId: string): Promise<VersionedUsage | undefined> {
  try {
    const { head, body } = await blobs.get(usageKey(volumeId))
    const value = JSON.parse(new TextDecoder().decode(await collectBytes(body))) as Partial<UsageCounts>
    return { usage: { bytes: Number(value.bytes) || 0, inodes: Number(value.inodes) || 0 }, version: head.version }
  } catch (error) {
    if (isVolumeError(error, 'ENOENT')) return undefined
    throw error
  }
}

/** Writes a volume's usage object under a condition (EPRECONDITION when it fails); returns the new version. */
export async function writeUsageObject(blobs: BlobStore, volumeId: string, usage: UsageCounts, conditions: BlobWriteConditions): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify({ bytes: usage.bytes, inodes: usage.inodes }))
  return (await blobs.put(usageKey(volumeId), body, { ...conditions, contentType: 'application/json' })).version
}

/** Deletes a volume's usage object (a missing one is fine). */
export async function deleteUsageObject(blobs: BlobStore, volumeId: string): Promise<void> {
  await blobs.delete([usageKey(volumeId)])
}
