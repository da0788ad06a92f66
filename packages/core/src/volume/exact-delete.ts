import type { BlobHead } from '../blob/blob-store.js'
import { REMOVAL_CLAIM_DELETE_DEADLINE_MS, removalClaimMetadata } from '../blob/removal-claims.js'
import { isVolumeError } from '../errors/volume-error.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import type { VolumeContext } from './volume-context.js'

/** What {@link deleteExactly} did with each object it was given. */
export interface ExactDeleteOutcome {
  /** Deleted by this call, at the version given: their bytes and inodes are free. */
  readonly deleted: BlobHead[]
  /** Not deleted: another process changed or removed them since they were read. */
  readonly changed: BlobHead[]
}

/**
 * Deletes objects only at the versions given, so that a caller frees exactly what it
 * removed, whatever other processes do at the same time: of concurrent removers of
 * one version only one succeeds, and a version written after it was read survives.
 *
 * With `conditionalDelete` each object is one conditional delete. Without it each
 * object is first claimed by a conditional put of an empty removal claim over it
 * (see `removal-claims.ts`), then the claims are deleted in batches: one request more.
 * A remover that took longer than {@link REMOVAL_CLAIM_DELETE_DEADLINE_MS} from its
 * claim to its delete leaves the claim, which hides the file and which a writer takes over.
 */
export async function deleteExactly(context: VolumeContext, heads: readonly BlobHead[], signal?: AbortSignal): Promise<ExactDeleteOutcome> {
  const deleted: BlobHead[] = []
  const changed: BlobHead[] = []
  const blobs = context.blobs
  const conditional = blobs.capabilities.conditionalDelete === true && blobs.deleteIfMatch !== undefined
  const claimed: { head: BlobHead; at: number }[] = []
  await forEachConcurrent(heads, context.concurrency, async (head) => {
    try {
      if (conditional) {
        await blobs.deleteIfMatch!(head.key, head.version, { signal })
        deleted.push(head)
      } else {
        await blobs.put(head.key, new Uint8Array(0), { ifMatch: head.version, metadata: removalClaimMetadata(), signal })
        claimed.push({ head, at: performance.now() })
      }
    } catch (error) {
      if (!isVolumeError(error, 'EPRECONDITION')) throw error
      changed.push(head)
    }
  }, signal)
  if (claimed.length > 0) {
    const now = performance.now()
    const inTime = claimed.filter((claim) => now - claim.at <= REMOVAL_CLAIM_DELETE_DEADLINE_MS)
    // A claim whose delete fails still hides its file (and is taken over by the next writer): the removal stands.
    await context.blobs.delete(inTime.map((claim) => claim.head.key), { signal }).catch(() => undefined)
    deleted.push(...claimed.map((claim) => claim.head))
  }
  return { deleted, changed }
}
