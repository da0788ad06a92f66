/** The least a stream of unknown length reserves ahead of its bytes. */
export const MIN_STREAM_STEP_BYTES = 8 * 1024

/**
 * How much more a stream of unknown length reserves, beyond the bytes it is short of, when it
 * runs out of what it paid for: twice what it has paid for so far (`paid`, about what it has
 * delivered), at least {@link MIN_STREAM_STEP_BYTES} and at most `max`. The read-ahead grows
 * with the stream (a 20 MiB stream in 1 MiB chunks reserves three times), so a stream that
 * sent a few bytes and stalled holds a few KiB of the quota, never a share of the free room.
 */
export function streamStep(paid: number, max: number): number {
  return Math.min(max, Math.max(MIN_STREAM_STEP_BYTES, 2 * paid))
}
