import type { BlobBody, BlobHead, BlobWriteConditions } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { sleep } from '../util/abort.js'
import type { VolumeContext } from '../volume/volume-context.js'
import { meteredBody } from './metered-body.js'
import { streamStep } from './stream-step.js'
import type { QuotaCharger } from './quota-charger.js'

/** A stream of unknown length reserves at most this much more each time it runs out (see `streamStep`): one reservation per 8 MiB once it is under way. */
export const STREAM_RESERVATION_BYTES = 8 * 1024 * 1024

/** Attempts of a write whose target another process changed under it (replayable bodies only). */
const ATTEMPTS = 10

/** One file write to charge: see {@link putFileCharged}. */
export interface ChargedPut {
  readonly key: string
  readonly path: string
  readonly op: string
  readonly body: BlobBody
  /** Known length of `body`; `undefined` for a stream of unknown length. */
  readonly contentLength: number | undefined
  /** The file at the path before the write, if any. */
  readonly existing: BlobHead | undefined
  /** An exclusive create: a concurrent creator wins and EPRECONDITION is rethrown as is. */
  readonly exclusive: boolean
  /** Puts `body` under the given conditions. */
  readonly put: (body: BlobBody, conditions: BlobWriteConditions) => Promise<BlobHead>
}

/**
 * Puts a file while keeping the volume's usage exact.
 *
 * - Known length: reserves `newSize - oldSize` (and one inode for a new file) before
 *   the put; one conditional write of the usage object in all. A shrink is recorded after.
 * - Unknown length: the body is metered and reserves as it flows, in steps of
 *   growing with what it delivered up to {@link STREAM_RESERVATION_BYTES} (see `streamStep`); a
 *   refusal fails the stream, so nothing is written.
 *   The unused part is given back after the put.
 *
 * The put is conditional on the file it replaces (`ifMatch` its version, or
 * `ifNoneMatch` when there was none), so the charge always matches what was replaced.
 * Writes to one path are serialised within this process; when another process got
 * there first, a byte body is re-charged and written again (last writer wins); a
 * stream cannot be replayed, so that write fails with EAGAIN (reason
 * `ConcurrentWrite`, temporary) and nothing of it is written. ENOSPC (reason
 * `QuotaExceeded`) when the quota refuses; nothing is written then either.
 */
export async function putFileCharged(context: VolumeContext, quota: QuotaCharger, request: ChargedPut): Promise<BlobHead> {
  return quota.serialise(request.key, async (waited) => {
    // Whoever wrote this path before us in this process changed what we replace.
    const existing = waited && !request.exclusive ? await context.blobs.head(request.key) : request.existing
    return putWithRetries(context, quota, request, existing)
  })
}

async function putWithRetries(context: VolumeContext, quota: QuotaCharger, request: ChargedPut, firstExisting: BlobHead | undefined): Promise<BlobHead> {
  const { op, path } = request
  let existing = firstExisting
  for (let attempt = 1; ; attempt++) {
    const credit = existing?.size ?? 0
    const inodes = existing ? 0 : 1
    let reserved = request.contentLength === undefined ? 0 : Math.max(0, request.contentLength - credit)
    await quota.reserve(op, path, reserved, inodes)
    let refusal: unknown
    let growing: Promise<unknown> | undefined
    const grow = async (missing: number): Promise<number> => {
      const reservation = quota.reserve(op, path, missing, 0, streamStep(credit + reserved + missing, STREAM_RESERVATION_BYTES))
      growing = reservation.catch(() => undefined)
      try {
        const extra = await reservation
        reserved += missing + extra
        return missing + extra
      } catch (error) {
        refusal = error
        throw error
      }
    }
    const body = request.contentLength === undefined ? meteredBody(request.body as AsyncIterable<Uint8Array>, credit, grow) : request.body
    try {
      const head = await request.put(body, existing ? { ifMatch: existing.version } : { ifNoneMatch: '*' })
      await quota.adjust(head.size - credit - reserved, 0)
      return head
    } catch (error) {
      // A put may fail for another reason while a reservation is still in flight: let it land first.
      await growing
      await quota.adjust(-reserved, -inodes)
      if (refusal !== undefined) throw refusal
      if (!isVolumeError(error, 'EPRECONDITION') || request.exclusive) throw error
      if (!(request.body instanceof Uint8Array) || attempt >= ATTEMPTS) {
        throw new VolumeError('EAGAIN', { op, path, reason: 'ConcurrentWrite', detail: 'the file was changed by another writer during this write; nothing was written', temporary: true, cause: error })
      }
      await sleep(Math.random() * 2 ** attempt)
      existing = await context.blobs.head(request.key)
    }
  }
}
