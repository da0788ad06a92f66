import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'
import { forwardTo } from '../layers/layer.js'
import type { MutationGuard } from '../volume/volume-context.js'

/**
 * Puts a mounted volume's guard in front of every mutating request (`put`, `delete`,
 * `deleteIfMatch`, `copy`, `setMetadata`), so that a retry, a re-attempt after a
 * concurrent write, or the next object of a tree is not sent once the lease is lost,
 * and gives each request the guard's signal, so that requests in flight are aborted
 * when it fires. Reads pass through. Refusals name the volume path of the key (`pathOf`).
 */
export function withMutationFence(inner: BlobStore, guard: MutationGuard, pathOf: (key: string) => string): BlobStore {
  const check = guard.beforeRequest?.bind(guard)
  const fence = (guardSignal: AbortSignal | undefined) => <O extends BlobCallOptions>(op: string, key: string, options: O | undefined): O => {
    check?.(op, pathOf(key))
    if (!guardSignal) return options ?? ({} as O)
    const signal = options?.signal ? AbortSignal.any([options.signal, guardSignal]) : guardSignal
    return { ...(options ?? ({} as O)), signal }
  }
  const fenced = fence(guard.signal)
  // A request aborted by the guard's signal fails as the guard would have refused it (EBUSY LeaseLost, the volume path).
  const run = <T>(op: string, key: string, call: () => Promise<T>): Promise<T> => call().catch((error: unknown) => {
    if (guard.signal?.aborted) check?.(op, pathOf(key))
    throw error
  })
  return forwardTo(inner, {
    put: (key, body, o) => run('writeFile', key, () => inner.put(key, body, fenced('writeFile', key, o))),
    delete: (keys, o) => run('rm', keys[0] ?? '', () => inner.delete(keys, fenced('rm', keys[0] ?? '', o))),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => run('rm', key, () => inner.deleteIfMatch!(key, version, fenced('rm', key, o))) } : {}),
    copy: (from, to, o) => run('copy', to, () => inner.copy(from, to, fenced('copy', to, o))),
    setMetadata: (key, metadata, o) => run('updateMetadata', key, () => inner.setMetadata(key, metadata, fenced('updateMetadata', key, o))),
  })
}
