import { isVolumeError, VolumeError } from '@volumes/core'

/** Resumes of one read after its connection broke mid-body. */
export const MAX_READ_RESUMES = 3

/** How to continue a read of one version of a file. */
export interface PinnedRead {
  /** The `ETag` of the version the first response carried. */
  readonly etag: string
  /** File offset of the first byte of the read. */
  readonly start: number
  /** File offset the read ends at (exclusive); undefined: the end of the file. */
  readonly end: number | undefined
  /**
   * Asks for the rest from file offset `from` on, pinned to the same version (`If-Match`):
   * a stream of exactly those bytes, or a rejection (EPRECONDITION when the file changed).
   */
  reopen(from: number): Promise<ReadableStream<Uint8Array>>
  readonly op: string
  readonly path: string
  readonly signal: AbortSignal | undefined
}

/**
 * A read that survives a broken connection without mixing versions: when the body fails
 * mid-way with a network error (EIO `NetworkError`), the rest is asked for again from where it
 * broke, with `If-Match` the first response's `ETag`, up to {@link MAX_READ_RESUMES} times.
 * When the file changed meanwhile the stream fails with EAGAIN (reason `FileChanged`,
 * temporary: read it again from the start); the bytes already delivered were all of the
 * first version.
 */
export function pinnedStream(first: ReadableStream<Uint8Array>, pin: PinnedRead): ReadableStream<Uint8Array> {
  let reader = first.getReader()
  let offset = pin.start
  let resumes = 0
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          try {
            const next = await reader.read()
            if (next.done) return controller.close()
            offset += next.value.byteLength
            return controller.enqueue(next.value)
          } catch (error) {
            const broken = isVolumeError(error, 'EIO') && error.reason === 'NetworkError' && !pin.signal?.aborted
            if (!broken || resumes >= MAX_READ_RESUMES) return controller.error(error)
            if (pin.end !== undefined && offset >= pin.end) return controller.close()
            resumes++
            try {
              reader = (await pin.reopen(offset)).getReader()
            } catch (reopenError) {
              if (!isVolumeError(reopenError, 'EPRECONDITION')) return controller.error(reopenError)
              return controller.error(new VolumeError('EAGAIN', {
                op: pin.op, path: pin.path, reason: 'FileChanged', temporary: true, cause: reopenError,
                detail: `the file changed while it was read (version ${pin.etag} is gone after ${offset - pin.start} bytes); read it again`,
              }))
            }
          }
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => undefined)
      },
    },
    { highWaterMark: 0 },
  )
}
