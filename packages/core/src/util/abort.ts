import { VolumeError } from '../errors/volume-error.js'

/** Throws ECANCELED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, op: string, path?: string): void {
  if (signal?.aborted) throw new VolumeError('ECANCELED', { op, path, cause: signal.reason })
}

/** Resolves after `ms`, or rejects with ECANCELED when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new VolumeError('ECANCELED', { op: 'sleep', cause: signal.reason }))
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new VolumeError('ECANCELED', { op: 'sleep', cause: signal?.reason }))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
