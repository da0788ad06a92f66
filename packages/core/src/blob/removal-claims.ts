import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { sleep } from '../util/abort.js'
import type { BlobHead, BlobMetadata, BlobPutOptions, BlobStore } from './blob-store.js'
import { forwardTo } from '../layers/layer.js'

/**
 * Metadata key of a removal claim: an empty object written over a file with
 * `ifMatch` its version by the one remover that wins it, then deleted. Its value is
 * the claim's wall-clock time in milliseconds.
 */
export const REMOVAL_CLAIM_KEY = 'volumes-removing'

/** A claim older than this was left by a remover that stopped; a writer may take its key over. */
export const REMOVAL_CLAIM_TTL_MS = 30_000

/** A remover that took longer than this to get from its claim to its delete leaves the claim in place instead. */
export const REMOVAL_CLAIM_DELETE_DEADLINE_MS = 10_000

/** True when a head describes a removal claim, not a file. */
export function isRemovalClaim(head: Pick<BlobHead, 'metadata'> | undefined): boolean {
  return head?.metadata?.[REMOVAL_CLAIM_KEY] !== undefined
}

/** The metadata of a new claim. */
export function removalClaimMetadata(now = Date.now()): BlobMetadata {
  return { [REMOVAL_CLAIM_KEY]: String(now) }
}

function claimAgeMs(head: BlobHead, now = Date.now()): number {
  const at = Number(head.metadata?.[REMOVAL_CLAIM_KEY])
  return Number.isFinite(at) ? now - at : Number.POSITIVE_INFINITY
}

/**
 * The view of a store in which removal claims do not exist: `head` and `get` of a
 * claim are a missing key, `list` leaves claims out, and a create-only `put`
 * (`ifNoneMatch: '*'`) that meets a claim waits until its remover deleted it — or,
 * when the claim is older than {@link REMOVAL_CLAIM_TTL_MS} (its remover stopped),
 * takes the key over with a put conditional on the claim's version.
 *
 * Only needed on stores without `conditionalDelete` (MinIO, fake-gcs-server), where
 * a remover can know that it, and no other remover, deleted a version only by
 * first winning a conditional write. Claims are visible to other tools (s3fs sees an
 * empty file) for one request, and after a remover crashed until a writer takes the
 * key over or `fsck` removes it.
 */
export function withRemovalClaims(inner: BlobStore): BlobStore {
  const head = async (key: string, options?: { signal?: AbortSignal | undefined }): Promise<BlobHead | undefined> => {
    const found = await inner.head(key, options)
    return isRemovalClaim(found) ? undefined : found
  }
  return forwardTo(inner, {
    head,
    async get(key, options) {
      const result = await inner.get(key, options)
      if (!isRemovalClaim(result.head)) return result
      result.body.destroy()
      throw new VolumeError('ENOENT', { op: 'get', path: key })
    },
    async list(prefix, options = {}) {
      let page = await inner.list(prefix, options)
      // A page of nothing but claims says nothing of what follows: read on, so that a short listing is never empty by mistake.
      for (;;) {
        if (!page.objects.some(isRemovalClaim)) return page
        const objects = page.objects.filter((object) => !isRemovalClaim(object))
        if (objects.length > 0 || page.prefixes.length > 0 || page.cursor === undefined) return { ...page, objects }
        page = await inner.list(prefix, { ...options, cursor: page.cursor })
      }
    },
    async put(key, body, options = {}) {
      if (options.ifNoneMatch !== '*') return inner.put(key, body, options)
      return putOverClaims(inner, key, body, options)
    },
  })
}

async function putOverClaims(inner: BlobStore, key: string, body: Parameters<BlobStore['put']>[1], options: BlobPutOptions): Promise<BlobHead> {
  const waitUntil = Date.now() + REMOVAL_CLAIM_TTL_MS
  for (let attempt = 0; ; attempt++) {
    try {
      return await inner.put(key, body, options)
    } catch (error) {
      // A stream body cannot be sent again: it fails as any create-only write that lost would.
      if (!isVolumeError(error, 'EPRECONDITION') || !(body instanceof Uint8Array)) throw error
      const current = await inner.head(key, { signal: options.signal })
      if (!isRemovalClaim(current)) {
        if (current) throw error
        continue
      }
      if (claimAgeMs(current!) > REMOVAL_CLAIM_TTL_MS || Date.now() > waitUntil) {
        // Its remover stopped: this write replaces the claim.
        const { ifNoneMatch: _none, ...rest } = options
        return inner.put(key, body, { ...rest, ifMatch: current!.version })
      }
      await sleep(Math.min(500, 20 * 2 ** Math.min(attempt, 5)), options.signal)
    }
  }
}
