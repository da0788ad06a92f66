import { throwIfAborted, VolumeError } from '@volumes/core'
import { toVolumeError } from './errors.js'

/**
 * Runs one GCS call, mapping its failure with {@link toVolumeError}. The client takes no
 * `AbortSignal` for these calls, so an abort rejects at once with ECANCELED and the request
 * is left to finish on its own (its result is ignored).
 */
export async function call<T>(op: string, path: string | undefined, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  throwIfAborted(signal, op, path)
  const work = run().catch((error: unknown) => {
    throw toVolumeError(error, op, path)
  })
  if (!signal) return work
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new VolumeError('ECANCELED', { op, path, cause: signal.reason }))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  work.catch(() => undefined)
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort!)
  }
}
