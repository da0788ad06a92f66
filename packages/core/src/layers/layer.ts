import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'

/** A layer wraps a BlobStore and returns a BlobStore with the same contract. */
export type BlobLayer = (inner: BlobStore) => BlobStore

/**
 * Builds a layer's store: every member of `inner` is forwarded except those in
 * `overrides`, so a layer writes only what it changes.
 */
export function forwardTo(inner: BlobStore, overrides: Partial<Omit<BlobStore, 'capabilities'>>): BlobStore {
  // Calls look the member up on `inner` each time, so a store patched after it was wrapped is still seen.
  return {
    capabilities: inner.capabilities,
    head: overrides.head ?? ((key, o) => inner.head(key, o)),
    get: overrides.get ?? ((key, o) => inner.get(key, o)),
    put: overrides.put ?? ((key, body, o) => inner.put(key, body, o)),
    list: overrides.list ?? ((prefix, o) => inner.list(prefix, o)),
    delete: overrides.delete ?? ((keys, o) => inner.delete(keys, o)),
    ...(inner.deleteIfMatch ? { deleteIfMatch: overrides.deleteIfMatch ?? ((key: string, version: string, o?: BlobCallOptions) => inner.deleteIfMatch!(key, version, o)) } : {}),
    copy: overrides.copy ?? ((from, to, o) => inner.copy(from, to, o)),
    setMetadata: overrides.setMetadata ?? ((key, metadata, o) => inner.setMetadata(key, metadata, o)),
  }
}

/** Applies layers in order: the first listed is the outermost. */
export function withLayers(inner: BlobStore, ...layers: BlobLayer[]): BlobStore {
  return layers.reduceRight((store, layer) => layer(store), inner)
}
