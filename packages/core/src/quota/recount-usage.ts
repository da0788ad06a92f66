import type { BlobStore } from '../blob/blob-store.js'
import type { UsageCounts } from './usage-object.js'

/**
 * Counts what is under a volume's prefix by listing it: bytes of every object, and
 * one inode per object (files and directory markers), the root marker (the prefix
 * itself) excepted. Implicit directories (prefixes without a marker) are not counted,
 * as no write ever charges for them. One listing request per 1000 objects.
 */
export async function recountUsage(blobs: BlobStore, prefix: string, signal?: AbortSignal): Promise<UsageCounts> {
  let bytes = 0
  let inodes = 0
  let cursor: string | undefined
  do {
    const page = await blobs.list(prefix, { cursor, signal })
    for (const object of page.objects) {
      if (object.key === prefix) continue
      bytes += object.size
      inodes += 1
    }
    cursor = page.cursor
  } while (cursor)
  return { bytes, inodes }
}
