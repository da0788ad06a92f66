import type { BlobHead, BlobStore } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { forEachConcurrent } from '../util/map-concurrent.js'

/** What a copied tree holds. */
export interface TreeCounts {
  /** Objects that are not directory markers. */
  readonly files: number
  readonly bytes: number
  /** Objects other than the root marker (what a volume's quota counts). */
  readonly inodes: number
}

/** Rounds of copy-and-check before a snapshot of a volume that writers keep changing gives up (EAGAIN). */
export const CONSISTENT_COPY_ROUNDS = 6

/** Everything that identifies one written state of an object: a version never comes back, size and time guard ETags (content hashes). */
function stampOf(head: BlobHead): string {
  return `${head.version}\u0000${head.size}\u0000${head.lastModified.getTime()}`
}

async function listTree(blobs: BlobStore, prefix: string, signal?: AbortSignal): Promise<Map<string, BlobHead>> {
  const heads = new Map<string, BlobHead>()
  let cursor: string | undefined
  do {
    const page = await blobs.list(prefix, { cursor, signal })
    for (const object of page.objects) heads.set(object.key.slice(prefix.length), object)
    cursor = page.cursor
  } while (cursor)
  return heads
}

/**
 * Copies every object under `sourcePrefix` to `targetPrefix` (server-side, metadata kept as
 * it is) as of one point in time, while writers may change the source.
 *
 * Each round copies what the last listing shows changed (and deletes from the target what
 * it shows gone), then lists again. It ends when a listing finds every object at the state
 * (version, size, time) it was copied at, and nothing else: each object then held that state
 * from its listing before its copy to its listing after, and since one listing ends before
 * the next begins, these intervals share an instant at which the whole tree was as copied.
 * A file created and removed again within the window may be absent. EAGAIN (reason
 * `SnapshotContended`) after {@link CONSISTENT_COPY_ROUNDS} rounds. Holds one entry per key in memory.
 *
 * `list` lists the source (a view that hides removal claims); `target` copies and deletes.
 */
export async function copyConsistently(list: BlobStore, target: BlobStore, sourcePrefix: string, targetPrefix: string, concurrency: number, op: string, signal?: AbortSignal): Promise<TreeCounts> {
  const held = new Map<string, BlobHead>()
  let listing = await listTree(list, sourcePrefix, signal)
  for (let round = 1; ; round++) {
    const changed = [...listing].filter(([relative, head]) => held.get(relative) === undefined || stampOf(held.get(relative)!) !== stampOf(head))
    const gone = [...held.keys()].filter((relative) => !listing.has(relative))
    await forEachConcurrent(changed, concurrency, async ([relative, head]) => {
      try {
        await target.copy(head.key, `${targetPrefix}${relative}`, { signal })
        held.set(relative, head)
      } catch (error) {
        if (!isVolumeError(error, 'ENOENT')) throw error
        held.delete(relative)
        gone.push(relative)
      }
    }, signal)
    if (gone.length > 0) {
      const result = await target.delete(gone.map((relative) => `${targetPrefix}${relative}`), { signal })
      if (result.failed[0]) throw new VolumeError('EIO', { op, detail: `${result.failed.length} object(s) of the copy could not be deleted`, cause: result.failed[0].error })
      for (const relative of gone) held.delete(relative)
    }
    listing = await listTree(list, sourcePrefix, signal)
    if (listing.size === held.size && [...listing].every(([relative, head]) => held.has(relative) && stampOf(held.get(relative)!) === stampOf(head))) {
      return countsOf(held)
    }
    if (round >= CONSISTENT_COPY_ROUNDS) {
      throw new VolumeError('EAGAIN', { op, reason: 'SnapshotContended', detail: `the volume changed during each of ${round} copy rounds; try again when writes are fewer` })
    }
  }
}

/** Counts of a tree's objects, by key relative to its prefix (`''` is the root marker, not an inode). */
export function countsOf(tree: ReadonlyMap<string, BlobHead>): TreeCounts {
  let files = 0
  let bytes = 0
  let inodes = 0
  for (const [relative, head] of tree) {
    bytes += head.size
    if (!relative.endsWith('/') && relative !== '') files += 1
    if (relative !== '') inodes += 1
  }
  return { files, bytes, inodes }
}

/** Deletes every object under a prefix that no quota counts (snapshot content, an unfinished fork). */
export async function deleteUncounted(blobs: BlobStore, prefix: string, op: string, signal?: AbortSignal): Promise<void> {
  const keys = [...(await listTree(blobs, prefix, signal)).keys()].map((relative) => `${prefix}${relative}`)
  for (let start = 0; start < keys.length; start += 1000) {
    const result = await blobs.delete(keys.slice(start, start + 1000), { signal })
    if (result.failed[0]) throw new VolumeError('EIO', { op, detail: `${result.failed.length} object(s) could not be deleted`, cause: result.failed[0].error })
  }
}
