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
  return forwardTo(inner, {
    put: (key, body, o) => inner.put(key, body, fenced('put', key, o)),
    delete: (keys, o) => inner.delete(keys, fenced('delete', keys[0] ?? '', o)),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => inner.deleteIfMatch!(key, version, fenced('delete', key, o)) } : {}),
    copy: (from, to, o) => inner.copy(from, to, fenced('copy', to, o)),
    setMetadata: (key, metadata, o) => inner.setMetadata(key, metadata, fenced('setMetadata', key, o)),
  })
}
