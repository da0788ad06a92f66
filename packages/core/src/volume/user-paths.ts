import type { BlobStore } from '../blob/blob-store.js'
import { forwardTo } from '../layers/layer.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import type { KeySpace } from '../paths/key-space.js'

/**
 * An error of a store call made for a volume, as the volume's user may see it: an object key
 * in `path` becomes the volume path it stands for (`vol-…/a/b` → `/a/b`; a key outside the
 * volume, none), and a message that
 * quotes the volume's keys (raw backend text often does) keeps only its code's description.
 * Code, reason, temporary flag and cause are kept. Anything else passes as it is.
 */
export function toUserError(error: unknown, keys: KeySpace): unknown {
  if (!isVolumeError(error) || error.path === undefined || error.path.startsWith('/')) return error
  const key = error.path
  const where = `, ${error.op} '${key}'`
  const lead = `${error.code}: `
  const detail = error.message.startsWith(lead) && error.message.endsWith(where) ? error.message.slice(lead.length, -where.length) : undefined
  const volumeId = keys.prefix.replace(/\/$/, '')
  const leaks = detail !== undefined && (detail.includes(key) || (volumeId !== '' && detail.includes(volumeId)))
  return new VolumeError(error.code, {
    op: error.op,
    // A key outside the volume (the registry's) stands for no volume path: none is named.
    path: key.startsWith(keys.prefix) ? keys.pathOf(key) : undefined,
    reason: error.reason,
    temporary: error.temporary,
    detail: leaks ? undefined : detail,
    cause: error,
  })
}

/**
 * The BlobStore a volume's operations use: the same store, with every failure (thrown, or
 * reported per key by `delete`) passed through {@link toUserError}, so that no error a volume
 * operation raises names an internal key.
 */
export function withUserPaths(inner: BlobStore, keys: KeySpace): BlobStore {
  const store = forwardTo(inner, {}) as unknown as Record<string, unknown>
  for (const [name, member] of Object.entries(store)) {
    if (typeof member !== 'function') continue
    const call = member as (...args: unknown[]) => Promise<unknown>
    store[name] = (...args: unknown[]) => call(...args).then(
      (result) => (isReport(result) ? { ...result, failed: result.failed.map((f) => ({ key: f.key, error: toUserError(f.error, keys) as Error })) } : result),
      (error: unknown) => {
        throw toUserError(error, keys)
      },
    )
  }
  return store as unknown as BlobStore
}

function isReport(result: unknown): result is { failed: readonly { key: string; error: Error }[] } {
  return typeof result === 'object' && result !== null && Array.isArray((result as { failed?: unknown }).failed) && (result as { failed: unknown[] }).failed.length > 0
}
